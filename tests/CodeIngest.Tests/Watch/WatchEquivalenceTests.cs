// The watcher's incremental path gives exactly what a fresh full ingest gives: a scripted series of edits,
// additions, renames (of files and of a folder), deletions, a .gitignore change, a file turning binary, a
// burst and a no-op save are applied to a watched directory on a two-silo cluster; then the same tree is
// ingested from scratch into a second cluster's empty store, and files, discovery, symbols, chunks, the
// snapshot counts and search results (with their scores), the code graph (edges, each file's inbound and outbound
// imports, callers and callees of every symbol), the architecture report (cycles, layers), the quality report and
// the summary are compared for equality.
using System.Text;
using CodeIngest.Dag;
using CodeIngest.Hosting;
using CodeIngest.Ingestion;
using CodeIngest.Search;
using CodeIngest.Storage;
using CodeIngest.Tests.Pipeline;
using CodeIngest.Watch;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Watch;

[Collection(WatchCollection.Name)]
public sealed class WatchEquivalenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static InProcessTestCluster BuildCluster(string dataDirectory, short silos, TimeSpan debounce)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCodeIngest(dataDirectory, o =>
            {
                o.ParseBatchFiles = 4;
                o.RetryInitialDelay = TimeSpan.FromMilliseconds(50);
            });
            silo.Services.Configure<WatchOptions>(o => o.Debounce = debounce);
        });
        return builder.Build();
    }

    /// <summary>Collects every watch event of a cluster in the background.</summary>
    internal sealed class EventLog : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<WatchEvent> _events = [];
        private readonly Task _reading;

        public EventLog(IGrainFactory grains)
        {
            _reading = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in WatchEventStream.ReadAsync(grains, _stop.Token, announce: true))
                    {
                        lock (_events)
                        {
                            _events.Add(e);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        public List<WatchEvent> Snapshot()
        {
            lock (_events)
            {
                return [.. _events];
            }
        }

        /// <summary>Waits until, after <paramref name="from"/> events, every path has a completed or failed event; returns their last events.</summary>
        public async Task<Dictionary<string, WatchEvent>> WaitForAsync(int from, IReadOnlyCollection<string> paths, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
            while (true)
            {
                var last = Snapshot().Skip(from).Where(e => e.Path is not null).GroupBy(e => e.Path!).ToDictionary(g => g.Key, g => g.Last());
                if (paths.All(last.ContainsKey))
                {
                    return last;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"no event for {string.Join(", ", paths.Where(p => !last.ContainsKey(p)))}; events: {string.Join("; ", Snapshot().Skip(from).Select(e => $"{e.Type} {e.Path} {e.Change} {e.Error}"))}");
                }

                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }

        public async Task<WatchEvent> WaitForTypeAsync(string type, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (Snapshot().FirstOrDefault(e => e.Type == type) is { } found)
                {
                    return found;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"no '{type}' event; events: {string.Join("; ", Snapshot().Select(e => $"{e.Type} {e.Path} {e.Error}"))}");
                }

                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _reading;
            _stop.Dispose();
        }
    }

    private static string Python(string name, string body) => $"def {name}(value):\n    {body}\n    return value\n";

    [Fact]
    public async Task Edits_renames_and_deletions_applied_by_the_watcher_equal_a_fresh_full_ingest()
    {
        var tree = TestRepos.MultiLanguage();
        TestRepos.Write(tree, "generated/tables.py", Python("lookup_table", "value = value * 2"));
        TestRepos.Write(tree, "lib/util.py", Python("normalize_path", "value = value.strip()"));

        // An import cycle (cyclic/a.py <-> cyclic/b.py) and calls across files, which later edits break and remove.
        TestRepos.Write(tree, "cyclic/__init__.py", "");
        TestRepos.Write(tree, "cyclic/a.py", "from cyclic import b\n\n\ndef run(value):\n    return b.helper(value)\n");
        TestRepos.Write(tree, "cyclic/b.py", "from cyclic import a\n\n\ndef helper(value):\n    return value\n\n\ndef again(value):\n    return a.run(value)\n");
        TestRepos.Write(tree, "cyclic/c.py", "from cyclic import b\n\n\ndef use(value):\n    return b.helper(value) + 1\n");

        // Resolutions that later changes in other files flip: a call to a function no file defines yet, a Python import of a folder that
        // gets renamed, a TypeScript import of a file that gets renamed, C# using directives that link through the types a namespace declares.
        TestRepos.Write(tree, "calls/caller.py", "def start(value):\n    return compute_total(value)\n");
        TestRepos.Write(tree, "app/uses_util.py", "from lib import util\n\n\ndef tidy(value):\n    return util.normalize_path(value)\n");
        TestRepos.Write(tree, "web/app.ts", "import { total } from './shapes';\n\nexport function run(): number {\n  return total([]);\n}\n");
        TestRepos.Write(tree, "cs/Models.cs", "namespace Demo.Models;\n\npublic class Order\n{\n    public int Id { get; set; }\n}\n");
        TestRepos.Write(tree, "cs/Service.cs", "using Demo.Models;\n\nnamespace Demo.Services;\n\npublic class Service\n{\n    public Order Load() => new Order();\n}\n");
        TestRepos.Write(tree, "cs/Audit.cs", "namespace Demo.Models;\n\npublic class Audit\n{\n    public Order? Last { get; set; }\n}\n");
        var repo = "local" + tree;
        var data = TestRepos.NewDirectory("codeingest-watch-");
        var cluster = BuildCluster(data, 2, TimeSpan.FromMilliseconds(150));
        await cluster.DeployAsync(Ct);
        await cluster.WaitForLivenessToStabilizeAsync();
        var store = new SqliteCodeStore(Path.Combine(data, "codeingest.db"));
        try
        {
            await using var log = new EventLog(cluster.Client);
            await log.WaitForTypeAsync(WatchEventTypes.Subscribed, TimeSpan.FromSeconds(10));
            Assert.Equal(repo, await cluster.Client.GetGrain<IWatchHubGrain>(IWatchHubGrain.DefaultKey).WatchAsync(tree));
            var ingested = await log.WaitForTypeAsync(WatchEventTypes.Ingested, TimeSpan.FromSeconds(60));
            Assert.Contains("0 unchanged", ingested.Detail);
            await log.WaitForTypeAsync(WatchEventTypes.Watching, TimeSpan.FromSeconds(10));
            var snapshot = await store.GetLatestSnapshotAsync(repo, Ct);

            async Task<Dictionary<string, WatchEvent>> StepAsync(Action change, params string[] paths)
            {
                var from = log.Snapshot().Count;
                change();
                var events = await log.WaitForAsync(from, paths);
                Assert.All(paths, p => Assert.True(events[p].Type == WatchEventTypes.Completed, $"{p}: {events[p].Type} {events[p].Error}"));
                return events;
            }

            var insights = new CodeIngest.Graph.CodeInsights(store);
            async Task<(IReadOnlyList<CodeIngest.Graph.GraphEdge> Edges, CodeIngest.Graph.ArchitectureReport Architecture)> StoredGraphAsync()
            {
                Assert.NotNull(await store.GetReportAsync(snapshot!, ReportKinds.Architecture, Ct));
                return await insights.GraphAsync(snapshot!, Ct);
            }

            // After every change: the stored graph (edges in order, the changed files' outbound and inbound edges first), the architecture
            // and the quality report equal a full build of the stored files, as an ingestion computes them.
            async Task AssertRefreshedAsync(params string[] changed)
            {
                var files = await store.GetFilesAsync(snapshot!, Ct);
                var graph = CodeIngest.Graph.GraphBuilder.Build(files, Ct);
                var stored = await store.GetGraphEdgesAsync(snapshot!, Ct);
                foreach (var path in changed)
                {
                    Assert.Equal(graph.Edges.Where(e => e.SourcePath == path), stored.Where(e => e.SourcePath == path));
                    Assert.Equal(graph.Edges.Where(e => e.TargetPath == path), stored.Where(e => e.TargetPath == path));
                }

                Assert.Equal(graph.Edges, stored);
                var json = CodeIngest.Graph.CodeInsights.Json;
                Assert.Equal(System.Text.Json.JsonSerializer.Serialize(CodeIngest.Graph.ArchitectureAnalyzer.Analyze(graph), json), await store.GetReportAsync(snapshot!, ReportKinds.Architecture, Ct));
                var quality = CodeIngest.Quality.QualityAnalyzer.Analyze(files, Ct);
                var storedQuality = System.Text.Json.JsonSerializer.Deserialize<CodeIngest.Quality.QualityReport>((await store.GetReportAsync(snapshot!, ReportKinds.Quality, Ct))!, json)!;
                Assert.Equal(quality.Findings, storedQuality.Findings);
                Assert.Equal(System.Text.Json.JsonSerializer.Serialize(quality, json), await store.GetReportAsync(snapshot!, ReportKinds.Quality, Ct));
            }

            static bool Resolved(IReadOnlyList<CodeIngest.Graph.GraphEdge> edges, string kind, string from, string to) =>
                edges.Any(e => e.Kind == kind && e.SourcePath == from && e.TargetPath == to);

            var initial = await StoredGraphAsync();
            Assert.Contains(initial.Edges, e => e.SourcePath == "calls/caller.py" && e.TargetName == "compute_total" && e.TargetPath is null);
            Assert.True(Resolved(initial.Edges, CodeIngest.Graph.EdgeKinds.Import, "app/uses_util.py", "lib/util.py"));
            Assert.True(Resolved(initial.Edges, CodeIngest.Graph.EdgeKinds.Import, "web/app.ts", "web/shapes.ts"));
            Assert.True(Resolved(initial.Edges, CodeIngest.Graph.EdgeKinds.Import, "cs/Service.cs", "cs/Models.cs"));
            Assert.True(Resolved(initial.Edges, CodeIngest.Graph.EdgeKinds.Import, "cs/Audit.cs", "cs/Models.cs"));

            // A new file defines the function another file already calls: that call, in a file that did not change, now resolves.
            await StepAsync(() => TestRepos.Write(tree, "calls/totals.py", "def compute_total(value):\n    return value\n"), "calls/totals.py");
            await AssertRefreshedAsync("calls/totals.py", "calls/caller.py");
            Assert.True(Resolved((await StoredGraphAsync()).Edges, CodeIngest.Graph.EdgeKinds.Call, "calls/caller.py", "calls/totals.py"));

            // A C# edit renames the type other files name: their using directive and same-namespace import no longer link to it.
            await StepAsync(() => File.WriteAllText(Path.Combine(tree, "cs/Models.cs"), "namespace Demo.Models;\n\npublic class Invoice\n{\n    public int Id { get; set; }\n}\n"), "cs/Models.cs");
            await AssertRefreshedAsync("cs/Models.cs", "cs/Service.cs", "cs/Audit.cs");
            var renamedType = await StoredGraphAsync();
            Assert.False(Resolved(renamedType.Edges, CodeIngest.Graph.EdgeKinds.Import, "cs/Service.cs", "cs/Models.cs"));
            Assert.False(Resolved(renamedType.Edges, CodeIngest.Graph.EdgeKinds.Import, "cs/Audit.cs", "cs/Models.cs"));
            Assert.Contains(initial.Architecture.Cycles, c => c.Files.Contains("cyclic/a.py") && c.Files.Contains("cyclic/b.py"));
            Assert.Contains(initial.Edges, e => e.Kind == CodeIngest.Graph.EdgeKinds.Call && e.SourcePath == "cyclic/c.py" && e.TargetPath == "cyclic/b.py" && e.TargetSymbol == "helper");

            // An edit breaks the import cycle: the refreshed architecture has no cycle left there.
            await StepAsync(() => File.WriteAllText(Path.Combine(tree, "cyclic/b.py"), "def helper(value):\n    return value\n"), "cyclic/b.py");
            await AssertRefreshedAsync("cyclic/b.py", "cyclic/a.py");
            var acyclic = await StoredGraphAsync();
            Assert.DoesNotContain(acyclic.Architecture.Cycles, c => c.Files.Contains("cyclic/a.py"));
            Assert.DoesNotContain(acyclic.Edges, e => e.SourcePath == "cyclic/b.py" && e.TargetPath == "cyclic/a.py");

            // A deletion: no edge leads to or from the removed file any more (its callers' calls are unresolved).
            await StepAsync(() => File.Delete(Path.Combine(tree, "cyclic/b.py")), "cyclic/b.py");
            await AssertRefreshedAsync("cyclic/b.py", "cyclic/a.py", "cyclic/c.py");
            var removed = await StoredGraphAsync();
            Assert.DoesNotContain(removed.Edges, e => e.SourcePath == "cyclic/b.py" || e.TargetPath == "cyclic/b.py");
            Assert.Contains(removed.Edges, e => e.Kind == CodeIngest.Graph.EdgeKinds.Call && e.SourcePath == "cyclic/c.py" && e.TargetName.EndsWith("helper", StringComparison.Ordinal) && e.TargetPath is null);

            // An edit: a new function appears in search and symbols.
            var edited = await StepAsync(() => File.AppendAllText(Path.Combine(tree, "app/main.py"), "\n\ndef farewell():\n    return 'bye'\n"), "app/main.py");
            Assert.Equal(WatchChanges.Changed, edited["app/main.py"].Change);
            Assert.Contains(await store.FindSymbolsAsync("farewell", repo, null, 10, Ct), s => s.Path == "app/main.py");
            await AssertRefreshedAsync("app/main.py");

            // A new file in a new folder.
            var added = await StepAsync(() => TestRepos.Write(tree, "pkg/extra.go", "package pkg\n\nfunc Extra() int {\n\treturn 42\n}\n"), "pkg/extra.go");
            Assert.Equal(WatchChanges.Added, added["pkg/extra.go"].Change);
            await AssertRefreshedAsync("pkg/extra.go");

            // A file rename: the old path disappears, the new one appears.
            var renamed = await StepAsync(() => File.Move(Path.Combine(tree, "web/shapes.ts"), Path.Combine(tree, "web/geometry.ts")), "web/shapes.ts", "web/geometry.ts");
            Assert.Equal(WatchChanges.Removed, renamed["web/shapes.ts"].Change);
            Assert.Equal(WatchChanges.Added, renamed["web/geometry.ts"].Change);
            Assert.DoesNotContain(await store.SearchAsync("Circle", repo, 10, Ct), h => h.Path == "web/shapes.ts");
            await AssertRefreshedAsync("web/shapes.ts", "web/geometry.ts", "web/app.ts");
            Assert.Contains((await StoredGraphAsync()).Edges, e => e.SourcePath == "web/app.ts" && e.Kind == CodeIngest.Graph.EdgeKinds.Import && e.TargetName == "./shapes" && e.TargetPath is null);

            // A deletion.
            await StepAsync(() => File.Delete(Path.Combine(tree, "server/server.go")), "server/server.go");
            Assert.Empty(await store.FindSymbolsAsync("Server", repo, "struct", 10, Ct));
            await AssertRefreshedAsync("server/server.go");

            // A folder rename: reported through the files it held.
            var moved = await StepAsync(() => Directory.Move(Path.Combine(tree, "lib"), Path.Combine(tree, "library")), "lib/util.py", "library/util.py");
            Assert.Equal(WatchChanges.Removed, moved["lib/util.py"].Change);
            await AssertRefreshedAsync("lib/util.py", "library/util.py", "app/uses_util.py");
            Assert.False(Resolved((await StoredGraphAsync()).Edges, CodeIngest.Graph.EdgeKinds.Import, "app/uses_util.py", "library/util.py"));
            Assert.Contains((await StoredGraphAsync()).Edges, e => e.SourcePath == "app/uses_util.py" && e.Kind == CodeIngest.Graph.EdgeKinds.Import && e.TargetPath is null);

            // A .gitignore change hides a folder's files.
            await StepAsync(() => File.WriteAllText(Path.Combine(tree, ".gitignore"), "generated/\n"), "generated/tables.py");
            Assert.Empty(await store.FindSymbolsAsync("lookup_table", repo, null, 10, Ct));
            await AssertRefreshedAsync("generated/tables.py");

            // A file turning binary is skipped with the discovery reason.
            var binary = await StepAsync(() => TestRepos.WriteBytes(tree, "app/main.py", [0x64, 0x65, 0x66, 0x00, 0x01, 0x02]), "app/main.py");
            Assert.Equal(WatchChanges.Skipped, binary["app/main.py"].Change);
            await AssertRefreshedAsync("app/main.py");

            // A burst of new files (a branch switch) and a save without changes.
            var burst = Enumerable.Range(0, 25).Select(i => $"burst/mod{i:00}.py").ToArray();
            var saved = await StepAsync(
                () =>
                {
                    foreach (var (path, i) in burst.Select((p, i) => (p, i)))
                    {
                        TestRepos.Write(tree, path, Python($"handler_{i}", $"value = value + {i}"));
                    }

                    File.WriteAllText(Path.Combine(tree, "pkg/extra.go"), File.ReadAllText(Path.Combine(tree, "pkg/extra.go")));
                },
                [.. burst, "pkg/extra.go"]);
            Assert.Equal(WatchChanges.Unchanged, saved["pkg/extra.go"].Change);
            Assert.True(burst.Select(p => saved[p].JobId).Distinct().Count() <= 2, "a burst runs as one batch (two when the writes straddle a debounce)");
            await AssertRefreshedAsync(burst);

            // The same tree, ingested from scratch into an empty store.
            var freshData = TestRepos.NewDirectory("codeingest-fresh-");
            var fresh = BuildCluster(freshData, 1, TimeSpan.FromMilliseconds(500));
            await fresh.DeployAsync(Ct);
            try
            {
                var job = await new CodeIngest.Client.CodeIngestClient(fresh.Client).StartIngestionAsync(tree);
                var view = await new CodeIngest.Client.CodeIngestClient(fresh.Client).WaitForJobAsync(job.JobId, pollInterval: TimeSpan.FromMilliseconds(50), cancellationToken: Ct);
                Assert.True(view.Status == JobStatus.Completed, view.Error);
                var freshStore = new SqliteCodeStore(Path.Combine(freshData, "codeingest.db"));
                await StoreEquivalence.AssertEqualAsync(store, freshStore, repo);
                Assert.Equal(snapshot, await store.GetLatestSnapshotAsync(repo, Ct));
            }
            finally
            {
                await fresh.StopAllSilosAsync(CancellationToken.None);
                await fresh.DisposeAsync();
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync(CancellationToken.None);
            await cluster.DisposeAsync();
        }
    }
}

