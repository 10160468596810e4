// The ingestion queue's rows as a step sees them: only a role that may write the store touches them.
using CodeIngest.Storage;

namespace CodeIngest.Dag;

internal sealed partial class GuardedCodeStore
{
    public Task AddQueueEntriesAsync(IReadOnlyList<QueueEntry> entries, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.AddQueueEntriesAsync(entries, cancellationToken);
    }

    public Task<IReadOnlyList<QueueEntry>> ListQueueEntriesAsync(string queue, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.ListQueueEntriesAsync(queue, cancellationToken);
    }

    public Task MarkQueueEntryStartedAsync(string jobId, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.MarkQueueEntryStartedAsync(jobId, startedAt, cancellationToken);
    }

    public Task RemoveQueueEntryAsync(string jobId, JobRecord? history, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.RemoveQueueEntryAsync(jobId, history, cancellationToken);
    }
}
