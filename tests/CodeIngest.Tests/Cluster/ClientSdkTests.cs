// The client SDK as another .NET service uses it: services.AddCodeIngestClient(connectionString) in its
// own host, against two in-process silos clustered through PostgreSQL (ADO.NET membership); and the
// CLI's `ingest --cluster`, a separate process, through the same SDK.
using System.Net;
using System.Net.Sockets;
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Hosting;
using CodeIngest.Storage.Postgres;
using CodeIngest.Tests.Pipeline;
using CodeIngest.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Xunit;

namespace CodeIngest.Tests.Cluster;

public sealed class ClientSdkTests : IAsyncLifetime
{
    private readonly TempSchema _schema = new();
    private readonly string _clusterId = "sdk-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IHost> _silos = [];
    private readonly string _workDirectory = TestRepos.NewDirectory("codeingest-sdk-work-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await PostgresMigrations.ApplyAsync(_schema.ConnectionString, Ct);
        for (var i = 0; i < 2; i++)
        {
            var host = new HostBuilder()
                .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .UseOrleans(silo => silo
                    .Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = _clusterId;
                        o.ServiceId = "codeingest";
                    })
                    .ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort())
                    .UseCodeIngestAdoNetClustering(_schema.ConnectionString)
                    .AddCodeIngestCluster(_schema.ConnectionString, o => o.ParseBatchFiles = 2, _workDirectory))
                .Build();
            await host.StartAsync(Ct);
            _silos.Add(host);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Enumerable.Reverse(_silos))
        {
            await silo.StopAsync(CancellationToken.None);
            silo.Dispose();
        }

        _schema.Dispose();
    }

    [Fact]
    public async Task A_service_ingests_and_reads_through_AddCodeIngestClient()
    {
        var services = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(s => s.AddCodeIngestClient(_schema.ConnectionString, o => o.ClusterId = _clusterId))
            .Build();
        await services.StartAsync(Ct);
        try
        {
            var client = services.Services.GetRequiredService<CodeIngestClient>();
            var repo = TestRepos.MultiLanguage();

            var final = await client.IngestAsync(repo, cancellationToken: Ct).WaitAsync(TimeSpan.FromMinutes(3), Ct);

            Assert.Equal(JobStatus.Completed, final.Status);
            Assert.All(final.Nodes, n => Assert.Equal(NodeStatus.Completed, n.Status));
            Assert.Equal(JobStatus.Completed, (await client.GetJobAsync(final.JobId)).Status);

            var history = await client.GetHistoryAsync(5);
            Assert.Equal(final.JobId, history[0].JobId);
            Assert.Equal(JobStatus.Completed, history[0].Status);

            var repos = await client.ListReposAsync();
            var info = Assert.Single(repos);
            Assert.Equal(final.JobId, info.LatestSnapshot);
            Assert.True(info.Files >= 5, $"expected the test repository's files, got {info.Files}");

            var symbols = await client.FindSymbolsAsync("Greeter");
            Assert.Contains(symbols, s => s is { Kind: "class", Path: "app/main.py" });
            Assert.Contains(await client.FindSymbolsAsync(null, kind: "class"), s => s.Name == "Greeter");

            var hits = await client.SearchAsync("greet", limit: 5);
            Assert.Contains(hits, h => h.Path == "app/main.py");

            // Bad input is refused with a clear message, not a silent empty result.
            var empty = await Assert.ThrowsAsync<ArgumentException>(() => client.SearchAsync("  "));
            Assert.Contains("search query is empty", empty.Message);
            await Assert.ThrowsAsync<CodeIngest.Ingestion.InvalidRepositorySourceException>(() => client.StartIngestionAsync("ftp://example.com/x"));
        }
        finally
        {
            await services.StopAsync(CancellationToken.None);
            services.Dispose();
        }
    }

    [Fact]
    public async Task Cli_ingest_with_cluster_runs_the_job_on_the_cluster()
    {
        var repo = TestRepos.MultiLanguage();
        var result = await Cli.CliProcess.RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["CodeIngest__Cluster__ClusterId"] = _clusterId },
            "ingest", repo, "--cluster", _schema.ConnectionString, "--json");

        Assert.True(result.Code == 0, result.Err);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.Equal("complete", json.RootElement.GetProperty("status").GetString());
        var jobId = json.RootElement.GetProperty("job_id").GetString()!;

        // The job ran in the silos (their store has it), not in the CLI process.
        var store = new PostgresCodeStore(_schema.ConnectionString);
        Assert.Equal("completed", (await store.GetJobAsync(jobId, Ct))?.Status);
        var fromSilo = await _silos[0].Services.GetRequiredService<IGrainFactory>().GetGrain<IIngestionJobGrain>(jobId).GetStatusAsync();
        Assert.Equal(JobStatus.Completed, fromSilo.Status);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
