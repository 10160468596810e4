// Watch notifications through each door: the REST API's server-sent events (a watch started over REST, a
// change completed), the client SDK's stream (an error event when the watched folder vanishes), and the
// incremental re-ingest that carries unchanged files' chunks over.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Storage;
using CodeIngest.Tests.Api;
using CodeIngest.Tests.Pipeline;
using CodeIngest.Watch;
using Xunit;

namespace CodeIngest.Tests.Watch;

/// <summary>Watch tests time debounced file events: they run alone, like the API hosts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WatchCollection
{
    public const string Name = "watchers";
}

[Collection(WatchCollection.Name)]
public sealed class WatchNotificationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_watch_started_over_rest_streams_change_completions_as_server_sent_events()
    {
        var tree = TestRepos.MultiLanguage();
        await using var host = new ApiHost(new() { ["CodeIngest:Watch:Debounce"] = "00:00:00.100" });
        var admin = host.Admin();

        var refused = await host.CreateClient().PostAsJsonAsync("/api/v1/watch", new { directory = tree }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var invalid = await admin.PostAsJsonAsync("/api/v1/watch", new { directory = "relative/path" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("absolute path", (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(90));
        using var response = await admin.GetAsync($"/api/v1/watch/events?directory={Uri.EscapeDataString(tree)}", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var started = await admin.PostAsJsonAsync("/api/v1/watch", new { directory = tree }, Ct);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.Contains(tree, (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("directories").EnumerateArray().Select(d => d.GetString()));

        // Once the catch-up ingest has published, the edit is a change the watcher applies (events wait for the catch-up anyway).
        var store = new SqliteCodeStore(Path.Combine(host.DataDirectory, "codeingest.db"));
        while (await store.GetLatestSnapshotAsync("local" + tree, Ct) is null)
        {
            await Task.Delay(50, Ct);
        }

        File.AppendAllText(Path.Combine(tree, "app/main.py"), "\n\ndef sse_probe():\n    return 1\n");
        string? name = null;
        var completed = false;
        var seen = new List<string>();
        while (await ReadAsync() is { } line)
        {
            seen.Add(line);
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
                continue;
            }

            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = JsonDocument.Parse(line["data:".Length..]).RootElement;
            if (name == WatchEventTypes.Subscribed)
            {
                continue;
            }

            Assert.Equal(tree, data.GetProperty("directory").GetString());
            if (name == WatchEventTypes.Completed)
            {
                completed = true;
                Assert.Equal("app/main.py", data.GetProperty("path").GetString());
                Assert.Equal(WatchChanges.Changed, data.GetProperty("change").GetString());
                Assert.True(data.GetProperty("latency_ms").GetDouble() > 0);
                break;
            }
            else
            {
                Assert.NotEqual(WatchEventTypes.Failed, name);
            }
        }

        Assert.True(completed);

        async Task<string?> ReadAsync()
        {
            try
            {
                return await reader.ReadLineAsync(cts.Token);
            }
            catch (IOException)
            {
                var symbols = await store.FindSymbolsAsync("sse_probe", null, null, 10, Ct);
                var jobs = await store.ListJobsAsync(10, Ct);
                Assert.Fail($"no completion; lines: {string.Join(" | ", seen)}; symbols: {symbols.Count}; jobs: {string.Join(",", jobs.Select(j => j.JobId + ":" + j.Status))}");
                return null;
            }
        }
        Assert.Contains(await store.FindSymbolsAsync("sse_probe", "local" + tree, null, 10, Ct), s => s.Path == "app/main.py");
    }

    [Fact]
    public async Task The_client_sdk_streams_an_error_event_when_a_change_cannot_be_applied()
    {
        var tree = TestRepos.MultiLanguage();
        var data = TestRepos.NewDirectory("codeingest-watch-");
        var cluster = WatchEquivalenceTests.BuildCluster(data, 1, TimeSpan.FromMilliseconds(100));
        await cluster.DeployAsync(Ct);
        try
        {
            var client = new CodeIngest.Client.CodeIngestClient(cluster.Client);
            await using var log = new WatchEquivalenceTests.EventLog(cluster.Client);
            await log.WaitForTypeAsync(WatchEventTypes.Subscribed, TimeSpan.FromSeconds(10));
            await client.WatchAsync(tree);
            await log.WaitForTypeAsync(WatchEventTypes.Watching, TimeSpan.FromSeconds(60));

            // The watched folder disappears: the file DAG's detect node fails without retrying, and says why.
            var from = log.Snapshot().Count;
            Directory.Delete(tree, recursive: true);
            var events = await log.WaitForAsync(from, ["app/main.py"]);
            var failed = events["app/main.py"];
            Assert.Equal(WatchEventTypes.Failed, failed.Type);
            Assert.Contains("does not exist", failed.Error);
            var job = await client.GetJobAsync(failed.JobId!);
            Assert.Equal(JobStatus.Failed, job.Status);
            Assert.Equal(1, job.Nodes.Single(n => n.Id == "detect").Attempts);

            // The store keeps the last good state.
            var store = new SqliteCodeStore(Path.Combine(data, "codeingest.db"));
            Assert.Contains(await store.FindSymbolsAsync("Greeter", "local" + tree, null, 10, Ct), s => s.Path == "app/main.py");
            Assert.True(await client.UnwatchAsync(tree));
            Assert.False(await client.UnwatchAsync(tree));
        }
        finally
        {
            await cluster.StopAllSilosAsync(CancellationToken.None);
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_re_ingest_chunks_only_changed_files_and_equals_a_fresh_ingest()
    {
        var tree = TestRepos.MultiLanguage();
        var data = TestRepos.NewDirectory("codeingest-reingest-");
        var cluster = WatchEquivalenceTests.BuildCluster(data, 2, TimeSpan.FromMilliseconds(500));
        await cluster.DeployAsync(Ct);
        try
        {
            var client = new CodeIngest.Client.CodeIngestClient(cluster.Client);
            async Task<JobView> IngestAsync()
            {
                var started = await client.StartIngestionAsync(tree);
                var view = await client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(50), cancellationToken: Ct);
                Assert.True(view.Status == JobStatus.Completed, view.Error);
                return view;
            }

            await IngestAsync();
            File.AppendAllText(Path.Combine(tree, "server/server.go"), "\nfunc Stop() error {\n\treturn nil\n}\n");
            File.Delete(Path.Combine(tree, "web/shapes.ts"));
            TestRepos.Write(tree, "app/extra.py", "def extra():\n    return 2\n");
            var second = await IngestAsync();
            var report = IngestionReport.From(second);
            Assert.Equal((4, 1, 1, 1), (report.FilesUnchanged, report.FilesChanged, report.FilesAdded, report.FilesRemoved));
            var index = second.Nodes.Single(n => n.Id == "index").Result;
            Assert.Equal("2", index["files_chunked"]);
            Assert.True(int.Parse(index["chunks_carried_over"], System.Globalization.CultureInfo.InvariantCulture) >= 4);

            var freshData = TestRepos.NewDirectory("codeingest-fresh-");
            var fresh = WatchEquivalenceTests.BuildCluster(freshData, 1, TimeSpan.FromMilliseconds(500));
            await fresh.DeployAsync(Ct);
            try
            {
                var freshClient = new CodeIngest.Client.CodeIngestClient(fresh.Client);
                var job = await freshClient.StartIngestionAsync(tree);
                Assert.Equal(JobStatus.Completed, (await freshClient.WaitForJobAsync(job.JobId, pollInterval: TimeSpan.FromMilliseconds(50), cancellationToken: Ct)).Status);
                await StoreEquivalence.AssertEqualAsync(new SqliteCodeStore(Path.Combine(data, "codeingest.db")), new SqliteCodeStore(Path.Combine(freshData, "codeingest.db")), "local" + tree, compareScores: false);
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
