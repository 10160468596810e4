// Wire contracts of the ingestion queue. Record parameters are positional wire ids: append, never reorder.
namespace CodeIngest.Queue;

/// <summary>Why an enqueue was refused.</summary>
[GenerateSerializer, Alias("codeingest.EnqueueRejection")]
public enum EnqueueRejection
{
    None,

    /// <summary>MaxPending jobs are already waiting.</summary>
    QueueFull,

    /// <summary>The store cannot be written; nothing was queued.</summary>
    StoreUnavailable,
}

/// <summary>What enqueuing answered: the new job and where it stands, or a rejection with the cap.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.EnqueueResult")]
public sealed record EnqueueResult(
    EnqueueRejection Rejection,
    string? JobId,
    int QueuePosition,
    int QueueSize,
    int MaxQueueSize,
    string? Detail)
{
    public bool Accepted => Rejection == EnqueueRejection.None;
}

/// <summary>A job waiting for its turn.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.QueuedJob")]
public sealed record QueuedJob(
    string JobId,
    string Repo,
    string Url,
    string? Branch,
    int Priority,
    DateTimeOffset EnqueuedAt,
    long Sequence);

/// <summary>A job the queue started and still follows.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.RunningJob")]
public sealed record RunningJob(string JobId, string Repo, DateTimeOffset StartedAt);

/// <summary>Where a job stands from the queue's point of view.</summary>
[GenerateSerializer, Alias("codeingest.QueueJobState")]
public enum QueueJobState
{
    /// <summary>The queue does not know the job (never queued here, or finished and forgotten).</summary>
    Unknown,
    Queued,
    Running,
}

/// <summary>A job's place in the queue; Position is 1-based among pending jobs (0 when not pending).</summary>
[GenerateSerializer, Immutable, Alias("codeingest.QueueJobInfo")]
public sealed record QueueJobInfo(QueueJobState State, int Position, QueuedJob? Queued);

/// <summary>What cancelling did.</summary>
[GenerateSerializer, Alias("codeingest.CancelOutcome")]
public enum CancelOutcome
{
    NotFound,
    CancelledQueued,
    CancelledRunning,
    AlreadyFinished,
}

/// <summary>The worker's state: "Idle", "Ingesting &lt;repo&gt;" or "Error: …", with the queue's counts and limits.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.WorkerStatus")]
public sealed record WorkerStatus(
    string Status,
    string[] Ingesting,
    int Pending,
    int Running,
    int MaxPending,
    int MaxConcurrent,
    string? LastError);
