// Wire contracts of the DAG engine: what a job is made of and what its status looks like.
// Record parameters are positional wire ids: append, never reorder.
namespace CodeIngest.Dag;

/// <summary>The role a DAG step acts under; it decides which capabilities the step's toolkit grants.</summary>
[GenerateSerializer, Alias("codeingest.Role")]
public enum Role
{
    Researcher,
    Coder,
    Critic,
    Admin,
}

/// <summary>Something a step may ask its toolkit to do. Each role is granted a fixed subset.</summary>
[GenerateSerializer, Alias("codeingest.Capability")]
public enum Capability
{
    /// <summary>git clone/fetch of the job's repository.</summary>
    GitClone,
    /// <summary>HTTP(S) requests beyond the clone remote.</summary>
    HttpFetch,
    /// <summary>Read files of the job's workspace (the cloned or local tree).</summary>
    ReadWorkspace,
    /// <summary>Read the code store.</summary>
    ReadStore,
    /// <summary>Write the step's own staged results (files, symbols of the job's snapshot) to the code store.</summary>
    WriteOwnResults,
    /// <summary>Write anywhere in the code store: indexes, publishing a snapshot.</summary>
    WriteStore,
    /// <summary>Write report files (quality reports).</summary>
    WriteReport,
    /// <summary>Write to the step's scratch directory.</summary>
    WriteScratch,
    /// <summary>Run a model (embedding inference).</summary>
    RunModel,
    /// <summary>Send notifications.</summary>
    Notify,
    /// <summary>Fan work out to other grains (parse batches).</summary>
    FanOut,
}

/// <summary>Exponential backoff: attempt n (1-based) waits InitialDelay * Multiplier^(n-2), capped, with ± Jitter fraction.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.RetryPolicy")]
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialDelay, double Multiplier, TimeSpan MaxDelay, double Jitter)
{
    public static RetryPolicy None { get; } = new(1, TimeSpan.Zero, 1, TimeSpan.Zero, 0);

    public static RetryPolicy Default { get; } = new(3, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(30), 0.2);

    /// <summary>The delay before the given attempt (2 = first retry); <paramref name="unitRandom"/> is in [0, 1).</summary>
    public TimeSpan DelayBefore(int attempt, double unitRandom)
    {
        if (attempt <= 1)
        {
            return TimeSpan.Zero;
        }

        var baseMs = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, attempt - 2);
        baseMs = Math.Min(baseMs, MaxDelay.TotalMilliseconds);
        var jittered = baseMs * (1 + (Jitter * ((2 * unitRandom) - 1)));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, 0, MaxDelay.TotalMilliseconds));
    }
}

/// <summary>One node of a DAG: which step runs, under which role, after which nodes, with which limits.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.DagNodeSpec")]
public sealed record DagNodeSpec(
    string Id,
    string Step,
    Role Role,
    string[] DependsOn,
    RetryPolicy Retry,
    TimeSpan Timeout,
    Dictionary<string, string> Parameters);

/// <summary>A whole DAG: its nodes, the job's overall timeout and parameters every step sees.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.DagSpec")]
public sealed record DagSpec(
    string Name,
    DagNodeSpec[] Nodes,
    TimeSpan JobTimeout,
    Dictionary<string, string> Parameters);

[GenerateSerializer, Alias("codeingest.NodeStatus")]
public enum NodeStatus
{
    Pending,
    Running,
    Retrying,
    Completed,
    Failed,
    Skipped,
}

[GenerateSerializer, Alias("codeingest.JobStatus")]
public enum JobStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
    Skipped,
}

/// <summary>The observable state of one node in a job.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.NodeView")]
public sealed record NodeView(
    string Id,
    string Step,
    Role Role,
    NodeStatus Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    Dictionary<string, string> Result,
    double Progress,
    string? Message);

/// <summary>The observable state of a job: progress, current stage and every node.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.JobView")]
public sealed record JobView(
    string JobId,
    string Name,
    JobStatus Status,
    double ProgressPercent,
    string? CurrentStage,
    NodeView[] Nodes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    Dictionary<string, string> Parameters)
{
    public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.Skipped;
}

/// <summary>What a node grain tells its job about a transition.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.NodeReport")]
public sealed record NodeReport(
    string NodeId,
    NodeStatus Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    Dictionary<string, string> Result,
    double Progress,
    string? Message);

/// <summary>What a node needs to run: the job's parameters and the outputs of the nodes it depends on.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.NodeInput")]
public sealed record NodeInput(
    string JobId,
    Dictionary<string, string> JobParameters,
    Dictionary<string, Dictionary<string, string>> DependencyOutputs);
