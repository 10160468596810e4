// A silo with the REST API, hosted in-process by WebApplicationFactory: its own temp data
// directory, free cluster ports, an admin token, and optionally the queue's clock replaced.
// (The factory is keyed on a type of the silo assembly: the CLI assembly has a Program too.)
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CodeIngest.Queue;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CodeIngest.Tests.Api;

public sealed class ApiHost(Dictionary<string, string?>? settings = null, TimeProvider? queueClock = null, string? dataDirectory = null) : WebApplicationFactory<CodeIngest.Silo.Api.ApiOptions>
{
    public const string Token = "test-admin-token-6c1f0e";

    public string DataDirectory { get; } = dataDirectory ?? Directory.CreateTempSubdirectory("codeingest-api-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("CodeIngest:DataDirectory", DataDirectory);
        builder.UseSetting("CodeIngest:Cluster:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("CodeIngest:Cluster:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("CodeIngest:Api:AdminToken", Token);
        builder.UseSetting("CodeIngest:Queue:PollInterval", "00:00:00.100");
        builder.UseSetting("CodeIngest:Ingestion:RetryInitialDelay", "00:00:00.050");
        foreach (var (key, value) in settings ?? [])
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            // Stopping the silo deactivates its grains and leaves the cluster; on a loaded two-core machine running the
            // suite's other silos (and here CLI processes that joined and left) that passed the host's default 30 s,
            // which fails the test in its dispose. The silo still has to stop: past two minutes it fails.
            services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
            if (queueClock is not null)
            {
                services.AddKeyedSingleton(IngestionQueueGrain.ClockKey, queueClock);
            }
        });
    }

    public HttpClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public void DeleteData()
    {
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            else if (File.Exists(DataDirectory))
            {
                File.Delete(DataDirectory);
            }
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The queue's clock, moved by the test.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

public static class Http
{
    public static string Ingest(string repo, string? query = null) =>
        "/api/v1/ingestion/ingest/" + Uri.EscapeDataString(repo) + (query is null ? "" : "?" + query);

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string url)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, url), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body);
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string url) => SendAsync(client, HttpMethod.Post, url);

    public static Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string url) => SendAsync(client, HttpMethod.Get, url);

    public static async Task<JsonElement> GetOkAsync(HttpClient client, string url)
    {
        var (status, body) = await GetAsync(client, url);
        Assert.True(status == HttpStatusCode.OK, $"GET {url}: {(int)status} {body}");
        return body;
    }

    /// <summary>Polls the history until <paramref name="jobId"/> appears with a finished status.</summary>
    public static async Task<JsonElement> WaitForHistoryAsync(HttpClient client, string jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var history = await GetOkAsync(client, "/api/v1/ingestion/jobs/history?limit=100");
            foreach (var job in history.GetProperty("jobs").EnumerateArray())
            {
                if (job.GetProperty("job_id").GetString() == jobId && job.GetProperty("status").GetString() is "complete" or "failed" or "skipped")
                {
                    return job;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} did not finish in {timeout}: {history}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public static JsonContent Json(object value) => JsonContent.Create(value);
}

/// <summary>Each test starts whole silos: they run alone, after the parallel collections, so they neither starve nor are starved by the cluster tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ApiCollection
{
    public const string Name = "api hosts";
}
