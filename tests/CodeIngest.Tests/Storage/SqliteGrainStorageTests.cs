using System.Text.Json;
using CodeIngest.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Storage;

public enum ProbeMood
{
    Calm,
    Busy,
}

[GenerateSerializer, Alias("codeingest.tests.ProbeItem")]
public sealed record ProbeItem(
    [property: Id(0)] string Name,
    [property: Id(1)] int[] Numbers,
    [property: Id(2)] ProbeMood Mood,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] TimeSpan Span);

[GenerateSerializer, Alias("codeingest.tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)]
    public ProbeItem? Item { get; set; }

    [Id(1)]
    public List<ProbeItem> Items { get; set; } = [];

    [Id(2)]
    public Dictionary<string, ProbeMood> Moods { get; set; } = [];
}

[Alias("codeingest.tests.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithStringKey
{
    /// <summary>Replaces and persists the state.</summary>
    [Alias("Save")]
    Task SaveAsync(ProbeState value);

    /// <summary>The state as loaded on activation (or last saved).</summary>
    [Alias("Load")]
    Task<ProbeState> LoadAsync();

    /// <summary>Registers a durable reminder.</summary>
    [Alias("Remind")]
    Task RemindAsync();
}

public sealed class StorageProbeGrain(
    [PersistentState(stateName: "probe", storageName: "codeingest")] IPersistentState<ProbeState> state) : Grain, IStorageProbeGrain, IRemindable
{
    public async Task SaveAsync(ProbeState value)
    {
        state.State = value;
        await state.WriteStateAsync();
    }

    public Task<ProbeState> LoadAsync() => Task.FromResult(state.State);

    public Task RemindAsync() => this.RegisterOrUpdateReminder("probe-tick", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempDatabase _db = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _db.Dispose();

    private sealed class JsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input, JsonSerializerOptions.Default);

        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>(JsonSerializerOptions.Default)!;
    }

    private sealed class TestState<T> : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = default!;

        public string? ETag { get; set; }

        public bool RecordExists { get; set; }
    }

    private static ProbeState Sample() => new()
    {
        Item = new ProbeItem("one", [1, 2, 3], ProbeMood.Busy, new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(-3)), TimeSpan.FromMilliseconds(1234.5)),
        Items = [new ProbeItem("two", [], ProbeMood.Calm, DateTimeOffset.UnixEpoch, TimeSpan.Zero)],
        Moods = new() { ["a"] = ProbeMood.Busy, ["b"] = ProbeMood.Calm },
    };

    private static void AssertSame(ProbeState expected, ProbeState actual)
    {
        Assert.Equal(expected.Item!.Name, actual.Item!.Name);
        Assert.Equal(expected.Item.Numbers, actual.Item.Numbers);
        Assert.Equal(expected.Item.Mood, actual.Item.Mood);
        Assert.Equal(expected.Item.At, actual.Item.At);
        Assert.Equal(expected.Item.At.Offset, actual.Item.At.Offset);
        Assert.Equal(expected.Item.Span, actual.Item.Span);
        Assert.Equal(expected.Items.Select(i => i.Name), actual.Items.Select(i => i.Name));
        Assert.Equal(expected.Moods, actual.Moods);
    }

    [Fact]
    public async Task Round_trip_then_etag_conflict_then_clear()
    {
        var storage = new SqliteGrainStorage("codeingest", _db.Path, new JsonSerializer());
        var grain = GrainId.Create("probe", "k1");

        var empty = new TestState<ProbeState>();
        await storage.ReadStateAsync("probe", grain, empty, Ct);
        Assert.False(empty.RecordExists);
        Assert.Null(empty.ETag);

        var writer = new TestState<ProbeState> { State = Sample() };
        await storage.WriteStateAsync("probe", grain, writer, Ct);
        Assert.True(writer.RecordExists);
        Assert.NotNull(writer.ETag);

        var reader = new TestState<ProbeState>();
        await storage.ReadStateAsync("probe", grain, reader, Ct);
        Assert.True(reader.RecordExists);
        Assert.Equal(writer.ETag, reader.ETag);
        AssertSame(Sample(), reader.State);

        // The writer moves on; the reader's etag is now stale.
        writer.State.Moods["c"] = ProbeMood.Busy;
        await storage.WriteStateAsync("probe", grain, writer, Ct);
        Assert.NotEqual(reader.ETag, writer.ETag);
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grain, reader, Ct));
        Assert.Equal(writer.ETag, conflict.StoredEtag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("probe", grain, reader, Ct));

        // A second "first write" (null etag) loses against the existing row.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grain, new TestState<ProbeState> { State = Sample() }, Ct));

        // Other state names, grains and providers are separate rows.
        var other = new TestState<ProbeState> { State = new ProbeState() };
        await new SqliteGrainStorage("other", _db.Path, new JsonSerializer()).WriteStateAsync("probe", grain, other, Ct);
        await storage.WriteStateAsync("probe2", grain, new TestState<ProbeState> { State = new ProbeState() }, Ct);

        await storage.ClearStateAsync("probe", grain, writer, Ct);
        Assert.Null(writer.ETag);
        Assert.False(writer.RecordExists);
        var afterClear = new TestState<ProbeState>();
        await storage.ReadStateAsync("probe", grain, afterClear, Ct);
        Assert.False(afterClear.RecordExists);

        // After a clear, a write with the reset (null) etag succeeds.
        await storage.WriteStateAsync("probe", grain, writer, Ct);
        Assert.True(writer.RecordExists);
    }

    [Fact]
    public async Task Silo_uses_sqlite_grain_storage_and_reminders()
    {
        var builder = new InProcessTestClusterBuilder(1);
        var path = _db.Path;
        builder.ConfigureSilo((_, silo) => silo.AddSqliteGrainStorage("codeingest", path).UseSqliteReminderService(path));
        await using var cluster = builder.Build();
        await cluster.DeployAsync(Ct);

        var grain = cluster.Client.GetGrain<IStorageProbeGrain>("probe-" + Guid.NewGuid().ToString("N"));
        await grain.SaveAsync(Sample());
        await grain.RemindAsync();
        await cluster.DeactivateAsync(grain);

        // Reactivated from the SQLite file with Orleans' default grain storage serializer.
        AssertSame(Sample(), await grain.LoadAsync());

        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM grain_state WHERE provider = 'codeingest' AND state_name = 'probe'";
            Assert.Equal(1L, await command.ExecuteScalarAsync(Ct));
        }

        var serviceId = cluster.Silos[0].ServiceProvider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        var reminders = await new SqliteReminderTable(path, serviceId).ReadRows(grain.GetGrainId(), Ct);
        Assert.Equal("probe-tick", Assert.Single(reminders.Reminders).ReminderName);
    }
}
