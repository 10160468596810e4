using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public sealed class SqliteReminderTableTests : IDisposable
{
    private readonly TempDatabase _db = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _db.Dispose();

    private static ReminderEntry Entry(GrainId grain, string name, int minutes = 5) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc),
        Period = TimeSpan.FromMinutes(minutes),
    };

    [Fact]
    public async Task Upsert_read_and_remove_with_etag()
    {
        var table = new SqliteReminderTable(_db.Path, "svc");
        await table.StartAsync(Ct);
        var grain = GrainId.Create("job", "j1");

        var etag1 = (await table.UpsertRow(Entry(grain, "tick"), Ct))!;
        Assert.False(string.IsNullOrEmpty(etag1));

        var row = await table.ReadRow(grain, "tick", Ct);
        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("tick", row.ReminderName);
        Assert.Equal(new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc), row.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(5), row.Period);
        Assert.Equal(etag1, row.ETag);

        // Upserting again replaces the row and changes its etag.
        var etag2 = (await table.UpsertRow(Entry(grain, "tick", minutes: 7), Ct))!;
        Assert.NotEqual(etag1, etag2);
        Assert.Equal(TimeSpan.FromMinutes(7), (await table.ReadRow(grain, "tick", Ct))!.Period);

        await table.UpsertRow(Entry(grain, "other"), Ct);
        Assert.Equal(["other", "tick"], (await table.ReadRows(grain, Ct)).Reminders.Select(r => r.ReminderName).Order());

        Assert.False(await table.RemoveRow(grain, "tick", etag1, Ct));
        Assert.NotNull(await table.ReadRow(grain, "tick", Ct));
        Assert.True(await table.RemoveRow(grain, "tick", etag2, Ct));
        Assert.Null(await table.ReadRow(grain, "tick", Ct));
        Assert.False(await table.RemoveRow(grain, "tick", etag2, Ct));

        await table.TestOnlyClearTable(Ct);
        Assert.Empty((await table.ReadRows(grain, Ct)).Reminders);
    }

    [Fact]
    public async Task Ring_ranges_are_exclusive_inclusive_and_wrap_around()
    {
        var table = new SqliteReminderTable(_db.Path, "svc");
        await table.Init();
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("job", "g" + i)).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(Entry(grain, "r"), Ct);
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        var begin = hashes[10];
        var end = hashes[30];

        IEnumerable<uint> Read(ReminderTableData data) => data.Reminders.Select(r => r.GrainId.GetUniformHashCode()).Order();

        // (begin, end]: begin excluded, end included.
        Assert.Equal(hashes.Where(h => h > begin && h <= end), Read(await table.ReadRows(begin, end, Ct)));
        Assert.Equal(20, (await table.ReadRows(begin, end, Ct)).Reminders.Count);

        // begin > end wraps: (begin, max] ∪ [0, end].
        Assert.Equal(hashes.Where(h => h > end || h <= begin), Read(await table.ReadRows(end, begin, Ct)));

        // begin == end is the whole ring.
        Assert.Equal(40, (await table.ReadRows(begin, begin, Ct)).Reminders.Count);
        Assert.Equal(40, (await table.ReadRows(0u, 0u, Ct)).Reminders.Count);
        Assert.Equal(40, (await table.ReadRows(0u, uint.MaxValue, Ct)).Reminders.Count);
    }

    [Fact]
    public async Task Service_ids_do_not_see_each_other()
    {
        var a = new SqliteReminderTable(_db.Path, "a");
        var b = new SqliteReminderTable(_db.Path, "b");
        var grain = GrainId.Create("job", "x");
        await a.UpsertRow(Entry(grain, "r"), Ct);

        Assert.Empty((await b.ReadRows(grain, Ct)).Reminders);
        await b.TestOnlyClearTable(Ct);
        Assert.Single((await a.ReadRows(grain, Ct)).Reminders);
    }
}
