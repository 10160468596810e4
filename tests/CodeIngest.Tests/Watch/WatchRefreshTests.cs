// The analysis refresh of the watcher's file DAG (graph, quality, summary of the published snapshot) when things
// go wrong: two batches that apply and refresh at the same time leave the analysis of the final tree, and a refresh
// that fails after its batch applied keeps the change searchable, says so in an error event, and the next batch
// repairs the analysis. Both end compared with a fresh full ingest of the same tree.
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Storage;
using CodeIngest.Tests.Pipeline;
using CodeIngest.Watch;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Watch;

[Collection(WatchCollection.Name)]
public sealed class WatchRefreshTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Tree()
    {
        var tree = TestRepos.MultiLanguage();
        TestRepos.Write(tree, "cyclic/__init__.py", "");
        TestRepos.Write(tree, "cyclic/a.py", "from cyclic import b\n\n\ndef run(value):\n    return b.helper(value)\n");
        TestRepos.Write(tree, "cyclic/b.py", "from cyclic import a\n\n\ndef helper(value):\n    return value\n\n\ndef again(value):\n    return a.run(value)\n");
        TestRepos.Write(tree, "cyclic/c.py", "from cyclic import b\n\n\ndef use(value):\n    return b.helper(value) + 1\n");
        return tree;
    }

    private static async Task AssertEqualsFreshIngestAsync(SqliteCodeStore store, string tree, string repo)
    {
        var freshData = TestRepos.NewDirectory("codeingest-fresh-");
        var fresh = WatchEquivalenceTests.BuildCluster(freshData, 1, TimeSpan.FromMilliseconds(500));
        await fresh.DeployAsync(Ct);
        try
        {
            var client = new CodeIngestClient(fresh.Client);
            var job = await client.StartIngestionAsync(tree);
            var view = await client.WaitForJobAsync(job.JobId, pollInterval: TimeSpan.FromMilliseconds(50), cancellationToken: Ct);
            Assert.True(view.Status == JobStatus.Completed, view.Error);
            await StoreEquivalence.AssertEqualAsync(store, new SqliteCodeStore(Path.Combine(freshData, "codeingest.db")), repo);
        }
        finally
        {
            await fresh.StopAllSilosAsync(CancellationToken.None);
            await fresh.DisposeAsync();
        }
    }

    private static async Task StopAsync(InProcessTestCluster cluster)
    {
        await cluster.StopAllSilosAsync(CancellationToken.None);
        await cluster.DisposeAsync();
    }

    [Fact]
    public async Task Two_batches_racing_on_the_refresh_leave_the_analysis_of_the_final_tree()
    {
        var tree = Tree();
        var source = RepositorySource.Parse(tree);
        var data = TestRepos.NewDirectory("codeingest-race-");
        var cluster = WatchEquivalenceTests.BuildCluster(data, 2, TimeSpan.FromMilliseconds(150));
        await cluster.DeployAsync(Ct);
        await cluster.WaitForLivenessToStabilizeAsync();
        try
        {
            var client = new CodeIngestClient(cluster.Client);
            var ingest = await client.StartIngestionAsync(tree);
            Assert.Equal(JobStatus.Completed, (await client.WaitForJobAsync(ingest.JobId, pollInterval: TimeSpan.FromMilliseconds(50), cancellationToken: Ct)).Status);
            var store = new SqliteCodeStore(Path.Combine(data, "codeingest.db"));

            // Each round changes two files, then runs one file DAG per file at the same moment (two watch batches):
            // both apply to the published snapshot and refresh its graph, quality and summary while the other one does.
            // Whether two refreshes overlap is up to the scheduler: on a loaded machine one batch may finish before the
            // other starts, so after the three scripted rounds more rounds run (at most ten in all) until one overlapped.
            var overlapped = 0;
            for (var round = 0; round < 3 || (overlapped == 0 && round < 10); round++)
            {
                var edits = new[] { $"cyclic/d{round}.py", round % 2 == 0 ? "cyclic/b.py" : "cyclic/c.py" };
                TestRepos.Write(tree, edits[0], $"from cyclic import c\n\n\ndef racer_{round}(value):\n    return c.use(value)\n");
                File.AppendAllText(Path.Combine(tree, edits[1]), $"\n\ndef extra_{round}(value):\n    return helper(value)\n");
                if (round == 1)
                {
                    // A rewrite that breaks the import cycle while the other batch adds a caller of b.
                    File.WriteAllText(Path.Combine(tree, "cyclic/b.py"), "def helper(value):\n    return value\n");
                    edits = [edits[0], edits[1], "cyclic/b.py"];
                }

                var ids = edits.Select((_, i) => $"watch-race-{Guid.NewGuid():N}-{round}-{i}").ToArray();
                await Task.WhenAll(ids.Select((id, i) => cluster.Client.GetGrain<IIngestionJobGrain>(id)
                    .StartAsync(FileUpdatePipeline.Build(source.LocalPath!, source.RepoId, [edits[i]], new WatchOptions(), new IngestionOptions()))));
                var views = await Task.WhenAll(ids.Select(id => client.WaitForJobAsync(id, pollInterval: TimeSpan.FromMilliseconds(20), cancellationToken: Ct)));
                Assert.All(views, v => Assert.True(v.Status == JobStatus.Completed, $"{v.JobId}: {v.Error}"));

                (DateTimeOffset Start, DateTimeOffset End) Refresh(JobView view)
                {
                    var nodes = view.Nodes.Where(n => n.Id is "graph" or "quality" or "summarize").ToList();
                    return (nodes.Min(n => n.StartedAt!.Value), nodes.Max(n => n.FinishedAt!.Value));
                }

                var windows = views.Select(Refresh).ToList();
                if (windows.Skip(1).Any(w => w.Start < windows[0].End && windows[0].Start < w.End))
                {
                    overlapped++;
                }
            }

            Assert.True(overlapped > 0, "in no round did the two batches refresh at the same time");
            Assert.Contains(await store.FindSymbolsAsync("racer_2", source.RepoId, null, 10, Ct), s => s.Path == "cyclic/d2.py");
            await AssertEqualsFreshIngestAsync(store, tree, source.RepoId);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_applied_change_reports_an_error_event_and_the_next_batch_repairs_it()
    {
        var tree = Tree();
        var repo = "local" + tree;
        var data = TestRepos.NewDirectory("codeingest-refresh-");
        var cluster = WatchEquivalenceTests.BuildCluster(data, 1, TimeSpan.FromMilliseconds(150));
        await cluster.DeployAsync(Ct);
        await cluster.WaitForLivenessToStabilizeAsync();
        try
        {
            await using var log = new WatchEquivalenceTests.EventLog(cluster.Client);
            await log.WaitForTypeAsync(WatchEventTypes.Subscribed, TimeSpan.FromSeconds(10));
            await cluster.Client.GetGrain<IWatchHubGrain>(IWatchHubGrain.DefaultKey).WatchAsync(tree);
            await log.WaitForTypeAsync(WatchEventTypes.Watching, TimeSpan.FromSeconds(60));
            var store = new SqliteCodeStore(Path.Combine(data, "codeingest.db"));
            var snapshot = (await store.GetLatestSnapshotAsync(repo, Ct))!;

            // The critic's report folder cannot be created (a file is in its place): the quality node fails for real
            // (an IOException, retried, then given up), after the apply node committed the change.
            var reports = Path.Combine(data, "reports");
            Directory.Delete(reports, recursive: true);
            File.WriteAllText(reports, "a file where the report folder belongs");
            var from = log.Snapshot().Count;
            File.AppendAllText(Path.Combine(tree, "app/main.py"), "\n\ndef refresh_probe():\n    return 1\n");
            var applied = (await log.WaitForAsync(from, ["app/main.py"]))["app/main.py"];
            Assert.Equal(WatchEventTypes.Completed, applied.Type);
            Assert.Contains("quality", applied.Error);
            var failure = await log.WaitForTypeAsync(WatchEventTypes.AnalysisFailed, TimeSpan.FromSeconds(30));
            Assert.Equal(applied.JobId, failure.JobId);
            Assert.Contains("quality", failure.Error);
            Assert.Equal("app/main.py", failure.Detail);

            // The change stays searchable; the refresh stopped at the failed node (the summary was not rewritten).
            Assert.Contains(await store.SearchAsync("refresh_probe", repo, 5, Ct), h => h.Path == "app/main.py");
            Assert.Contains(await store.FindSymbolsAsync("refresh_probe", repo, null, 5, Ct), s => s.Path == "app/main.py");
            var job = await new CodeIngestClient(cluster.Client).GetJobAsync(applied.JobId!);
            Assert.Equal(JobStatus.Failed, job.Status);
            Assert.Equal(NodeStatus.Completed, job.Nodes.Single(n => n.Id == "apply").Status);
            Assert.Equal(NodeStatus.Failed, job.Nodes.Single(n => n.Id == "quality").Status);
            Assert.True(job.Nodes.Single(n => n.Id == "quality").Attempts > 1, "the failed refresh node was retried");
            Assert.Equal(NodeStatus.Skipped, job.Nodes.Single(n => n.Id == "summarize").Status);

            // The folder is back: the next batch (another file) refreshes the whole analysis, the missed change included.
            File.Delete(reports);
            from = log.Snapshot().Count;
            TestRepos.Write(tree, "cyclic/e.py", "from cyclic import c\n\n\ndef repaired(value):\n    return c.use(value)\n");
            var repaired = (await log.WaitForAsync(from, ["cyclic/e.py"]))["cyclic/e.py"];
            Assert.True(repaired.Type == WatchEventTypes.Completed && repaired.Error is null, $"{repaired.Type}: {repaired.Error}");
            Assert.Contains("refresh_probe", await store.GetReportAsync(snapshot, ReportKinds.Quality, Ct));
            await AssertEqualsFreshIngestAsync(store, tree, repo);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }
}
