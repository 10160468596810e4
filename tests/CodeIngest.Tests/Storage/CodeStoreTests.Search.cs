// The search-filter store method, against every store, and the language filter of lexical search that uses it:
// a .h header parsed as C++ is C++ to the filter, not C as its extension would say.
using System.Text;
using CodeIngest.Parsing;
using CodeIngest.Search;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public abstract partial class CodeStoreTests
{
    private static ParsedFileContent Header(string path, string language, string source, string name) =>
        new(new ParsedFile(path, language, source.Split('\n').Length, [new Definition(name, "struct", 1, 3, 0, source.Length)], null), Encoding.UTF8.GetBytes(source));

    [Fact]
    public async Task File_languages_come_from_the_latest_snapshot_and_drive_the_lexical_language_filter()
    {
        var store = await NewStoreAsync();
        await IngestAsync(store, "s1", "c1",
        [
            Header("include/shape.h", "cpp", "class Widget {\n  int widget_size;\n};\n", "Widget"),
            Header("include/plain.h", "c", "struct widget {\n  int widget_size;\n};\n", "widget"),
        ], publish: true);

        var languages = await store.GetFileLanguagesAsync(Repo, ["include/shape.h", "include/plain.h", "include/missing.h"], Ct);
        Assert.Equal(new Dictionary<string, string> { ["include/shape.h"] = "cpp", ["include/plain.h"] = "c" }, languages);
        Assert.Empty(await store.GetFileLanguagesAsync("github.com/nobody/else", ["include/shape.h"], Ct));
        Assert.Empty(await store.GetFileLanguagesAsync(Repo, [], Ct));

        var search = new HybridSearch(store, new NoVectors());
        var all = await search.SearchAsync("widget_size", new SearchFilter(), 10, SearchMode.Lexical, Ct);
        Assert.Equal(["include/plain.h", "include/shape.h"], all.Select(h => h.Path).Order(StringComparer.Ordinal));
        var cpp = await search.SearchAsync("widget_size", new SearchFilter(Language: "cpp"), 10, SearchMode.Lexical, Ct);
        Assert.Equal("include/shape.h", Assert.Single(cpp).Path);
        var c = await search.SearchAsync("widget_size", new SearchFilter(Language: "C"), 10, SearchMode.Lexical, Ct);
        Assert.Equal("include/plain.h", Assert.Single(c).Path);
    }

    // Lexical search never asks for vectors; any call is a failure.
    private sealed class NoVectors : IVectorSearcher
    {
        public Task<float[]?> EmbedQueryAsync(string query, SearchFilter filter, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("lexical search asked for a query vector");

        public Task<SearchCandidates> FindCandidatesAsync(float[]? query, string? symbolQuery, int k, SearchFilter filter, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("lexical search asked for vector or symbol candidates");
    }
}
