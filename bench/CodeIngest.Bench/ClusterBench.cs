// Cluster bench: the parse stage of a real ingestion on 1, 2 and 3 silo processes (cluster mode, one
// PostgreSQL database), and the cost of a silo failure: the same 3-silo ingestion undisturbed and with
// the process holding the job killed once a third of the files are stored. Each run gets a fresh
// PostgreSQL schema, so no run reuses another's parse results.
using System.Diagnostics;
using System.Globalization;
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Storage.Postgres;
using CodeIngest.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CodeIngest.Bench;

public static class ClusterBench
{
    public static async Task<int> RunAsync(string directory, string server)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"corpus: {directory}");
        Console.WriteLine();
        Console.WriteLine("| silos | files parsed | parse stage s | files/s | vs 1 silo | whole job s |");
        Console.WriteLine("|---|---|---|---|---|---|");
        double? baseline = null;
        foreach (var silos in new[] { 1, 2, 3 })
        {
            var run = await IngestAsync(directory, server, silos, killAtFraction: null);
            var rate = run.Files / run.Parse.TotalSeconds;
            baseline ??= rate;
            Console.WriteLine($"| {silos} | {run.Files} | {run.Parse.TotalSeconds:0.0} | {rate:0} | {rate / baseline.Value:0.00}x | {run.Whole.TotalSeconds:0.0} |");
        }

        Console.WriteLine();
        Console.WriteLine("| 3 silos | whole job s | parse stage s | kill → job answers on a survivor s | kill → next file stored s | parse attempts |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var calm = await IngestAsync(directory, server, 3, killAtFraction: null);
        Console.WriteLine($"| undisturbed | {calm.Whole.TotalSeconds:0.0} | {calm.Parse.TotalSeconds:0.0} | - | - | {calm.ParseAttempts} |");
        var hit = await IngestAsync(directory, server, 3, killAtFraction: 1.0 / 3);
        Console.WriteLine($"| job's silo killed at {hit.KilledAtFiles} files | {hit.Whole.TotalSeconds:0.0} | {hit.Parse.TotalSeconds:0.0} | {hit.JobBack?.TotalSeconds:0.0} | {hit.StoringAgain?.TotalSeconds:0.0} | {hit.ParseAttempts} |");
        Console.WriteLine();
        Console.WriteLine($"extra wall time of the failure: {(hit.Whole - calm.Whole).TotalSeconds:0.0} s ({hit.Whole / calm.Whole:0.00}x)");
        return 0;
    }

    private sealed record Run(int Files, TimeSpan Parse, TimeSpan Whole, int ParseAttempts, long KilledAtFiles, TimeSpan? JobBack, TimeSpan? StoringAgain);

    private static async Task<Run> IngestAsync(string directory, string server, int silos, double? killAtFraction)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(server, $"CREATE SCHEMA {schema}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
        try
        {
            await PostgresMigrations.ApplyAsync(connectionString);
            var clusterId = "bench-" + schema[6..];
            await using var cluster = new SiloProcessCluster(connectionString, clusterId, new Dictionary<string, string>
            {
                ["Logging__LogLevel__CodeIngest"] = "Warning",
            });
            for (var i = 0; i < silos; i++)
            {
                await cluster.StartSiloAsync();
            }

            using var host = new HostBuilder()
                .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Error))
                .ConfigureServices(s => s.AddCodeIngestClient(connectionString, o => o.ClusterId = clusterId))
                .Build();
            await host.StartAsync();
            var client = host.Services.GetRequiredService<CodeIngestClient>();
            var started = await client.StartIngestionAsync(directory);
            var discovered = 0L;
            long killedAt = 0;
            TimeSpan? jobBack = null, storingAgain = null;
            if (killAtFraction is { } fraction)
            {
                // Kill once the stored files pass the fraction of the discovered ones.
                while (true)
                {
                    discovered = await ScalarAsync(connectionString, "SELECT COUNT(*) FROM discovered_files WHERE snapshot_id = @s", started.JobId);
                    var stored = await ScalarAsync(connectionString, "SELECT COUNT(*) FROM snapshot_files WHERE snapshot_id = @s", started.JobId);
                    if (discovered > 0 && stored >= discovered * fraction)
                    {
                        killedAt = stored;
                        break;
                    }

                    await Task.Delay(20);
                }

                var address = await client.Cluster.GetGrain<IManagementGrain>(0).GetActivationAddress(client.Cluster.GetGrain<IIngestionJobGrain>(started.JobId));
                var victim = cluster.BySiloPort(address!.Endpoint.Port)!;
                var clock = Stopwatch.StartNew();
                victim.Process.Kill(entireProcessTree: true);
                await victim.Process.WaitForExitAsync();
                var watchStore = Task.Run(async () =>
                {
                    // Files stored by batches already in flight on survivors do not count: wait for a count above what was stored at the kill plus one batch window.
                    var atKill = await ScalarAsync(connectionString, "SELECT COUNT(*) FROM snapshot_files WHERE snapshot_id = @s", started.JobId);
                    while (await ScalarAsync(connectionString, "SELECT COUNT(*) FROM snapshot_files WHERE snapshot_id = @s", started.JobId) <= atKill)
                    {
                        await Task.Delay(20);
                    }

                    storingAgain = clock.Elapsed;
                });
                while (true)
                {
                    try
                    {
                        await client.GetJobAsync(started.JobId).WaitAsync(TimeSpan.FromSeconds(5));
                        jobBack = clock.Elapsed;
                        break;
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        await Task.Delay(20);
                    }
                }

                await watchStore;
            }

            var view = await client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(100));
            if (view.Status != JobStatus.Completed)
            {
                throw new InvalidOperationException($"ingestion on {silos} silo(s) ended {view.Status}: {view.Error}");
            }

            var parse = view.Nodes.Single(n => n.Id == "parse");
            await host.StopAsync();
            return new Run(
                int.Parse(parse.Result["files_parsed"], CultureInfo.InvariantCulture),
                parse.FinishedAt!.Value - parse.StartedAt!.Value,
                view.FinishedAt!.Value - view.StartedAt!.Value,
                parse.Attempts,
                killedAt,
                jobBack,
                storingAgain);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, string snapshotId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", snapshotId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
