namespace CodeIngest.Queue;

/// <summary>The bounded ingestion queue: job ids, priorities, TTL, dispatch under a concurrency limit. Singleton, key <see cref="DefaultKey"/>.</summary>
[Alias("codeingest.IIngestionQueueGrain")]
public interface IIngestionQueueGrain : IGrainWithStringKey
{
    /// <summary>The key of the one queue.</summary>
    public const string DefaultKey = "default";

    /// <summary>Queues an ingestion of <paramref name="url"/> (already validated); refuses with the cap when MaxPending jobs wait.</summary>
    [Alias("Enqueue"), Orleans.Concurrency.AlwaysInterleave]
    Task<EnqueueResult> EnqueueAsync(string url, string? branch, int priority);

    /// <summary>Where a job stands in the queue.</summary>
    [Alias("GetJob")]
    Task<QueueJobInfo> GetJobAsync(string jobId);

    /// <summary>Cancels a queued job (it never starts) or a running one (its DAG is cancelled).</summary>
    [Alias("Cancel")]
    Task<CancelOutcome> CancelAsync(string jobId);

    /// <summary>The worker's status and the queue's counts.</summary>
    [Alias("GetWorkerStatus")]
    Task<WorkerStatus> GetWorkerStatusAsync();
}
