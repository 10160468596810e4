// `codeingest migrate --cluster "<connection string>"`: creates or upgrades the PostgreSQL database of
// cluster mode (code store + the tables and stored queries of Orleans' ADO.NET clustering, persistence
// and reminder providers). Versioned and idempotent: a second run applies nothing.
using System.CommandLine;
using System.Text.Json;
using CodeIngest.Storage;
using CodeIngest.Storage.Postgres;

namespace CodeIngest.Client.Cli;

internal static class MigrateCli
{
    /// <param name="cluster">The global --cluster option (PostgreSQL connection string).</param>
    /// <param name="json">The global --json option.</param>
    public static Command Create(Option<string?> cluster, Option<bool> json)
    {
        var command = new Command("migrate", "Create or upgrade the PostgreSQL schema of cluster mode (code store, Orleans clustering, grain state, reminders); needs --cluster");
        command.SetAction(async (parse, ct) =>
        {
            var connectionString = parse.GetValue(cluster);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                Console.Error.WriteLine("error: migrate needs the PostgreSQL connection string: --cluster \"Host=…;Port=…;Username=…;Password=…;Database=…\" (or CODEINGEST_CLUSTER)");
                return 2;
            }

            IReadOnlyList<PostgresMigration> applied;
            try
            {
                applied = await PostgresMigrations.ApplyAsync(connectionString, ct);
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 2;
            }
            catch (StoreUnavailableException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 1;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(
                    new { SchemaVersion = PostgresMigrations.LatestVersion, Applied = applied.Select(m => new { m.Version, m.Name }) },
                    CliApp.Json));
                return 0;
            }

            foreach (var migration in applied)
            {
                Console.WriteLine($"applied {migration.Version}: {migration.Name}");
            }

            Console.WriteLine(applied.Count == 0
                ? $"up to date: schema version {PostgresMigrations.LatestVersion}, nothing to apply"
                : $"schema version {PostgresMigrations.LatestVersion} ({applied.Count} migration(s) applied)");
            return 0;
        });
        return command;
    }
}
