// The ingestion queue's rows, against every store implementation.
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public abstract partial class CodeStoreTests
{
    [Fact]
    public async Task Queue_rows_are_added_listed_in_order_started_and_removed_with_their_history_in_one_go()
    {
        var store = await NewStoreAsync();
        var t0 = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        QueueEntry Entry(string queue, string id, long sequence, int priority = 0, string? branch = null) =>
            new(queue, id, "github.com/o/" + id, "https://github.com/o/" + id, branch, priority, t0.AddSeconds(sequence), sequence, null);

        await store.AddQueueEntriesAsync([Entry("main", "q2", 2, priority: 5, branch: "dev"), Entry("main", "q1", 1), Entry("other", "x1", 1)], Ct);
        await store.AddQueueEntriesAsync([Entry("main", "q3", 3)], Ct);

        // The same job id again (e.g. moving older state twice) leaves the first row as it is.
        await store.AddQueueEntriesAsync([Entry("main", "q1", 99, priority: 7)], Ct);

        var rows = await store.ListQueueEntriesAsync("main", Ct);
        Assert.Equal(["q1", "q2", "q3"], rows.Select(r => r.JobId).ToArray());
        Assert.Equal(Entry("main", "q2", 2, priority: 5, branch: "dev"), rows[1]);
        Assert.Equal(0, rows[0].Priority);
        Assert.Single(await store.ListQueueEntriesAsync("other", Ct));
        Assert.Empty(await store.ListQueueEntriesAsync("nobody", Ct));

        await store.MarkQueueEntryStartedAsync("q1", t0.AddMinutes(1), Ct);
        Assert.Equal(t0.AddMinutes(1), (await store.ListQueueEntriesAsync("main", Ct))[0].StartedAt);

        // Removing with a history record writes both or neither; without one only the row goes.
        await store.RemoveQueueEntryAsync("q2", new JobRecord("q2", "github.com/o/q2", "skipped", t0, t0.AddHours(25), "{\"reason\":\"expired\"}"), Ct);
        await store.RemoveQueueEntryAsync("q1", null, Ct);
        Assert.Equal(["q3"], (await store.ListQueueEntriesAsync("main", Ct)).Select(r => r.JobId).ToArray());
        var history = await store.GetJobAsync("q2", Ct);
        Assert.NotNull(history);
        Assert.Equal("skipped", history.Status);
        Assert.Null(await store.GetJobAsync("q1", Ct));

        // Another store object on the same database sees the same rows (they are the durable copy).
        var other = CreateStore();
        Assert.Equal(["q3"], (await other.ListQueueEntriesAsync("main", Ct)).Select(r => r.JobId).ToArray());
    }
}
