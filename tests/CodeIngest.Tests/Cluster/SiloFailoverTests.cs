// A silo process dies in the middle of parsing. Three PostgreSQL-backed silos run as separate
// processes; a client ingests a repository large enough that parsing takes seconds; the process
// holding the job grain is killed (no shutdown, no goodbye in the membership table). The cluster
// declares it dead, the job reactivates on a survivor from its persisted state and the parse node
// continues from what was stored: the job completes, every file is stored exactly once with its
// definitions once, and the job's history is one consistent record.
using System.Globalization;
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Storage.Postgres;
using CodeIngest.Tests.Pipeline;
using CodeIngest.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace CodeIngest.Tests.Cluster;

public sealed class SiloFailoverTests : IDisposable
{
    private const int Files = 1500;
    private const int FunctionsPerFile = 30;

    private readonly TempSchema _schema = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _schema.Dispose();

    /// <summary>A plain directory of Python files; each holds <paramref name="functions"/> functions (and nothing else that is a definition).</summary>
    public static string GenerateRepository(int files, int functions)
    {
        var root = TestRepos.NewDirectory("codeingest-failover-");
        var text = new System.Text.StringBuilder();
        for (var f = 0; f < files; f++)
        {
            text.Clear();
            text.Append(CultureInfo.InvariantCulture, $"\"\"\"Module {f}.\"\"\"\nimport math\n\n");
            for (var i = 0; i < functions; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"\ndef compute_{f}_{i}(values, scale={i}):\n    total = 0\n    for v in values:\n        if v % {i + 2} == 0:\n            total += math.sqrt(v) * scale\n        else:\n            total -= v\n    return total\n\n");
            }

            TestRepos.Write(root, $"pkg{f % 20}/module_{f}.py", text.ToString());
        }

        return root;
    }

    [Fact]
    public async Task Killing_the_silo_that_holds_the_job_mid_parse_the_job_completes_on_a_survivor()
    {
        await PostgresMigrations.ApplyAsync(_schema.ConnectionString, Ct);
        var repo = GenerateRepository(Files, FunctionsPerFile);
        var clusterId = "failover-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = new SiloProcessCluster(_schema.ConnectionString, clusterId, new Dictionary<string, string>
        {
            ["CodeIngest__Ingestion__ParseBatchFiles"] = "10",
            ["CodeIngest__Ingestion__ParseConcurrency"] = "6",
            ["CodeIngest__Ingestion__RetryInitialDelay"] = "00:00:00.200",
        });
        for (var i = 0; i < 3; i++)
        {
            await cluster.StartSiloAsync(cancellationToken: Ct);
        }

        using var client = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(s => s.AddCodeIngestClient(_schema.ConnectionString, o =>
            {
                o.ClusterId = clusterId;
                o.Ingestion.RetryInitialDelay = TimeSpan.FromMilliseconds(200);
            }))
            .Build();
        await client.StartAsync(Ct);
        var sdk = client.Services.GetRequiredService<CodeIngestClient>();
        var management = sdk.Cluster.GetGrain<IManagementGrain>(0);

        var started = await sdk.StartIngestionAsync(repo);
        var job = sdk.Cluster.GetGrain<IIngestionJobGrain>(started.JobId);

        // Wait until parsing is under way but far from done, then kill the process that holds the job grain.
        var killedAt = -1.0;
        SiloProcess? victim = null;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (victim is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "parsing did not start within 3 minutes");
            var view = await job.GetStatusAsync();
            Assert.False(view.IsFinished, $"the job finished before the silo could be killed mid-parse ({view.Status}); make the repository larger");
            var parse = view.Nodes.Single(n => n.Id == "parse");
            var stored = parse.Status == NodeStatus.Running ? await ScalarAsync<long>("SELECT COUNT(*) FROM snapshot_files WHERE snapshot_id = @s", started.JobId) : 0;
            if (stored > Files / 20 && stored < Files * 6 / 10)
            {
                var address = await management.GetActivationAddress(job, Ct);
                Assert.NotNull(address);
                victim = cluster.BySiloPort(address.Endpoint.Port);
                Assert.NotNull(victim);
                killedAt = (double)stored / Files;
                victim.Process.Kill(entireProcessTree: true);
                await victim.Process.WaitForExitAsync(Ct);
            }
            else
            {
                await Task.Delay(20, Ct);
            }
        }

        var final = await sdk.WaitForJobAsync(started.JobId, cancellationToken: Ct).WaitAsync(TimeSpan.FromMinutes(5), Ct);
        var survivors = cluster.Silos.Where(s => s.IsAlive).ToList();
        var log = string.Join('\n', survivors.SelectMany(s => s.Output).TakeLast(60));

        Assert.True(final.Status == JobStatus.Completed, $"job ended {final.Status}: {final.Error}\n{log}");
        Assert.All(final.Nodes, n => Assert.Equal(NodeStatus.Completed, n.Status));
        Assert.Equal(2, survivors.Count);

        // The job now lives on a surviving silo.
        var now = await management.GetActivationAddress(job, Ct);
        Assert.NotNull(now);
        Assert.Contains(survivors, s => s.SiloPort == now.Endpoint.Port);

        // Every file stored exactly once, each with all its definitions exactly once.
        Assert.Equal((long)Files, await ScalarAsync<long>("SELECT COUNT(*) FROM snapshot_files WHERE snapshot_id = @s", started.JobId));
        Assert.Equal((long)Files, await ScalarAsync<long>("SELECT COUNT(DISTINCT path) FROM snapshot_files WHERE snapshot_id = @s", started.JobId));
        Assert.Equal((long)Files * FunctionsPerFile, await ScalarAsync<long>("SELECT COUNT(*) FROM definitions WHERE snapshot_id = @s", started.JobId));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM (SELECT path, name FROM definitions WHERE snapshot_id = @s GROUP BY path, name HAVING COUNT(*) > 1) d", started.JobId));
        var parseResult = final.Nodes.Single(n => n.Id == "parse").Result;
        Assert.Equal(Files.ToString(CultureInfo.InvariantCulture), parseResult["files_parsed"]);
        Assert.Equal("0", parseResult["files_with_errors"]);

        // A consistent history: one record for the job, completed, with the view the job grain reports.
        var history = await sdk.GetHistoryAsync(10);
        var record = Assert.Single(history, j => j.JobId == started.JobId);
        Assert.Equal(JobStatus.Completed, record.Status);
        Assert.Equal(final.Nodes.Select(n => (n.Id, n.Status)), record.Nodes.Select(n => (n.Id, n.Status)));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE job_id = @s", started.JobId));
        var repos = await sdk.ListReposAsync();
        Assert.Equal(started.JobId, Assert.Single(repos).LatestSnapshot);
        Assert.True(killedAt > 0);

        await client.StopAsync(CancellationToken.None);
    }

    private async Task<T> ScalarAsync<T>(string sql, string snapshotId)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", snapshotId);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
