using System.Net;
using System.Net.Sockets;
using CodeIngest.Hosting;
using CodeIngest.Storage;
using CodeIngest.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Xunit;

namespace CodeIngest.Tests.Storage;

[Alias("codeingest.tests.IPgProbeGrain")]
public interface IPgProbeGrain : IGrainWithStringKey
{
    [Alias("Save")]
    Task SaveAsync(string value);

    [Alias("Load")]
    Task<string?> LoadAsync();

    [Alias("Clear")]
    Task ClearAsync();

    [Alias("Remind")]
    Task<string> RemindAsync();

    [Alias("Forget")]
    Task ForgetAsync();

    [Alias("Deactivate")]
    Task DeactivateAsync();
}

[GenerateSerializer, Alias("codeingest.tests.PgProbeState")]
public sealed class PgProbeState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public List<int> Numbers { get; set; } = [];
}

public sealed class PgProbeGrain(
    [PersistentState(stateName: "pgprobe", storageName: CodeIngestSiloExtensions.StorageName)] IPersistentState<PgProbeState> state) : Grain, IPgProbeGrain, IRemindable
{
    public async Task SaveAsync(string value)
    {
        state.State.Value = value;
        state.State.Numbers.Add(value.Length);
        await state.WriteStateAsync();
    }

    public Task<string?> LoadAsync() => Task.FromResult(state.State.Value);

    public Task ClearAsync() => state.ClearStateAsync();

    public async Task<string> RemindAsync() => (await this.RegisterOrUpdateReminder("pg-tick", TimeSpan.FromHours(1), TimeSpan.FromMinutes(10))).ReminderName;

    public async Task ForgetAsync()
    {
        if (await this.GetReminder("pg-tick") is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

/// <summary>The migrations against a real PostgreSQL server, and Orleans' ADO.NET providers running on the queries they install.</summary>
public sealed class PostgresClusterTests : IDisposable
{
    private readonly TempSchema _schema = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _schema.Dispose();

    [Fact]
    public async Task Migrations_apply_once_and_are_recorded()
    {
        var first = await PostgresMigrations.ApplyAsync(_schema.ConnectionString, Ct);
        Assert.Equal(PostgresMigrations.All.Select(m => m.Version), first.Select(m => m.Version));

        var second = await PostgresMigrations.ApplyAsync(_schema.ConnectionString, Ct);
        Assert.Empty(second);

        // Migrating through the store is the same, and also a no-op now.
        using (var store = new PostgresCodeStore(_schema.ConnectionString))
        {
            await store.InitializeAsync(Ct);
        }

        Assert.Equal(PostgresMigrations.All.Count, await ScalarAsync<long>("SELECT COUNT(*) FROM codeingest_schema_version"));
        var keys = await QueryKeysAsync();
        foreach (var key in new[]
                 {
                     "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey", "UpdateMembershipKey",
                     "UpdateIAmAlivetimeKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
                     "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey",
                     "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey",
                 })
        {
            Assert.Contains(key, keys);
        }
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_migration_once()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresMigrations.ApplyAsync(_schema.ConnectionString, Ct), Ct)));

        Assert.Equal(PostgresMigrations.All.Count, results.Sum(r => r.Count));
        Assert.Equal(PostgresMigrations.All.Count, await ScalarAsync<long>("SELECT COUNT(*) FROM codeingest_schema_version"));
    }

    [Fact]
    public async Task Two_silos_run_on_the_ado_net_providers_with_our_queries()
    {
        await PostgresMigrations.ApplyAsync(_schema.ConnectionString, Ct);
        await PostgresMigrations.ApplyAsync(_schema.ConnectionString, Ct);
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];

        using var silo1 = await StartSiloAsync(clusterId);
        using var silo2 = await StartSiloAsync(clusterId);
        try
        {
            Assert.IsType<PostgresCodeStore>(silo1.Services.GetRequiredService<ICodeStore>());

            // Membership: both silos wrote their rows and went active.
            await WaitForAsync(async () => await ScalarAsync<long>($"SELECT COUNT(*) FROM orleans_membership WHERE deployment_id = '{clusterId}' AND status = 3") == 2);
            Assert.True(await ScalarAsync<int>($"SELECT version FROM orleans_membership_version WHERE deployment_id = '{clusterId}'") >= 2);

            // Grain state round-trips through WriteToStorageKey / ReadFromStorageKey, across a deactivation.
            var grains = silo1.Services.GetRequiredService<IGrainFactory>();
            var grain = grains.GetGrain<IPgProbeGrain>("probe-" + Guid.NewGuid().ToString("N"));
            await grain.SaveAsync("first");
            await grain.SaveAsync("grüße, second");
            await grain.DeactivateAsync();
            await Task.Delay(200, Ct);
            Assert.Equal("grüße, second", await grain.LoadAsync());
            Assert.Equal(2, await ScalarAsync<int>("SELECT version FROM orleans_grain_state WHERE grain_type = 'pgprobe'"));

            // The other silo's view of the same grain is the same state (one activation, one row).
            Assert.Equal("grüße, second", await silo2.Services.GetRequiredService<IGrainFactory>().GetGrain<IPgProbeGrain>(grain.GetPrimaryKeyString()).LoadAsync());

            // ClearStorageKey, then a write after the clear.
            await grain.ClearAsync();
            await grain.DeactivateAsync();
            await Task.Delay(200, Ct);
            Assert.Null(await grain.LoadAsync());
            await grain.SaveAsync("third");
            Assert.Equal("third", await grain.LoadAsync());

            // Reminders: UpsertReminderRowKey, read back by the reminder service, DeleteReminderRowKey.
            Assert.Equal("pg-tick", await grain.RemindAsync());
            Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM orleans_reminders WHERE reminder_name = 'pg-tick'"));
            Assert.Equal("pg-tick", await grain.RemindAsync());
            Assert.Equal(1, await ScalarAsync<int>("SELECT version FROM orleans_reminders WHERE reminder_name = 'pg-tick'"));
            await grain.ForgetAsync();
            Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM orleans_reminders WHERE reminder_name = 'pg-tick'"));
        }
        finally
        {
            await silo2.StopAsync(CancellationToken.None);
            await silo1.StopAsync(CancellationToken.None);
        }

        // A graceful shutdown marks both silos dead (UpdateMembershipKey).
        Assert.Equal(2L, await ScalarAsync<long>($"SELECT COUNT(*) FROM orleans_membership WHERE deployment_id = '{clusterId}' AND status = 6"));

        // The defunct-silo clean-up queries (the providers call them hourly by default), with parameters bound the way the
        // provider binds them: timestamps as DbType.DateTime in UTC, the address as an ANSI string, null suspect times.
        await using var connection = new NpgsqlConnection(PostgresConnection.Normalize(_schema.ConnectionString));
        await connection.OpenAsync(Ct);
        string address;
        int port, generation;
        await using (var row = new NpgsqlCommand($"SELECT address, port, generation FROM orleans_membership WHERE deployment_id = '{clusterId}' LIMIT 1", connection))
        await using (var reader = await row.ExecuteReaderAsync(Ct))
        {
            Assert.True(await reader.ReadAsync(Ct));
            (address, port, generation) = (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
        }

        await using (var one = new NpgsqlCommand(await QueryTextAsync("CleanupDefunctSiloEntryKey"), connection))
        {
            one.Parameters.Add(new NpgsqlParameter("DeploymentId", clusterId));
            one.Parameters.Add(new NpgsqlParameter("Address", System.Data.DbType.AnsiString) { Value = address });
            one.Parameters.Add(new NpgsqlParameter("Port", port));
            one.Parameters.Add(new NpgsqlParameter("Generation", generation));
            one.Parameters.Add(new NpgsqlParameter("SuspectTimes", DBNull.Value));
            one.Parameters.Add(new NpgsqlParameter("StartTime", System.Data.DbType.DateTime) { Value = DateTime.UtcNow });
            one.Parameters.Add(new NpgsqlParameter("IAmAliveTime", System.Data.DbType.DateTime) { Value = DateTime.UtcNow });
            Assert.Equal(1, await one.ExecuteNonQueryAsync(Ct));
        }

        await using (var all = new NpgsqlCommand(await QueryTextAsync("CleanupDefunctSiloEntriesKey"), connection))
        {
            all.Parameters.Add(new NpgsqlParameter("DeploymentId", clusterId));
            all.Parameters.Add(new NpgsqlParameter("IAmAliveTime", DateTime.UtcNow.AddMinutes(1)));
            Assert.Equal(1, await all.ExecuteNonQueryAsync(Ct));
        }
    }

    private async Task<string> QueryTextAsync(string key)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @k", connection);
        command.Parameters.AddWithValue("k", key);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task<IHost> StartSiloAsync(string clusterId)
    {
        var connectionString = _schema.ConnectionString;
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo => silo
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = "codeingest-tests";
                })
                .ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort())
                .UseCodeIngestAdoNetClustering(connectionString)
                .AddCodeIngestCluster(connectionString))
            .Build();
        await host.StartAsync(Ct);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(200, Ct);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task<HashSet<string>> QueryKeysAsync()
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Ct))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}

