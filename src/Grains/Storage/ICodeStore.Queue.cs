// The ingestion queue's rows: every accepted job is one row from the moment it is accepted until it
// finishes (or is skipped or cancelled), so an accepted job survives a crash and each change is one
// small statement instead of a rewrite of the whole queue.
namespace CodeIngest.Storage;

/// <summary>A job the ingestion queue holds: waiting (<see cref="StartedAt"/> null) or started and followed.</summary>
public sealed record QueueEntry(
    string Queue,
    string JobId,
    string Repo,
    string Url,
    string? Branch,
    int Priority,
    DateTimeOffset EnqueuedAt,
    long Sequence,
    DateTimeOffset? StartedAt);

public partial interface ICodeStore
{
    /// <summary>Adds queue rows in one transaction (one INSERT each); a row whose job id exists already is left as it is.</summary>
    Task AddQueueEntriesAsync(IReadOnlyList<QueueEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Every row of one queue, in the order they were accepted.</summary>
    Task<IReadOnlyList<QueueEntry>> ListQueueEntriesAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Records that the queue started the job.</summary>
    Task MarkQueueEntryStartedAsync(string jobId, DateTimeOffset startedAt, CancellationToken cancellationToken = default);

    /// <summary>Removes a job's queue row and, when given, writes its history record, in one transaction.</summary>
    Task RemoveQueueEntryAsync(string jobId, JobRecord? history, CancellationToken cancellationToken = default);
}
