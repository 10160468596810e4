// The ingestion REST API through HTTP on an in-process silo host: every status code, the queue
// cap, cancel, TTL expiry with a moved clock, a real ingestion of a local repository followed by
// server-sent events, and the history surviving a restart.
using System.Net;
using System.Text.Json;
using CodeIngest.Tests.Pipeline;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CodeIngest.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class IngestionApiTests
{
    private const string Status = "/api/v1/ingestion/worker/status";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Paused(int maxPending = 10) => new()
    {
        ["CodeIngest:Queue:Paused"] = "true",
        ["CodeIngest:Queue:MaxPending"] = maxPending.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, string?> LocalPaths(int maxConcurrent = 2) => new()
    {
        ["CodeIngest:Api:AllowLocalPaths"] = "true",
        ["CodeIngest:Api:LocalRoots:0"] = Path.GetTempPath(),
        ["CodeIngest:Queue:MaxConcurrent"] = maxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Write_endpoints_need_the_bearer_token_and_refuse_without_a_configured_one()
    {
        await using var host = new ApiHost(Paused());
        var anonymous = host.CreateClient();
        var (missing, missingBody) = await Http.PostAsync(anonymous, Http.Ingest("github.com/owner/repo"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Contains("Bearer", missingBody.GetProperty("detail").GetString());

        var wrong = host.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", ApiHost.Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostAsync(wrong, Http.Ingest("github.com/owner/repo"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.SendAsync(wrong, HttpMethod.Delete, "/api/v1/ingestion/jobs/some-job")).Status);
        Assert.Equal(0, (await Http.GetOkAsync(anonymous, Status)).GetProperty("queue_size").GetInt32());

        await using var unconfigured = new ApiHost(new() { ["CodeIngest:Api:AdminToken"] = "" });
        var client = unconfigured.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "anything");
        var (status, body) = await Http.PostAsync(client, Http.Ingest("github.com/owner/repo"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("CODEINGEST__Api__AdminToken", body.GetProperty("detail").GetString());
        host.DeleteData();
        unconfigured.DeleteData();
    }

    [Fact]
    public async Task Invalid_urls_are_400_with_a_reason_and_credentials_are_never_echoed()
    {
        await using var host = new ApiHost(Paused());
        var admin = host.Admin();

        var (status, body) = await Http.PostAsync(admin, Http.Ingest("https://alice:s3cr3t-pass@github.com/owner/repo"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.DoesNotContain("s3cr3t", body.ToString());
        Assert.Contains("credentials", body.GetProperty("detail").GetString());

        var (tokenStatus, tokenBody) = await Http.PostAsync(admin, Http.Ingest("https://ghp_TOKEN123@github.com/owner/repo"));
        Assert.Equal(HttpStatusCode.BadRequest, tokenStatus);
        Assert.DoesNotContain("ghp_TOKEN123", tokenBody.ToString());

        foreach (var (input, expected) in new[]
        {
            ("ftp://example.com/owner/repo", "not supported"),
            ("https://127.0.0.1/owner/repo", "internal"),
            ("https://10.1.2.3/owner/repo", "internal"),
            ("http://localhost:8080/owner/repo", "internal"),
            ("/etc", "local paths"),
            ("file:///tmp", "local paths"),
            ("https://github.com", "repository path"),
        })
        {
            var (s, b) = await Http.PostAsync(admin, Http.Ingest(input));
            Assert.True(s == HttpStatusCode.BadRequest, $"{input}: {(int)s} {b}");
            Assert.Contains(expected, b.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync(admin, Http.Ingest("github.com/owner/repo", "branch=--upload-pack=x"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync(admin, "/api/v1/ingestion/jobs/history?limit=101")).Status);
        Assert.Equal(0, (await Http.GetOkAsync(admin, Status)).GetProperty("queue_size").GetInt32());
        host.DeleteData();
    }

    [Fact]
    public async Task The_queue_answers_positions_refuses_past_its_cap_with_429_and_cancels_queued_jobs()
    {
        await using var host = new ApiHost(Paused(maxPending: 3));
        var admin = host.Admin();

        var first = await DispatchAsync(admin, "github.com/owner/first");
        Assert.Equal("https://github.com/owner/first", first.GetProperty("target").GetString());
        Assert.Equal(1, first.GetProperty("queue_position").GetInt32());
        Assert.Equal(1, first.GetProperty("queue_size").GetInt32());
        Assert.Equal(3, first.GetProperty("max_queue_size").GetInt32());

        var (raw, rawBody) = await Http.PostAsync(admin, "/api/v1/ingestion/ingest/https://gitlab.com/group/second.git");
        Assert.True(raw == HttpStatusCode.OK, rawBody.ToString());
        var second = rawBody;
        Assert.Equal("https://gitlab.com/group/second.git", second.GetProperty("target").GetString());
        Assert.Equal(2, second.GetProperty("queue_position").GetInt32());
        var urgent = await DispatchAsync(admin, "git@github.com:owner/urgent.git", "priority=5");
        Assert.Equal(1, urgent.GetProperty("queue_position").GetInt32());
        Assert.Equal(3, urgent.GetProperty("queue_size").GetInt32());

        var (full, fullBody) = await Http.PostAsync(admin, Http.Ingest("github.com/owner/fourth"));
        Assert.Equal(HttpStatusCode.TooManyRequests, full);
        Assert.Contains("at most 3", fullBody.GetProperty("detail").GetString());

        var firstId = first.GetProperty("job_id").GetString()!;
        var queued = await Http.GetOkAsync(admin, $"/api/v1/ingestion/jobs/{firstId}");
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal(2, queued.GetProperty("queue_position").GetInt32());

        var worker = await Http.GetOkAsync(admin, Status);
        Assert.Equal("Offline", worker.GetProperty("status").GetString());
        Assert.Equal(3, worker.GetProperty("queue_size").GetInt32());

        var (cancelled, cancelBody) = await Http.SendAsync(admin, HttpMethod.Delete, $"/api/v1/ingestion/jobs/{firstId}");
        Assert.True(cancelled == HttpStatusCode.OK, cancelBody.ToString());
        Assert.Equal("cancelled", cancelBody.GetProperty("status").GetString());
        Assert.Equal("cancelled", (await Http.GetOkAsync(admin, $"/api/v1/ingestion/jobs/{firstId}")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await Http.SendAsync(admin, HttpMethod.Delete, $"/api/v1/ingestion/jobs/{firstId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.SendAsync(admin, HttpMethod.Delete, "/api/v1/ingestion/jobs/20990101-000000-nosuchjob")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(admin, "/api/v1/ingestion/jobs/20990101-000000-nosuchjob")).Status);

        // The freed place is usable again, and the cancelled job is in the history as failed with its reason.
        await DispatchAsync(admin, "github.com/owner/fourth");
        var entry = await Http.WaitForHistoryAsync(admin, firstId, TimeSpan.FromSeconds(5));
        Assert.Equal("failed", entry.GetProperty("status").GetString());
        Assert.Contains("cancelled", entry.GetProperty("error").GetString());
        host.DeleteData();
    }

    [Fact]
    public async Task A_running_job_is_cancelled_and_the_worker_reports_what_it_ingests()
    {
        // A git server that accepts connections and never answers: each clone attempt times out and
        // is retried, so the job stays running in its clone stage until it is cancelled.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.Socket>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                held.Add(await silent.AcceptSocketAsync(Ct));
            }
        }, Ct);
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var host = new ApiHost(new()
        {
            ["CodeIngest:Api:AllowInternalHosts"] = "true",
            ["CodeIngest:Ingestion:MaxAttempts"] = "50",
            ["CodeIngest:Ingestion:RetryInitialDelay"] = "00:00:00.200",
            ["CodeIngest:Ingestion:RetryMultiplier"] = "1",
            ["CodeIngest:Ingestion:CloneTimeout"] = "00:00:03",
        });
        var admin = host.Admin();
        var jobId = (await DispatchAsync(admin, $"https://127.0.0.1:{port}/owner/silent")).GetProperty("job_id").GetString()!;
        await WaitForWorkerAsync(admin, $"Ingesting 127.0.0.1:{port}/owner/silent");
        var running = await Http.GetOkAsync(admin, $"/api/v1/ingestion/jobs/{jobId}");
        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.Equal("clone", running.GetProperty("stage").GetString());

        var (status, body) = await Http.SendAsync(admin, HttpMethod.Delete, $"/api/v1/ingestion/jobs/{jobId}");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Contains("running job was cancelled", body.GetProperty("detail").GetString());
        Assert.Equal("cancelled", (await Http.GetOkAsync(admin, $"/api/v1/ingestion/jobs/{jobId}")).GetProperty("status").GetString());
        await WaitForWorkerAsync(admin, "Idle");
        var entry = await Http.WaitForHistoryAsync(admin, jobId, TimeSpan.FromSeconds(10));
        Assert.Equal("failed", entry.GetProperty("status").GetString());
        Assert.Contains("cancelled", entry.GetProperty("error").GetString());
        host.DeleteData();
    }

    [Fact]
    public async Task An_unusable_store_answers_503_and_nothing_is_queued()
    {
        await using var host = new ApiHost(Paused());
        var admin = host.Admin();
        Assert.Equal("ok", (await Http.GetOkAsync(admin, "/health")).GetProperty("status").GetString());
        Assert.Equal(0, (await Http.GetOkAsync(admin, Status)).GetProperty("queue_size").GetInt32());

        // The data directory becomes a plain file: every SQLite open fails from now on.
        Directory.Delete(host.DataDirectory, recursive: true);
        await File.WriteAllTextAsync(host.DataDirectory, "not a directory", Ct);
        SqliteConnection.ClearAllPools();

        var (status, body) = await Http.PostAsync(admin, Http.Ingest("github.com/owner/repo"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("nothing was queued", body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Http.GetAsync(admin, "/health")).Status);
        Assert.Equal(0, (await Http.GetOkAsync(admin, Status)).GetProperty("queue_size").GetInt32());
        host.DeleteData();
    }

    [Fact]
    public async Task A_local_repository_is_ingested_with_live_events_and_its_history_survives_a_restart()
    {
        var repo = TestRepos.MultiLanguage();
        string jobId;
        string dataDirectory;
        await using (var host = new ApiHost(LocalPaths()))
        {
            dataDirectory = host.DataDirectory;
            var admin = host.Admin();

            // A link under the allowed root that leads outside it is refused.
            var link = Path.Combine(Path.GetTempPath(), "codeingest-link-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateSymbolicLink(link, "/usr/share");
            try
            {
                var (escaped, escapedBody) = await Http.PostAsync(admin, Http.Ingest(link));
                Assert.Equal(HttpStatusCode.BadRequest, escaped);
                Assert.Contains("not under an allowed local root", escapedBody.GetProperty("detail").GetString());
            }
            finally
            {
                Directory.Delete(link);
            }

            var dispatched = await DispatchAsync(admin, repo, "branch=main");
            jobId = dispatched.GetProperty("job_id").GetString()!;
            Assert.Equal(repo, dispatched.GetProperty("target").GetString());

            var events = await ReadEventsAsync(admin, $"/api/v1/ingestion/jobs/{jobId}/events", TimeSpan.FromSeconds(90));
            Assert.Equal("done", events[^1].Event);
            Assert.Equal("complete", events[^1].Data.GetProperty("status").GetString());
            Assert.All(events[..^1], e => Assert.Equal("progress", e.Event));
            var progress = events.Select(e => e.Data.GetProperty("progress_percent").GetDouble()).ToList();
            Assert.Equal(progress.Order().ToList(), progress);
            Assert.Equal(100, progress[^1]);

            var entry = await Http.WaitForHistoryAsync(admin, jobId, TimeSpan.FromSeconds(30));
            Assert.Equal("complete", entry.GetProperty("status").GetString());
            Assert.Equal(6, entry.GetProperty("files_processed").GetInt32());
            Assert.True(entry.GetProperty("duration_seconds").GetDouble() > 0);

            var job = await Http.GetOkAsync(admin, $"/api/v1/ingestion/jobs/{jobId}");
            Assert.Equal(["clone", "discover", "parse", "graph", "quality", "index", "summarize", "summarize-model"], job.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!).ToArray());
            Assert.All(job.GetProperty("nodes").EnumerateArray(), n =>
            {
                Assert.Equal("completed", n.GetProperty("status").GetString());
                Assert.True(n.GetProperty("attempts").GetInt32() >= 1);
            });

            await WaitForWorkerAsync(admin, "Idle");

            // The seeds' task API over the same queue: the summary comes from the ingestion's statistics.
            using var summarize = await admin.PostAsync("/summarize", Http.Json(new Dictionary<string, string> { ["repo_url"] = repo }), Ct);
            var task = JsonDocument.Parse(await summarize.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.True(summarize.StatusCode == HttpStatusCode.OK, task.ToString());
            Assert.Equal("pending", task.GetProperty("status").GetString());
            var taskId = task.GetProperty("task_id").GetString()!;
            await Http.WaitForHistoryAsync(admin, taskId, TimeSpan.FromSeconds(90));
            var info = await Http.GetOkAsync(admin, $"/info/{taskId}");
            Assert.Equal("complete", info.GetProperty("task_status").GetString());
            Assert.Equal("done", info.GetProperty("task_meta").GetProperty("stage").GetString());
            Assert.Contains("6 files", info.GetProperty("task_meta").GetProperty("summary").GetString());
            Assert.Equal(6, info.GetProperty("task_meta").GetProperty("stats").GetProperty("files").GetInt32());
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(admin, "/info/20990101-000000-nosuchtask")).Status);
        }

        await using var restarted = new ApiHost(LocalPaths(), dataDirectory: dataDirectory);
        var history = await Http.GetOkAsync(restarted.CreateClient(), "/api/v1/ingestion/jobs/history");
        var again = Assert.Single(history.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("job_id").GetString() == jobId);
        Assert.Equal("complete", again.GetProperty("status").GetString());
        restarted.DeleteData();
    }

    [Fact]
    public async Task A_job_older_than_its_ttl_when_its_turn_comes_is_skipped_with_its_age()
    {
        var repo = TestRepos.MultiLanguage();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = new ApiHost(LocalPaths(maxConcurrent: 1), clock);
        var admin = host.Admin();

        var running = await DispatchAsync(admin, repo);
        var waiting = await DispatchAsync(admin, repo);
        clock.Advance(TimeSpan.FromHours(25));

        var waitingId = waiting.GetProperty("job_id").GetString()!;
        var entry = await Http.WaitForHistoryAsync(admin, waitingId, TimeSpan.FromSeconds(90));
        Assert.Equal("skipped", entry.GetProperty("status").GetString());
        Assert.True(entry.GetProperty("age_seconds").GetDouble() >= 25 * 3600, entry.ToString());
        Assert.Contains("TTL", entry.GetProperty("reason").GetString());
        Assert.Equal("skipped", (await Http.GetOkAsync(admin, $"/api/v1/ingestion/jobs/{waitingId}")).GetProperty("status").GetString());

        // The job that was already running is not affected by the TTL.
        var first = await Http.WaitForHistoryAsync(admin, running.GetProperty("job_id").GetString()!, TimeSpan.FromSeconds(90));
        Assert.Equal("complete", first.GetProperty("status").GetString());
        host.DeleteData();
    }

    [Fact]
    public async Task Clients_past_the_write_rate_limit_get_429_and_the_openapi_document_lists_the_endpoints()
    {
        var settings = Paused();
        settings["CodeIngest:Api:WritePermitsPerMinute"] = "2";
        await using var host = new ApiHost(settings);
        var admin = host.Admin();
        await DispatchAsync(admin, "github.com/owner/one");
        await DispatchAsync(admin, "github.com/owner/two");
        var (status, body) = await Http.PostAsync(admin, Http.Ingest("github.com/owner/three"));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("too many requests", body.GetProperty("detail").GetString());
        Assert.Equal(2, (await Http.GetOkAsync(admin, Status)).GetProperty("queue_size").GetInt32());

        var openApi = await Http.GetOkAsync(admin, "/openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/ingestion/ingest/{repo_url}", paths);
        Assert.Contains("/api/v1/ingestion/jobs/{job_id}", paths);
        Assert.Contains("/summarize", paths);
        host.DeleteData();
    }

    [Fact]
    public async Task Invalid_queue_options_stop_the_host_at_start()
    {
        await using var host = new ApiHost(new() { ["CodeIngest:Queue:MaxPending"] = "0" });
        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());
        Assert.Contains("MaxPending", error.ToString());
        host.DeleteData();
    }

    [Fact]
    public async Task A_negative_parse_thread_count_stops_the_host_at_start_and_names_the_setting()
    {
        await using var host = new ApiHost(new() { ["CodeIngest:Ingestion:ParseThreadsPerSilo"] = "-1" });
        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());
        Assert.Contains("CodeIngest:Ingestion:ParseThreadsPerSilo must be 0 (one per processor) or a positive number of threads (got -1)", error.ToString());
        host.DeleteData();
    }

    private static async Task<JsonElement> DispatchAsync(HttpClient admin, string repo, string? query = null)
    {
        var (status, body) = await Http.PostAsync(admin, Http.Ingest(repo, query));
        Assert.True(status == HttpStatusCode.OK, $"{repo}: {(int)status} {body}");
        Assert.Equal("dispatched", body.GetProperty("status").GetString());
        return body;
    }

    private static async Task WaitForWorkerAsync(HttpClient client, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string? last;
        do
        {
            last = (await Http.GetOkAsync(client, Status)).GetProperty("status").GetString();
            if (last == expected)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"worker status stayed '{last}', expected '{expected}'");
    }

    private static async Task<List<(string Event, JsonElement Data)>> ReadEventsAsync(HttpClient client, string url, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(timeout);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var events = new List<(string, JsonElement)>();
        string? name = null;
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                events.Add((name ?? "message", JsonDocument.Parse(line["data:".Length..]).RootElement.Clone()));
            }
        }

        Assert.NotEmpty(events);
        return events;
    }
}