/// <summary>`codeingest migrate` as users run it: a separate process against the test server.</summary>
public sealed class MigrateCliTests : IDisposable
{
    private readonly TempSchema _schema = new();

    public void Dispose() => _schema.Dispose();

    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => CodeIngest.Tests.Cli.CliProcess.RunAsync(args);

    [Fact]
    public async Task Migrate_prints_what_it_applied_and_then_nothing()
    {
        var first = await RunAsync("migrate", "--cluster", _schema.ConnectionString);
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("applied 1: code store", first.Out);
        Assert.Contains("applied 4: orleans reminders", first.Out);

        var second = await RunAsync("migrate", "--cluster", _schema.ConnectionString, "--json");
        Assert.True(second.Code == 0, second.Err);
        using var json = System.Text.Json.JsonDocument.Parse(second.Out);
        Assert.Equal(PostgresMigrations.LatestVersion, json.RootElement.GetProperty("schema_version").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("applied").GetArrayLength());
    }

    [Fact]
    public async Task Migrate_against_an_unreachable_server_names_it_and_hides_the_password()
    {
        var result = await RunAsync("migrate", "--cluster", "Host=127.0.0.1;Port=1;Username=u;Password=hunter2-secret;Database=d;Timeout=3");

        Assert.Equal(1, result.Code);
        Assert.Contains("127.0.0.1:1", result.Err);
        Assert.DoesNotContain("hunter2-secret", result.Err);
    }
}

