// Where `codeingest search` runs: through a running silo's search grain when there is one (the
// embedded silo another process hosts on --data, or the --cluster's silos), so the index shard
// grains' loaded vectors serve every search; otherwise the caller loads the index in-process.
using CodeIngest.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CodeIngest.Client.Cli;

public static partial class CliApp
{
    /// <summary>The hits from a running silo, or null when no silo runs (the caller searches in-process).</summary>
    private static async Task<IReadOnlyList<SearchHit>?> SearchThroughSiloAsync(
        System.CommandLine.ParseResult parse, string query, SearchFilter filter, int limit, SearchMode mode, CancellationToken ct)
    {
        if (parse.GetValue(ClusterOption) is { Length: > 0 } connectionString)
        {
            if (!await ClusterHasLiveSiloAsync(connectionString, ct))
            {
                return null;
            }

            ClusterConnection connection;
            try
            {
                connection = await ClusterConnection.ConnectAsync(connectionString, LogLevel.Warning, ct);
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"note: {ex.Message} Searching the store from this process instead.");
                return null;
            }

            await using (connection)
            {
                var hits = await connection.Client.SearchCodeAsync(query, filter, limit, mode, ct);
                Console.Error.WriteLine("note: searched through the cluster's silos");
                return hits;
            }
        }

        await using var joined = await EmbeddedCluster.JoinRunningAsync(parse.GetRequiredValue(DataOption), LogLevel.Warning, ct);
        if (joined is null)
        {
            return null;
        }

        var found = await joined.Client.SearchCodeAsync(query, filter, limit, mode, ct);
        Console.Error.WriteLine($"note: searched through the embedded silo of process {joined.HostProcessId}");
        return found;
    }

    /// <summary>Whether the cluster's membership table lists an active silo with a gateway that reported alive in the
    /// last ten minutes (silos write it every five by default): the Orleans client would otherwise wait for a gateway until its connect timeout.</summary>
    private static async Task<bool> ClusterHasLiveSiloAsync(string connectionString, CancellationToken ct)
    {
        var clusterId = new ConfigurationBuilder().AddEnvironmentVariables().Build()["CodeIngest:Cluster:ClusterId"] ?? "codeingest";
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM orleans_membership WHERE deployment_id = @c AND status = 3 AND proxy_port > 0 AND i_am_alive_time > now() - interval '10 minutes')",
                connection);
            command.Parameters.AddWithValue("c", clusterId);
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }
        catch (Exception ex) when (ex is ArgumentException or NpgsqlException or InvalidOperationException)
        {
            // Not a connection string, no server, or no cluster tables: the store read reports what is wrong.
            return false;
        }
    }
}
