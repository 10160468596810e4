namespace CodeIngest.Dag;

/// <summary>One run of a DAG (an ingestion job). Keyed by job id.</summary>
[Alias("codeingest.IIngestionJobGrain")]
public interface IIngestionJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job with the given DAG; starting an already started job returns its status unchanged.</summary>
    [Alias("Start")]
    Task<JobView> StartAsync(DagSpec spec);

    /// <summary>Returns the job's current status.</summary>
    [Alias("GetStatus")]
    Task<JobView> GetStatusAsync();

    /// <summary>Cancels the job: running nodes are asked to stop, pending ones are skipped.</summary>
    [Alias("Cancel")]
    Task<JobView> CancelAsync();

    /// <summary>Makes sure an unfinished job is making progress (after a restart); a no-op otherwise.</summary>
    [Alias("Resume")]
    Task<JobView> ResumeAsync();

    /// <summary>Called by node grains on each transition of a node.</summary>
    [Alias("ReportNode")]
    Task ReportNodeAsync(NodeReport report);

    /// <summary>Returns the job's status once it has finished, or once <paramref name="nodeId"/> (when given) has finished, or after <paramref name="maxWait"/>.</summary>
    [Alias("WaitForFinish"), Orleans.Concurrency.AlwaysInterleave]
    Task<JobView> WaitForFinishAsync(TimeSpan maxWait, string? nodeId = null);
}

/// <summary>One node of one job: runs its step with timeout, retries and backoff. Keyed "{jobId}/{nodeId}".</summary>
[Alias("codeingest.IDagNodeGrain")]
public interface IDagNodeGrain : IGrainWithStringKey
{
    /// <summary>Starts (or, after a restart, continues) the node; returns at once, the outcome is reported to the job.</summary>
    [Alias("Start")]
    Task StartAsync(DagNodeSpec spec, NodeInput input);

    /// <summary>Stops the node's running attempt, if any.</summary>
    [Alias("Cancel")]
    Task CancelAsync();
}