/// <summary>Read-only CLI commands on a cluster's PostgreSQL store (`--cluster`).</summary>
public sealed class ClusterReadCliTests : IDisposable
{
    private readonly TempSchema _schema = new();

    public void Dispose() => _schema.Dispose();

    [Fact]
    public async Task Symbols_search_and_repos_read_the_postgres_store()
    {
        await PostgresMigrations.ApplyAsync(_schema.ConnectionString, TestContext.Current.CancellationToken);
        var store = new PostgresCodeStore(_schema.ConnectionString);
        var ct = TestContext.Current.CancellationToken;
        var text = "def cluster_only_function():\n    return 42\n";
        await store.BeginSnapshotAsync(new SnapshotInfo("snap-1", "github.com/acme/cluster", "https://github.com/acme/cluster", "main", "abc123", DateTimeOffset.UtcNow), ct);
        await store.SaveParsedFilesAsync("snap-1", [new ParsedFileContent(new CodeIngest.Parsing.ParsedFile("lib/cluster.py", "python", 2, [new CodeIngest.Parsing.Definition("cluster_only_function", "function", 1, 2, 0, text.Length - 1)], null), System.Text.Encoding.UTF8.GetBytes(text))], ct);
        await store.SaveChunksAsync("snap-1", [new CodeChunk("lib/cluster.py", "python", "cluster_only_function", "function", 1, 2, text)], ct);
        await store.PublishSnapshotAsync("snap-1", new SnapshotStats(1, 0, 1, 1, new() { ["python"] = 1 }), ct);

        var symbols = await RunCliAsync("symbols", "cluster_only_function", "--cluster", _schema.ConnectionString, "--json");
        Assert.True(symbols.Code == 0, symbols.Err);
        Assert.Contains("\"path\": \"lib/cluster.py\"", symbols.Out);
        Assert.Contains("\"start_line\": 1", symbols.Out);

        var search = await RunCliAsync("search", "cluster only", "--cluster", _schema.ConnectionString, "--json");
        Assert.True(search.Code == 0, search.Err);
        Assert.Contains("\"symbol\": \"cluster_only_function\"", search.Out);

        var repos = await RunCliAsync("repos", "--cluster", _schema.ConnectionString, "--json");
        Assert.Contains("\"repo\": \"github.com/acme/cluster\"", repos.Out);

        // No silo of the cluster is up: ingest says so, instead of hanging or printing a stack trace.
        var ingest = await CodeIngest.Tests.Cli.CliProcess.RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["CodeIngest__Cluster__ClusterId"] = "nobody-" + Guid.NewGuid().ToString("N")[..8] },
            "ingest", "/tmp", "--cluster", _schema.ConnectionString);
        Assert.Equal(1, ingest.Code);
        Assert.Contains("no silo of cluster 'nobody-", ingest.Err);
        Assert.DoesNotContain("   at ", ingest.Err);
    }

    private static Task<(int Code, string Out, string Err)> RunCliAsync(params string[] args) => CodeIngest.Tests.Cli.CliProcess.RunAsync(args);
}
