using System.Text;
using CodeIngest.Graph;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

/// <summary>The graph area of the store contract: edges, analysis reports, snapshot listing (SQLite and PostgreSQL).</summary>
public abstract partial class CodeStoreTests
{
    [Fact]
    public async Task Graph_edges_and_reports_round_trip_and_are_replaced_per_snapshot()
    {
        var store = await NewStoreAsync();
        var source = "import b\n\ndef main():\n    b.run()\n";
        var file = new ParsedFileContent(new ParsedFile("a.py", "python", 4, [new("main", "function", 3, 4, 0, 0)], null), Encoding.UTF8.GetBytes(source));
        await IngestAsync(store, "graph-1", "c1", [file], publish: true, repo: "local/graph");

        GraphEdge[] edges =
        [
            new(EdgeKinds.Import, "a.py", null, "b.py", null, "b", 1, Resolutions.Path, 1.0),
            new(EdgeKinds.Call, "a.py", "main", "b.py", "run", "run", 4, Resolutions.Imported, 0.9),
            new(EdgeKinds.Call, "a.py", "main", null, null, "print\0x", 5, Resolutions.Unresolved, 0),
        ];
        await store.SaveGraphAsync("graph-1", edges, "{\"layers\":[]}", Ct);
        var loaded = await store.GetGraphEdgesAsync("graph-1", Ct);
        Assert.Equal(edges[..2], loaded.Take(2));
        Assert.Equal(("a.py", "main", null, "print", Resolutions.Unresolved), (loaded[2].SourcePath, loaded[2].SourceSymbol, loaded[2].TargetPath, loaded[2].TargetName[..5], loaded[2].Resolution));
        Assert.Equal("{\"layers\":[]}", await store.GetReportAsync("graph-1", ReportKinds.Architecture, Ct));

        // Saving again replaces the edges and the architecture report.
        await store.SaveGraphAsync("graph-1", edges[..1], "{\"layers\":[1]}", Ct);
        Assert.Equal(edges[..1], await store.GetGraphEdgesAsync("graph-1", Ct));
        Assert.Equal("{\"layers\":[1]}", await store.GetReportAsync("graph-1", ReportKinds.Architecture, Ct));

        await store.SaveReportAsync("graph-1", ReportKinds.Quality, "{\"score\":1}", Ct);
        await store.SaveReportAsync("graph-1", ReportKinds.Quality, "{\"score\":2}", Ct);
        Assert.Equal("{\"score\":2}", await store.GetReportAsync("graph-1", ReportKinds.Quality, Ct));
        Assert.Null(await store.GetReportAsync("graph-1", ReportKinds.Summary, Ct));
        Assert.Empty(await store.GetGraphEdgesAsync("no-such-snapshot", Ct));

        // A large graph goes through in one call.
        var many = Enumerable.Range(0, 25_000).Select(i => new GraphEdge(EdgeKinds.Call, "a.py", "main", null, null, $"f{i}", i, Resolutions.Unresolved, 0)).ToList();
        await store.SaveGraphAsync("graph-1", many, "{}", Ct);
        var reloaded = await store.GetGraphEdgesAsync("graph-1", Ct);
        Assert.Equal(25_000, reloaded.Count);
        Assert.Equal("f24999", reloaded[^1].TargetName);
    }

    [Fact]
    public async Task Files_stream_in_path_order_and_their_statistics_come_without_texts()
    {
        var store = await NewStoreAsync();
        ParsedFileContent Parsed(string path, string language, string text, Definition[] definitions, CodeMetrics? metrics) =>
            new(new ParsedFile(path, language, text.Split('\n').Length, definitions, null, [], metrics), Encoding.UTF8.GetBytes(text));
        await store.BeginSnapshotAsync(new SnapshotInfo("stats-1", "local/stats", "file:///stats", null, null, DateTimeOffset.UtcNow), Ct);
        await store.SaveParsedFilesAsync("stats-1",
        [
            Parsed("b.py", "python", "def f():\n    pass\n\ndef g(): pass", [new("f", "function", 1, 2, 0, 0), new("g", "function", 4, 4, 0, 0)], new CodeMetrics(4, 3, 0, 2, 1, 0)),
            Parsed("a.py", "python", "x = 1\n", [new("x", "variable", 1, 1, 0, 0)], null),
            Parsed("README.md", "markdown", "# Demo", [], null),
        ], Ct);

        var seen = new List<string>();
        await store.ForEachFileAsync("stats-1", f => seen.Add($"{f.Path}:{f.Definitions.Count}:{f.Text.Length}"), Ct);
        Assert.Equal(["README.md:0:6", "a.py:1:6", "b.py:2:32"], seen);
        Assert.Equal(
            [new FileStat("README.md", "markdown", 1, 0, null), new FileStat("a.py", "python", 2, 1, null), new FileStat("b.py", "python", 4, 2, 3)],
            await store.GetFileStatsAsync("stats-1", Ct));
        Assert.Empty(await store.GetFileStatsAsync("no-such-snapshot", Ct));

        // Edges keep their order when the count is not a multiple of the insert batch.
        var edges = Enumerable.Range(0, 1_234).Select(i => new GraphEdge(EdgeKinds.Call, "a.py", null, i % 2 == 0 ? "b.py" : null, i % 2 == 0 ? "f" : null, $"f{i}", i, Resolutions.Unresolved, i / 1000.0)).ToList();
        await store.SaveGraphAsync("stats-1", edges, "{}", Ct);
        Assert.Equal(edges, await store.GetGraphEdgesAsync("stats-1", Ct));
    }

    [Fact]
    public async Task Snapshots_of_a_repository_are_listed_newest_first_with_their_commits()
    {
        var store = await NewStoreAsync();
        var file = new ParsedFileContent(new ParsedFile("x.py", "python", 1, [], null), Encoding.UTF8.GetBytes("x = 1\n"));
        await IngestAsync(store, "snap-old", "1111aaaa", [file], publish: true, repo: "local/snaps");
        await Task.Delay(20, Ct);
        await IngestAsync(store, "snap-new", "2222bbbb", [file], publish: false, repo: "local/snaps");

        var snapshots = await store.ListSnapshotsAsync("local/snaps", Ct);
        Assert.Equal([("snap-new", "2222bbbb", false), ("snap-old", "1111aaaa", true)], snapshots.Select(s => (s.SnapshotId, s.Commit!, s.Completed)));
        Assert.Empty(await store.ListSnapshotsAsync("local/none", Ct));
    }
}
