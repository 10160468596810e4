// The incremental graph and quality refresh on a real store and real parses, step by step and deterministic (no cluster):
// after each scripted change, applied to the published snapshot as the watcher applies it, the refreshed edges (in order),
// architecture and quality report equal a full build of the same stored files, while only the changed files and the
// files whose resolution depends on them are re-resolved, and only the changed files are re-reviewed. Two caches stand
// for two silos refreshing the same snapshot in turn (each must notice the other's writes).
using System.Text;
using System.Text.Json;
using CodeIngest.Graph;
using CodeIngest.Indexing;
using CodeIngest.Parsing;
using CodeIngest.Quality;
using CodeIngest.Storage;
using CodeIngest.Tests.Storage;
using Xunit;

namespace CodeIngest.Tests.Graph;

public sealed class GraphRefreshTests : IDisposable
{
    private const string Snapshot = "published";
    private readonly TempDatabase _database = new();
    private readonly TreeSitterParser _parser = new();
    private int _batch;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _parser.Dispose();
        _database.Dispose();
    }

    private static string LanguageOf(string path) => Path.GetExtension(path) switch
    {
        ".py" => "python",
        ".ts" => "typescript",
        ".cs" => "csharp",
        ".json" => "json",
        _ => throw new ArgumentException(path),
    };

    private ParsedFileContent Parse(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return new ParsedFileContent(_parser.Parse(path, LanguageOf(path), bytes), bytes);
    }

    // As the watcher's apply node does it: parsed into a staging snapshot, then applied to the published one in one transaction.
    private async Task ApplyAsync(ICodeStore store, Dictionary<string, string> upserts, params string[] removed)
    {
        var staging = $"stage-{++_batch}";
        var parsed = upserts.Select(u => Parse(u.Key, u.Value)).ToList();
        await store.SaveParsedFilesAsync(staging, parsed, Ct);
        var chunks = (await store.GetFilesAsync(staging, Ct)).SelectMany(f => Chunker.Chunk(f)).ToList();
        await store.ApplyFileChangesAsync(new FileChangeSet(Snapshot, staging,
            [.. parsed.Select(p => new DiscoveredFile(p.File.Path, p.File.Language, p.Content.Length))], removed, [], chunks), Ct);
    }

    private static async Task AssertEqualsFullBuildAsync(ICodeStore store)
    {
        var files = await store.GetFilesAsync(Snapshot, Ct);
        var graph = GraphBuilder.Build(files, Ct);
        Assert.Equal(graph.Edges, await store.GetGraphEdgesAsync(Snapshot, Ct));
        Assert.Equal(JsonSerializer.Serialize(ArchitectureAnalyzer.Analyze(graph), CodeInsights.Json), await store.GetReportAsync(Snapshot, ReportKinds.Architecture, Ct));
    }

    private static async Task AssertQualityEqualsFullReviewAsync(ICodeStore store, QualityReport refreshed) =>
        Assert.Equal(JsonSerializer.Serialize(QualityAnalyzer.Analyze(await store.GetFilesAsync(Snapshot, Ct), Ct), CodeInsights.Json), JsonSerializer.Serialize(refreshed, CodeInsights.Json));

    private static string Resolved(Dictionary<string, string> result) => result["files_resolved"];

    [Fact]
    public async Task Each_refresh_equals_a_full_build_and_re_resolves_only_what_a_change_can_affect()
    {
        var store = new SqliteCodeStore(_database.Path);
        await store.InitializeAsync(Ct);
        await store.BeginSnapshotAsync(new SnapshotInfo(Snapshot, "local/refresh", "file:///refresh", null, null, DateTimeOffset.UtcNow), Ct);
        var duplicated = string.Join("\n", Enumerable.Range(0, 12).Select(i => $"    total = total + value * {i} - helper_{i}(value)")) + "\n";
        var initial = new Dictionary<string, string>
        {
            ["pkg/__init__.py"] = "",
            ["pkg/core.py"] = "def helper(value):\n    return value\n",
            ["pkg/uses.py"] = "from pkg import core\n\n\ndef use(value):\n    return core.helper(value) + compute_total(value)\n",
            ["pkg/dup_a.py"] = "def first(value):\n    total = 0\n" + duplicated + "    return total\n",
            ["other/leaf.py"] = "def leaf(value):\n    return value\n",
            ["web/app.ts"] = "import { area } from '@geo/shapes';\nimport { tools } from './tools';\n\nexport function run(): number {\n  return area(2) + tools();\n}\n",
            ["web/tools.ts"] = "export function tools(): number {\n  return 1;\n}\n",
            ["lib/geo/shapes.ts"] = "export function area(r: number): number {\n  return r * r;\n}\n",
            ["cs/Models.cs"] = "namespace Demo.Models;\n\npublic class Order\n{\n    public int Id { get; set; }\n}\n",
            ["cs/Service.cs"] = "using Demo.Models;\n\nnamespace Demo.Services;\n\npublic class Service\n{\n    public Order Load() => new Order();\n}\n",
        };
        await store.SaveParsedFilesAsync(Snapshot, [.. initial.Select(f => Parse(f.Key, f.Value))], Ct);
        await store.PublishSnapshotAsync(Snapshot, await store.CountSnapshotAsync(Snapshot, Ct), Ct);

        var silo1 = new SnapshotGraph(Snapshot);
        var silo2 = new SnapshotGraph(Snapshot);
        var reviews = new SnapshotReviews(Snapshot);
        var first = await silo1.RefreshAsync(store, Ct);
        Assert.Equal("false", first["incremental"]);
        await AssertEqualsFullBuildAsync(store);
        var quality = new Dictionary<string, string>();
        await AssertQualityEqualsFullReviewAsync(store, await reviews.RefreshAsync(store, quality, Ct));
        Assert.Equal(initial.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), quality["files_reviewed"]);
        var edges = await store.GetGraphEdgesAsync(Snapshot, Ct);
        Assert.Contains(edges, e => e.SourcePath == "pkg/uses.py" && e.TargetName == "compute_total" && e.TargetPath is null);
        Assert.Contains(edges, e => e.SourcePath == "cs/Service.cs" && e.TargetPath == "cs/Models.cs" && e.Kind == EdgeKinds.Import);
        Assert.Contains(edges, e => e.SourcePath == "web/app.ts" && e.TargetName == "@geo/shapes" && e.TargetPath is null);

        // 1. An edit of a file nothing depends on: only it is re-resolved and re-reviewed.
        await ApplyAsync(store, new() { ["other/leaf.py"] = "def leaf(value):\n    return value + 1\n" });
        var step = await silo1.RefreshAsync(store, Ct);
        Assert.Equal(("true", "1", "false"), (step["incremental"], Resolved(step), step["stored_edges_compared"]));
        await AssertEqualsFullBuildAsync(store);
        quality.Clear();
        await AssertQualityEqualsFullReviewAsync(store, await reviews.RefreshAsync(store, quality, Ct));
        Assert.Equal(("true", "1"), (quality["incremental"], quality["files_reviewed"]));

        // 2. A new file defines the function an unchanged file calls: that call resolves; and a copy of a block makes a duplicate.
        await ApplyAsync(store, new() { ["pkg/totals.py"] = "def compute_total(value):\n    return value\n", ["pkg/dup_b.py"] = "def second(value):\n    total = 0\n" + duplicated + "    return total\n" });
        step = await silo1.RefreshAsync(store, Ct);
        Assert.Equal("3", Resolved(step)); // the two new files and pkg/uses.py
        await AssertEqualsFullBuildAsync(store);
        Assert.Contains(await store.GetGraphEdgesAsync(Snapshot, Ct), e => e.SourcePath == "pkg/uses.py" && e.TargetPath == "pkg/totals.py" && e.TargetSymbol == "compute_total");
        var withDuplicate = await reviews.RefreshAsync(store, quality, Ct);
        await AssertQualityEqualsFullReviewAsync(store, withDuplicate);
        Assert.Contains(withDuplicate.Duplicates, d => d.Path == "pkg/dup_b.py" && d.OtherPath == "pkg/dup_a.py");

        // 2b. A body edit of a file others import and call: its definitions stay, so only it is re-resolved.
        await ApplyAsync(store, new() { ["pkg/totals.py"] = "\n\ndef compute_total(value):\n    return value + 0\n" });
        step = await silo1.RefreshAsync(store, Ct);
        Assert.Equal("1", Resolved(step));
        await AssertEqualsFullBuildAsync(store);

        // 3. The other silo refreshes next: its cache is empty (a full load), and it must not trust edges it did not write.
        await ApplyAsync(store, new() { ["pkg/core.py"] = "def helper(value):\n    return value * 2\n" });
        step = await silo2.RefreshAsync(store, Ct);
        Assert.Equal(("false", "true"), (step["incremental"], step["stored_edges_compared"]));
        await AssertEqualsFullBuildAsync(store);

        // 4. Back on the first silo, whose cache is two changes behind: the stamp tells it the stored edges moved on.
        await ApplyAsync(store, [], "pkg/core.py");
        step = await silo1.RefreshAsync(store, Ct);
        Assert.Equal(("true", "true"), (step["incremental"], step["stored_edges_compared"]));
        await AssertEqualsFullBuildAsync(store);
        Assert.Contains(await store.GetGraphEdgesAsync(Snapshot, Ct), e => e.SourcePath == "pkg/uses.py" && e.Kind == EdgeKinds.Import && e.TargetName == "pkg" && e.TargetPath is not "pkg/core.py");
        await AssertQualityEqualsFullReviewAsync(store, await reviews.RefreshAsync(store, quality, Ct));

        // 5. A rename breaks a resolved import (./tools), a tsconfig makes an alias import resolve, a C# type rename unlinks a using.
        await ApplyAsync(store, new()
        {
            ["web/tooling.ts"] = initial["web/tools.ts"],
            ["tsconfig.json"] = "{ \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@geo/*\": [\"lib/geo/*\"] } } }\n",
            ["cs/Models.cs"] = "namespace Demo.Models;\n\npublic class Invoice\n{\n    public int Id { get; set; }\n}\n",
        }, "web/tools.ts");
        step = await silo1.RefreshAsync(store, Ct);
        Assert.Equal("false", step["stored_edges_compared"]);
        await AssertEqualsFullBuildAsync(store);
        edges = await store.GetGraphEdgesAsync(Snapshot, Ct);
        Assert.Contains(edges, e => e.SourcePath == "web/app.ts" && e.TargetName == "./tools" && e.TargetPath is null);
        Assert.Contains(edges, e => e.SourcePath == "web/app.ts" && e.TargetName == "@geo/shapes" && e.TargetPath == "lib/geo/shapes.ts");
        Assert.DoesNotContain(edges, e => e.SourcePath == "cs/Service.cs" && e.TargetPath == "cs/Models.cs");
        Assert.True(int.Parse(Resolved(step), System.Globalization.CultureInfo.InvariantCulture) < (await store.GetFileStatesAsync(Snapshot, Ct)).Count, "a refresh re-resolves a part of the snapshot");
        await AssertQualityEqualsFullReviewAsync(store, await reviews.RefreshAsync(store, quality, Ct));

        // 6. A deletion of one copy of the duplicated block: the duplicate goes from the other file's report too.
        await ApplyAsync(store, [], "pkg/dup_a.py");
        await silo1.RefreshAsync(store, Ct);
        await AssertEqualsFullBuildAsync(store);
        var withoutDuplicate = await reviews.RefreshAsync(store, quality, Ct);
        await AssertQualityEqualsFullReviewAsync(store, withoutDuplicate);
        Assert.Empty(withoutDuplicate.Duplicates);
    }
}
