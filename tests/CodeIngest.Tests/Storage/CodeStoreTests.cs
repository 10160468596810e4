using System.Security.Cryptography;
using System.Text;
using CodeIngest.Indexing;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

/// <summary>The code store contract, run against every implementation (SQLite and PostgreSQL subclasses).</summary>
public abstract partial class CodeStoreTests : IDisposable
{
    private const string Repo = "github.com/acme/tools";

    private const string PythonSource =
        """
        import os

        def parse_file(path):
            return open(path).read()

        class HttpServer:
            def handleRequest(self, req):
                return req

        """;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new store object on this test's database (several may share it).</summary>
    protected abstract ICodeStore CreateStore();

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }

    private static ParsedFileContent Python(string path, string source, params Definition[] definitions) =>
        new(new ParsedFile(path, "python", source.Split('\n').Length, definitions, null), Encoding.UTF8.GetBytes(source));

    private static readonly Definition[] PythonDefinitions =
    [
        new("parse_file", "function", 3, 4, 0, 0),
        new("HttpServer", "class", 6, 8, 0, 0),
        new("handleRequest", "method", 7, 8, 0, 0),
    ];

    protected async Task<ICodeStore> NewStoreAsync()
    {
        var store = CreateStore();
        await store.InitializeAsync(Ct);
        return store;
    }

    /// <summary>Runs the write side of one ingest: begin, discovery, parse, chunks; publishes when asked.</summary>
    private static async Task IngestAsync(ICodeStore store, string snapshotId, string commit, IReadOnlyList<ParsedFileContent> files, bool publish, string repo = Repo)
    {
        await store.BeginSnapshotAsync(new SnapshotInfo(snapshotId, repo, "https://" + repo, "main", commit, DateTimeOffset.UtcNow), Ct);
        await store.SaveDiscoveryAsync(snapshotId, files.Select(f => new DiscoveredFile(f.File.Path, f.File.Language, f.Content.Length)).ToList(), [new SkippedFile("logo.png", "binary")], Ct);
        await store.SaveParsedFilesAsync(snapshotId, files, Ct);
        var stored = await store.GetFilesAsync(snapshotId, Ct);
        var chunks = stored.SelectMany(f => Chunker.Chunk(f)).ToList();
        await store.SaveChunksAsync(snapshotId, chunks, Ct);
        if (publish)
        {
            await store.PublishSnapshotAsync(snapshotId, new SnapshotStats(files.Count, 1, files.Sum(f => f.File.Definitions.Length), chunks.Count, new() { ["python"] = files.Count }), Ct);
        }
    }

    [Fact]
    public async Task Initialize_is_idempotent()
    {
        var store = await NewStoreAsync();
        await store.InitializeAsync(Ct);
        await CreateStore().InitializeAsync(Ct);
        Assert.Empty(await store.ListReposAsync(Ct));
    }

    [Fact]
    public async Task Round_trip_of_discovery_parsed_files_and_definitions()
    {
        var store = await NewStoreAsync();
        var files = new[] { Python("src/app.py", PythonSource, PythonDefinitions), Python("src/empty.py", string.Empty) };
        await IngestAsync(store, "s1", "abc123", files, publish: false);

        var discovered = await store.GetDiscoveredFilesAsync("s1", Ct);
        Assert.Equal(["src/app.py", "src/empty.py"], discovered.Select(f => f.Path));
        Assert.Equal("python", discovered[0].Language);
        Assert.Equal(Encoding.UTF8.GetByteCount(PythonSource), discovered[0].Size);
        var skipped = Assert.Single(await store.GetSkippedFilesAsync("s1", Ct));
        Assert.Equal(new SkippedFile("logo.png", "binary"), skipped);

        Assert.Equal(new HashSet<string> { "src/app.py", "src/empty.py" }, await store.GetParsedPathsAsync("s1", Ct));

        var stored = await store.GetFilesAsync("s1", Ct);
        Assert.Equal(2, stored.Count);
        var app = stored[0];
        Assert.Equal("src/app.py", app.Path);
        Assert.Equal(PythonSource, app.Text);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PythonSource))), app.ContentHash);
        Assert.Equal(PythonDefinitions, app.Definitions);
        Assert.Null(app.ParseError);
        Assert.Empty(stored[1].Definitions);
        Assert.Equal(string.Empty, stored[1].Text);

        // Saving a path again replaces it (definitions too), and non-ASCII UTF-8 survives.
        const string Replaced = "def grüß():\n    pass\n";
        await store.SaveParsedFilesAsync("s1", [Python("src/app.py", Replaced, new Definition("grüß", "function", 1, 2, 0, 20))], Ct);
        app = (await store.GetFilesAsync("s1", Ct))[0];
        Assert.Equal(Replaced, app.Text);
        Assert.Equal("grüß", Assert.Single(app.Definitions).Name);
    }

    [Fact]
    public async Task Unpublished_snapshot_is_invisible_and_published_one_is_searchable()
    {
        var store = await NewStoreAsync();
        await IngestAsync(store, "s1", "abc123", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: false);

        Assert.Empty(await store.SearchAsync("parse_file", null, 10, Ct));
        Assert.Empty(await store.FindSymbolsAsync(null, null, null, 100, Ct));
        Assert.Empty(await store.ListReposAsync(Ct));

        await store.PublishSnapshotAsync("s1", new SnapshotStats(1, 1, 3, 3, new() { ["python"] = 1 }), Ct);

        var hit = Assert.Single(await store.SearchAsync("parse_file", null, 10, Ct));
        Assert.Equal(Repo, hit.Repo);
        Assert.Equal("src/app.py", hit.Path);
        Assert.Equal("parse_file", hit.Symbol);
        Assert.Equal(3, hit.StartLine);
        Assert.Equal(4, hit.EndLine);
        Assert.True(hit.Score > 0);
        Assert.Contains("def parse_file(path):", hit.Snippet);
    }

    [Fact]
    public async Task Search_finds_identifiers_by_one_of_their_words()
    {
        var store = await NewStoreAsync();
        await IngestAsync(store, "s1", "abc123", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: true);

        // snake_case: "parse" is a word of parse_file.
        var parse = await store.SearchAsync("parse", null, 10, Ct);
        Assert.Equal("parse_file", parse[0].Symbol);

        // camelCase: "request" is a word of handleRequest; the class chunk holds the method.
        var request = await store.SearchAsync("request", null, 10, Ct);
        Assert.Equal("HttpServer", request[0].Symbol);

        // The whole camelCase identifier, in any case, finds it too.
        Assert.Equal("HttpServer", (await store.SearchAsync("HANDLEREQUEST", null, 10, Ct))[0].Symbol);

        // Repo filter.
        Assert.Empty(await store.SearchAsync("parse", "github.com/other/repo", 10, Ct));
        Assert.NotEmpty(await store.SearchAsync("parse", Repo, 10, Ct));
    }

    [Theory]
    [InlineData("foo(\"")]
    [InlineData("\"")]
    [InlineData("parse_file(")]
    [InlineData("AND OR NOT")]
    [InlineData("NEAR(a b, 3) * ^ : -x +y {col}")]
    [InlineData("path:src")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("'; DROP TABLE chunks; --")]
    public async Task Search_with_hostile_input_does_not_throw(string query)
    {
        var store = await NewStoreAsync();
        await IngestAsync(store, "s1", "abc123", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: true);

        var hits = await store.SearchAsync(query, null, 10, Ct);

        Assert.NotNull(hits);
        Assert.Single(await store.ListReposAsync(Ct));
        if (query == "parse_file(")
        {
            Assert.Equal("parse_file", hits[0].Symbol);
        }
    }

    [Fact]
    public async Task Symbols_exact_then_prefix_all_and_kind_filter()
    {
        var store = await NewStoreAsync();
        var source = "def parse_file():\n    pass\n\ndef parse():\n    pass\n\ndef parser_x():\n    pass\n\ndef unparse():\n    pass\n";
        var defs = new Definition[]
        {
            new("parse_file", "function", 1, 2, 0, 0),
            new("parse", "function", 4, 5, 0, 0),
            new("Parser_X", "class", 7, 8, 0, 0),
            new("unparse", "function", 10, 11, 0, 0),
        };
        await IngestAsync(store, "s1", "c1", [Python("b.py", source, defs), Python("a.py", "def zeta():\n    pass\n", new Definition("zeta", "function", 1, 2, 0, 0))], publish: true);

        var matches = await store.FindSymbolsAsync("PARSE", null, null, 10, Ct);
        Assert.Equal("parse", matches[0].Name);
        Assert.Equal(["parse", "parse_file", "Parser_X"], matches.Select(m => m.Name));
        Assert.DoesNotContain(matches, m => m.Name == "unparse");

        var exact = Assert.Single(await store.FindSymbolsAsync("parse_file", null, null, 10, Ct));
        Assert.Equal(new Search.SymbolHit(Repo, "parse_file", "function", "b.py", 1, 2), exact);

        // '_' in the name is literal, not a LIKE wildcard.
        Assert.Equal(["parse_file"], (await store.FindSymbolsAsync("parse_", null, null, 10, Ct)).Select(m => m.Name));

        var all = await store.FindSymbolsAsync(null, null, null, 0, Ct);
        Assert.Equal(["zeta", "parse_file", "parse", "Parser_X", "unparse"], all.Select(s => s.Name));

        var classes = await store.FindSymbolsAsync(null, Repo, "CLASS", 0, Ct);
        Assert.Equal("Parser_X", Assert.Single(classes).Name);

        Assert.Equal(2, (await store.FindSymbolsAsync(null, null, null, 2, Ct)).Count);
        Assert.Empty(await store.FindSymbolsAsync(null, "github.com/nobody/none", null, 0, Ct));
    }

    [Fact]
    public async Task Latest_published_snapshot_wins_after_reingest()
    {
        var store = await NewStoreAsync();
        await IngestAsync(store, "s1", "c1", [Python("m.py", "def old_name():\n    pass\n", new Definition("old_name", "function", 1, 2, 0, 0))], publish: true);
        await IngestAsync(store, "s2", "c2", [Python("m.py", "def new_name():\n    pass\n", new Definition("new_name", "function", 1, 2, 0, 0))], publish: false);

        // s2 is still being built: readers keep seeing s1.
        Assert.NotEmpty(await store.SearchAsync("old_name", null, 10, Ct));
        Assert.Empty(await store.SearchAsync("new_name", null, 10, Ct));
        Assert.Equal("c1", (await store.ListReposAsync(Ct))[0].LatestCommit);

        await store.PublishSnapshotAsync("s2", new SnapshotStats(1, 0, 1, 1, []), Ct);

        Assert.Empty(await store.SearchAsync("old_name", null, 10, Ct));
        Assert.Single(await store.SearchAsync("new_name", null, 10, Ct));
        Assert.Equal("new_name", Assert.Single(await store.FindSymbolsAsync(null, null, null, 0, Ct)).Name);
        var repo = Assert.Single(await store.ListReposAsync(Ct));
        Assert.Equal(new Search.RepoInfo(Repo, "https://" + Repo, 2, "s2", "c2", 1, 1), repo);
    }

    [Fact]
    public async Task Repos_are_listed_with_counts()
    {
        var store = await NewStoreAsync();
        await IngestAsync(store, "a1", "ca", [Python("src/app.py", PythonSource, PythonDefinitions), Python("x.py", "x = 1\n")], publish: true, repo: "local/alpha");
        await IngestAsync(store, "b1", "cb", [Python("y.py", "y = 2\n")], publish: true, repo: "github.com/z/beta");

        var repos = await store.ListReposAsync(Ct);
        Assert.Equal(["github.com/z/beta", "local/alpha"], repos.Select(r => r.Repo));
        Assert.Equal(new Search.RepoInfo("local/alpha", "https://local/alpha", 1, "a1", "ca", 2, 3), repos[1]);
    }

    [Fact]
    public async Task Publishing_an_unknown_snapshot_fails_clearly()
    {
        var store = await NewStoreAsync();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PublishSnapshotAsync("nope", new SnapshotStats(0, 0, 0, 0, []), Ct));
        Assert.Contains("nope", ex.Message);
    }

    [Fact]
    public async Task Saving_chunks_again_replaces_them_and_their_index()
    {
        var store = await NewStoreAsync();
        await IngestAsync(store, "s1", "c1", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: true);
        await store.SaveChunksAsync("s1", [new CodeChunk("src/app.py", "python", "zebra", "function", 1, 1, "def zebra(): pass")], Ct);

        Assert.Empty(await store.SearchAsync("parse_file", null, 10, Ct));
        Assert.Equal("zebra", Assert.Single(await store.SearchAsync("zebra", null, 10, Ct)).Symbol);
    }

    [Fact]
    public async Task Job_records_round_trip_and_list_newest_first()
    {
        var store = await NewStoreAsync();
        var t0 = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        await store.SaveJobAsync(new JobRecord("j1", Repo, "running", t0, null, "{\"a\":1}"), Ct);
        await store.SaveJobAsync(new JobRecord("j2", Repo, "complete", t0.AddMinutes(5), t0.AddMinutes(6), "{}"), Ct);
        await store.SaveJobAsync(new JobRecord("j3", "local/x", "failed", t0.AddMinutes(-5), t0, "{}"), Ct);

        var j1 = await store.GetJobAsync("j1", Ct);
        Assert.Equal(new JobRecord("j1", Repo, "running", t0, null, "{\"a\":1}"), j1);
        Assert.Equal(TimeSpan.FromHours(2), j1!.CreatedAt.Offset);
        Assert.Null(await store.GetJobAsync("missing", Ct));

        await store.SaveJobAsync(j1 with { Status = "complete", FinishedAt = t0.AddMinutes(1) }, Ct);
        Assert.Equal("complete", (await store.GetJobAsync("j1", Ct))!.Status);

        Assert.Equal(["j2", "j1"], (await store.ListJobsAsync(2, Ct)).Select(j => j.JobId));
        Assert.Equal(["j2", "j1", "j3"], (await store.ListJobsAsync(100, Ct)).Select(j => j.JobId));
    }

    [Fact]
    public async Task Two_stores_on_one_database_write_concurrently_without_failing()
    {
        var first = await NewStoreAsync();
        var second = CreateStore();
        await second.InitializeAsync(Ct);

        async Task WriteManyAsync(ICodeStore store, string prefix)
        {
            for (var i = 0; i < 15; i++)
            {
                var id = $"{prefix}{i}";
                var source = $"def {prefix}_fn_{i}():\n    return {i}\n";
                await IngestAsync(store, id, "c" + i, [Python($"{prefix}/{i}.py", source, new Definition($"{prefix}_fn_{i}", "function", 1, 2, 0, 0))], publish: true, repo: $"local/{prefix}");
                await store.SaveJobAsync(new JobRecord(id, $"local/{prefix}", "complete", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "{}"), Ct);
            }
        }

        await Task.WhenAll(Task.Run(() => WriteManyAsync(first, "a"), Ct), Task.Run(() => WriteManyAsync(second, "b"), Ct), Task.Run(() => WriteManyAsync(first, "c"), Ct));

        var repos = await second.ListReposAsync(Ct);
        Assert.Equal(["local/a", "local/b", "local/c"], repos.Select(r => r.Repo));
        Assert.All(repos, r => Assert.Equal(15, r.Snapshots));
        Assert.Equal(45, (await first.ListJobsAsync(100, Ct)).Count);
        Assert.Single(await first.SearchAsync("b_fn_14", null, 10, Ct));
    }
}