/// <summary>Compares what two stores hold for a repository's latest snapshot: everything a user can query.</summary>
internal static class StoreEquivalence
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>With <paramref name="compareScores"/> false, search hits are compared without their scores (a store holding older snapshots
    /// ranks with corpus-wide statistics that include them).</summary>
    public static async Task AssertEqualAsync(SqliteCodeStore incremental, SqliteCodeStore fresh, string repo, bool compareScores = true)
    {
        var a = (await incremental.GetLatestSnapshotAsync(repo, Ct))!;
        var b = (await fresh.GetLatestSnapshotAsync(repo, Ct))!;

        static string Describe(StoredFile f) =>
            $"{f.Path} {f.Language} {f.ContentHash} {f.Lines} {f.ParseError} [{string.Join("; ", f.Definitions.Select(d => $"{d.Name} {d.Kind} {d.StartLine}-{d.EndLine} {d.StartByte}-{d.EndByte}"))}]";
        Assert.Equal((await fresh.GetFilesAsync(b, Ct)).Select(Describe), (await incremental.GetFilesAsync(a, Ct)).Select(Describe));
        Assert.Equal(await fresh.GetDiscoveredFilesAsync(b, Ct), await incremental.GetDiscoveredFilesAsync(a, Ct));
        Assert.Equal(await fresh.GetSkippedFilesAsync(b, Ct), await incremental.GetSkippedFilesAsync(a, Ct));
        Assert.Equal(await fresh.FindSymbolsAsync(null, repo, null, 0, Ct), await incremental.FindSymbolsAsync(null, repo, null, 0, Ct));
        Assert.Equal(Chunks(fresh.DatabasePath, b), Chunks(incremental.DatabasePath, a));

        // The counts kept up to date change by change equal a recount, and the fresh ingest's.
        var kept = PublishedStats(incremental.DatabasePath, a);
        Assert.Equal(PublishedStats(fresh.DatabasePath, b), kept);
        var recount = await incremental.CountSnapshotAsync(a, Ct);
        Assert.Equal($"{recount.Files} {recount.FilesSkipped} {recount.Symbols} {recount.Chunks} {string.Join(",", recount.Languages)}", kept);
        Assert.Equal((await fresh.ListReposAsync(Ct)).Single(r => r.Repo == repo) with { LatestSnapshot = null, Snapshots = 0 }, (await incremental.ListReposAsync(Ct)).Single(r => r.Repo == repo) with { LatestSnapshot = null, Snapshots = 0 });

        await AssertSameAnalysisAsync(incremental, a, fresh, b);

        // Search: every symbol name and a few words, hits and scores identical.
        var queries = (await fresh.FindSymbolsAsync(null, repo, null, 0, Ct)).Select(s => s.Name).Concat(["return value", "hello", "package", "demo", "import os"]).Distinct().ToList();
        foreach (var query in queries)
        {
            var expected = await fresh.SearchAsync(query, repo, 50, Ct);
            var actual = await incremental.SearchAsync(query, repo, 50, Ct);
            if (compareScores)
            {
                Assert.Equal(expected, actual);
            }
            else
            {
                Assert.Equal(expected.Select(h => h with { Score = 0 }).OrderBy(h => h.Path).ThenBy(h => h.StartLine), actual.Select(h => h with { Score = 0 }).OrderBy(h => h.Path).ThenBy(h => h.StartLine));
            }
        }
    }

    /// <summary>The stored code graph, architecture, quality and summary reports of both snapshots are the same (none computed on the fly).</summary>
    private static async Task AssertSameAnalysisAsync(SqliteCodeStore incremental, string a, SqliteCodeStore fresh, string b)
    {
        foreach (var kind in new[] { ReportKinds.Architecture, ReportKinds.Quality, ReportKinds.Summary })
        {
            var expected = await fresh.GetReportAsync(b, kind, Ct);
            Assert.NotNull(expected);
            Assert.True(expected == await incremental.GetReportAsync(a, kind, Ct), $"the {kind} report of the incrementally updated snapshot differs from a fresh ingest's");
        }

        var expectedEdges = await fresh.GetGraphEdgesAsync(b, Ct);
        var actualEdges = await incremental.GetGraphEdgesAsync(a, Ct);
        Assert.NotEmpty(expectedEdges);
        Assert.Equal(expectedEdges, actualEdges);

        // What users ask of the graph: each file's outbound and inbound imports, each symbol's callers and callees.
        var expectedQueries = new CodeIngest.Graph.GraphQueries(expectedEdges);
        var actualQueries = new CodeIngest.Graph.GraphQueries(actualEdges);
        foreach (var file in await fresh.GetFilesAsync(b, Ct))
        {
            Assert.Equal(expectedQueries.Dependencies(file.Path), actualQueries.Dependencies(file.Path));
            Assert.Equal(expectedQueries.Dependents(file.Path), actualQueries.Dependents(file.Path));
            foreach (var symbol in file.Definitions.Select(d => d.QualifiedName ?? d.Name).Distinct())
            {
                Assert.Equal(expectedQueries.Callers(symbol), actualQueries.Callers(symbol));
                Assert.Equal(expectedQueries.Callees(symbol), actualQueries.Callees(symbol));
            }
        }
    }

    private static List<string> Chunks(string database, string snapshot)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path, language, symbol, kind, start_line, end_line, text, words FROM chunks WHERE snapshot_id = $s ORDER BY path, start_line, end_line, symbol";
        command.Parameters.AddWithValue("$s", snapshot);
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            var row = new StringBuilder();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row.Append(reader.IsDBNull(i) ? "<null>" : reader.GetValue(i).ToString()).Append('|');
            }

            result.Add(row.ToString());
        }

        return result;
    }

    private static string PublishedStats(string database, string snapshot)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT stats_json FROM snapshots WHERE snapshot_id = $s";
        command.Parameters.AddWithValue("$s", snapshot);
        var stats = System.Text.Json.JsonSerializer.Deserialize<SnapshotStats>((string)command.ExecuteScalar()!, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        return $"{stats.Files} {stats.FilesSkipped} {stats.Symbols} {stats.Chunks} {string.Join(",", stats.Languages)}";
    }
}
