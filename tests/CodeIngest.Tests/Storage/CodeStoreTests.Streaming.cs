// The streaming store methods, against every store: files read one at a time in path order with their
// definitions and metrics (references left out), and chunks written batch by batch, searchable once published.
using CodeIngest.Indexing;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public abstract partial class CodeStoreTests
{
    [Fact]
    public async Task Streamed_files_equal_the_stored_files_without_references_in_path_order()
    {
        var store = await NewStoreAsync();
        var metrics = new CodeMetrics(2, 2, 0, 3, 1, 1, 2);
        var withData = new ParsedFile("z/last.py", "python", 2, [new Definition("f", "function", 1, 2, 0, 20, QualifiedName: "last.f", Metrics: metrics)], null,
            [new Reference(ReferenceKinds.Call, "print", 2)], metrics);
        await store.BeginSnapshotAsync(new SnapshotInfo("s1", Repo, "https://" + Repo, "main", "c1", DateTimeOffset.UtcNow), Ct);
        await store.SaveParsedFilesAsync("s1", [new ParsedFileContent(withData, "def f(x):\n    print(x)\n"u8.ToArray()), Python("src/app.py", PythonSource, PythonDefinitions), PythonFunction("B.py", "b")], Ct);

        var streamed = await ToListAsync(store.StreamFilesAsync("s1", Ct));
        var stored = await store.GetFilesAsync("s1", Ct);
        Assert.Equal(["B.py", "src/app.py", "z/last.py"], streamed.Select(f => f.Path)); // ordinal: upper case first
        Assert.Equal(stored.Select(f => (f.Path, f.Language, f.ContentHash, f.Lines, f.Text)), streamed.Select(f => (f.Path, f.Language, f.ContentHash, f.Lines, f.Text)));
        Assert.Equal(stored.Select(f => f.Definitions.Count), streamed.Select(f => f.Definitions.Count));
        var last = streamed[2];
        Assert.Equal(("last.f", metrics), (last.Definitions[0].QualifiedName, last.Definitions[0].Metrics));
        Assert.Equal(metrics, last.Metrics);
        Assert.Empty(last.References!);
        Assert.Single(stored[2].References!); // the full read still has them
    }

    [Fact]
    public async Task Chunks_appended_in_batches_replace_cleared_ones_and_are_searchable_after_publish()
    {
        var store = await NewStoreAsync();
        await store.BeginSnapshotAsync(new SnapshotInfo("s1", Repo, "https://" + Repo, "main", "c1", DateTimeOffset.UtcNow), Ct);
        await store.SaveParsedFilesAsync("s1", [Python("src/app.py", PythonSource, PythonDefinitions)], Ct);
        await store.AppendChunksAsync("s1", [new CodeChunk("old.py", "python", "stale_name", "function", 1, 1, "def stale_name(): pass")], Ct);

        // What the index stage does: clear, then batches (one of them empty).
        await store.ClearChunksAsync("s1", Ct);
        var chunks = (await ToListAsync(store.StreamFilesAsync("s1", Ct))).SelectMany(f => Chunker.Chunk(f)).ToList();
        Assert.Equal(3, chunks.Count);
        await store.AppendChunksAsync("s1", chunks.Take(2).ToList(), Ct);
        await store.AppendChunksAsync("s1", [], Ct);
        await store.AppendChunksAsync("s1", chunks.Skip(2).ToList(), Ct);
        Assert.Empty(await store.SearchAsync("parse_file", null, 10, Ct)); // not published yet
        await store.PublishSnapshotAsync("s1", await store.CountSnapshotAsync("s1", Ct), Ct);

        Assert.Equal(3, (await store.CountSnapshotAsync("s1", Ct)).Chunks);
        Assert.Empty(await store.SearchAsync("stale_name", null, 10, Ct));
        var parse = Assert.Single(await store.SearchAsync("parse_file", null, 10, Ct));
        Assert.Equal(("src/app.py", 3, 4), (parse.Path, parse.StartLine, parse.EndLine));
        var method = Assert.Single(await store.SearchAsync("handle request", null, 10, Ct)); // through the identifier words
        Assert.Equal(("HttpServer", 6, 8), (method.Symbol, method.StartLine, method.EndLine));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
