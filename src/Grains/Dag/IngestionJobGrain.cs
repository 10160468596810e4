// One run of a DAG. Dispatches nodes whose dependencies completed, folds node reports into the
// job's view, persists after every transition (grain state + the job history in the code
// store) and keeps an unfinished job moving after a crash: a reminder (and every activation)
// re-asks unfinished nodes, which continue from their persisted attempt count.
using System.Text.Json;
using System.Text.Json.Serialization;
using CodeIngest.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeIngest.Dag;

[GenerateSerializer, Alias("codeingest.IngestionJobState")]
public sealed class IngestionJobState
{
    [Id(0)] public DagSpec? Spec { get; set; }

    [Id(1)] public JobStatus Status { get; set; }

    [Id(2)] public Dictionary<string, NodeView> Nodes { get; set; } = [];

    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    [Id(4)] public DateTimeOffset? StartedAt { get; set; }

    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(6)] public string? Error { get; set; }
}

/// <summary>Tunables of the DAG engine.</summary>
public sealed class DagEngineOptions
{
    /// <summary>How often an unfinished job is checked (reminder period; Orleans enforces its own minimum).</summary>
    public TimeSpan ResumeCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

// Random placement spreads jobs and their nodes over the cluster's silos.
[Orleans.Placement.RandomPlacement]
public sealed partial class IngestionJobGrain(
    [PersistentState("job", "codeingest")] IPersistentState<IngestionJobState> state,
    ICodeStore store,
    DagStepRegistry steps,
    IOptions<DagEngineOptions> options,
    ILogger<IngestionJobGrain> logger) : Grain, IIngestionJobGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private IGrainTimer? _timeoutTimer;

    // Callers waiting for the job (or one of its nodes) to finish: completed on every transition that could satisfy them.
    private readonly List<(string? NodeId, TaskCompletionSource Done)> _waiters = [];

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not null && !IsFinished)
        {
            // Activated after a restart (or after idle collection): pick up where the job was.
            this.RegisterGrainTimer(static (grain, _) => grain.ResumeCoreAsync(), this, new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan));
            ArmTimeoutTimer();
        }

        return Task.CompletedTask;
    }

    public async Task<JobView> StartAsync(DagSpec spec)
    {
        if (state.State.Spec is not null)
        {
            return View();
        }

        var problems = DagValidation.Validate(spec, steps.Names);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"invalid DAG '{spec.Name}': {string.Join("; ", problems)}", nameof(spec));
        }

        var now = DateTimeOffset.UtcNow;
        var s = state.State;
        s.Spec = spec;
        s.Status = JobStatus.Running;
        s.CreatedAt = now;
        s.StartedAt = now;
        s.Nodes = spec.Nodes.ToDictionary(
            n => n.Id,
            n => new NodeView(n.Id, n.Step, n.Role, NodeStatus.Pending, 0, null, null, null, [], 0, null),
            StringComparer.Ordinal);
        // One write records the start and the first nodes' dispatch (the nodes persist their own attempts).
        var ready = MarkReadyNodesRunning();
        await PersistAsync();
        ArmTimeoutTimer();
        Log.JobStarted(logger, JobId, spec.Name, spec.Nodes.Length);

        // The resume reminder is registered while the first nodes start (both only after the state is durable).
        await Task.WhenAll(ready.Select(n => StartNodeAsync(n.Id)).Append(this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumeCheckPeriod, options.Value.ResumeCheckPeriod)));
        return View();
    }

    public Task<JobView> GetStatusAsync() => Task.FromResult(View());

    public async Task<JobView> WaitForFinishAsync(TimeSpan maxWait, string? nodeId = null)
    {
        if (!IsWaitOver(nodeId))
        {
            var waiter = (nodeId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
            try
            {
                await waiter.Item2.Task.WaitAsync(maxWait);
            }
            catch (TimeoutException)
            {
            }
            finally
            {
                _waiters.Remove(waiter);
            }
        }

        return View();
    }

    private bool IsWaitOver(string? nodeId) =>
        state.State.Spec is null || IsFinished
        || (nodeId is not null && state.State.Nodes.TryGetValue(nodeId, out var node) && node.Status is NodeStatus.Completed or NodeStatus.Failed or NodeStatus.Skipped);

    private void ReleaseWaiters()
    {
        foreach (var (nodeId, done) in _waiters.ToList())
        {
            if (IsWaitOver(nodeId))
            {
                done.TrySetResult();
            }
        }
    }

    public async Task<JobView> CancelAsync()
    {
        if (state.State.Spec is null || IsFinished)
        {
            return View();
        }

        await FinishAsync(JobStatus.Cancelled, "cancelled by request");
        return View();
    }

    public async Task<JobView> ResumeAsync()
    {
        await ResumeCoreAsync();
        return View();
    }

    public async Task ReportNodeAsync(NodeReport report)
    {
        var s = state.State;
        if (s.Spec is null || !s.Nodes.TryGetValue(report.NodeId, out var node))
        {
            return;
        }

        if (IsFinished || node.Status is NodeStatus.Completed or NodeStatus.Failed or NodeStatus.Skipped)
        {
            return;
        }

        var updated = node with
        {
            Status = report.Status,
            Attempts = report.Attempts,
            StartedAt = report.StartedAt ?? node.StartedAt,
            FinishedAt = report.FinishedAt,
            Error = report.Error,
            Result = report.Result.Count > 0 || report.Status == NodeStatus.Completed ? report.Result : node.Result,
            Progress = report.Progress,
            Message = report.Message ?? (report.Status == node.Status ? node.Message : null),
        };
        s.Nodes[report.NodeId] = updated;

        // A progress report of the same attempt is not a transition, and neither is the first attempt of a node the job
        // already recorded as running when it dispatched it (the node persists its own attempt count): memory only.
        if (report.Status == NodeStatus.Running && ((node.Status == NodeStatus.Running && report.Attempts == node.Attempts) || (node.Attempts == 0 && report.Attempts <= 1)))
        {
            return;
        }

        Log.NodeTransition(logger, JobId, report.NodeId, report.Status, report.Attempts, report.Error);
        switch (report.Status)
        {
            case NodeStatus.Completed:
                if (s.Nodes.Values.All(n => n.Status == NodeStatus.Completed))
                {
                    await FinishAsync(JobStatus.Completed, null);
                }
                else
                {
                    // One write records the completion and the dispatch of the nodes it unblocked.
                    var ready = MarkReadyNodesRunning();
                    await PersistAsync();
                    ReleaseWaiters();
                    await Task.WhenAll(ready.Select(n => StartNodeAsync(n.Id)));
                }

                break;
            case NodeStatus.Failed:
                await FinishAsync(JobStatus.Failed, $"stage '{report.NodeId}' failed: {report.Error}");
                break;
            default:
                await PersistAsync();
                break;
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Spec is null || IsFinished)
        {
            await UnregisterResumeReminderAsync();
            return;
        }

        await ResumeCoreAsync();
    }

    private bool IsFinished => state.State.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.Skipped;

    private async Task ResumeCoreAsync()
    {
        var s = state.State;
        if (s.Spec is null || IsFinished)
        {
            return;
        }

        if (await CheckJobTimeoutAsync())
        {
            return;
        }

        // Nodes that were running may have lost their activation: StartAsync is a no-op for a live
        // one, continues a dead one from its persisted attempts, and re-reports a finished one.
        var unfinished = s.Nodes.Values.Where(n => n.Status is NodeStatus.Running or NodeStatus.Retrying).Select(n => n.Id).ToList();
        await Task.WhenAll(unfinished.Select(StartNodeAsync));
        await DispatchReadyNodesAsync();
    }

    private async Task DispatchReadyNodesAsync()
    {
        var ready = MarkReadyNodesRunning();
        if (ready.Count == 0)
        {
            return;
        }

        await PersistAsync();
        await Task.WhenAll(ready.Select(n => StartNodeAsync(n.Id)));
    }

    // Marks the pending nodes whose dependencies completed as running (in memory; the caller persists, then starts them).
    private List<DagNodeSpec> MarkReadyNodesRunning()
    {
        var s = state.State;
        if (IsFinished)
        {
            return [];
        }

        var ready = s.Spec!.Nodes
            .Where(n => s.Nodes[n.Id].Status == NodeStatus.Pending && n.DependsOn.All(d => s.Nodes[d].Status == NodeStatus.Completed))
            .ToList();
        var now = DateTimeOffset.UtcNow;
        foreach (var node in ready)
        {
            s.Nodes[node.Id] = s.Nodes[node.Id] with { Status = NodeStatus.Running, StartedAt = now };
        }

        return ready;
    }

    private async Task StartNodeAsync(string nodeId)
    {
        var s = state.State;
        var spec = s.Spec!.Nodes.First(n => n.Id == nodeId);
        var dependencyOutputs = spec.DependsOn.ToDictionary(d => d, d => s.Nodes[d].Result, StringComparer.Ordinal);
        var input = new NodeInput(JobId, s.Spec.Parameters, dependencyOutputs);
        try
        {
            await GrainFactory.GetGrain<IDagNodeGrain>($"{JobId}/{nodeId}").StartAsync(spec, input);
        }
        catch (Exception ex)
        {
            // The node stays "running" here; the next resume check asks it again.
            Log.NodeStartFailed(logger, JobId, nodeId, ex.Message);
        }
    }

    private async Task<bool> CheckJobTimeoutAsync()
    {
        var s = state.State;
        if (s.StartedAt is { } started && DateTimeOffset.UtcNow - started > s.Spec!.JobTimeout)
        {
            await FinishAsync(JobStatus.Failed, $"job timed out after {DagNodeGrain.FormatDuration(s.Spec.JobTimeout)} (stage '{CurrentStage() ?? "none"}' was running)");
            return true;
        }

        return false;
    }

    private void ArmTimeoutTimer()
    {
        var s = state.State;
        if (_timeoutTimer is not null || s.StartedAt is null)
        {
            return;
        }

        var due = s.StartedAt.Value + s.Spec!.JobTimeout - DateTimeOffset.UtcNow;
        _timeoutTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.CheckJobTimeoutAsync(),
            this,
            new GrainTimerCreationOptions(due > TimeSpan.Zero ? due + TimeSpan.FromMilliseconds(20) : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task FinishAsync(JobStatus status, string? error)
    {
        var s = state.State;
        var now = DateTimeOffset.UtcNow;
        var toCancel = new List<string>();
        foreach (var node in s.Nodes.Values.ToList())
        {
            if (node.Status == NodeStatus.Pending)
            {
                s.Nodes[node.Id] = node with { Status = NodeStatus.Skipped, Message = "skipped: the job ended before this node could run" };
            }
            else if (node.Status is NodeStatus.Running or NodeStatus.Retrying)
            {
                toCancel.Add(node.Id);
                s.Nodes[node.Id] = node with { Status = NodeStatus.Failed, FinishedAt = now, Error = node.Error ?? (status == JobStatus.Cancelled ? "cancelled" : "stopped: " + error) };
            }
        }

        s.Status = status;
        s.Error = error;
        s.FinishedAt = now;
        _timeoutTimer?.Dispose();
        _timeoutTimer = null;
        await PersistAsync();
        ReleaseWaiters();
        Log.JobFinished(logger, JobId, status, error);
        await Task.WhenAll(toCancel.Select(async id =>
        {
            try
            {
                await GrainFactory.GetGrain<IDagNodeGrain>($"{JobId}/{id}").CancelAsync();
            }
            catch (Exception ex)
            {
                Log.NodeStartFailed(logger, JobId, id, ex.Message);
            }
        }));
        await UnregisterResumeReminderAsync();
    }

    private async Task UnregisterResumeReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex)
        {
            Log.ReminderCleanupFailed(logger, JobId, ex.Message);
        }
    }

    private async Task PersistAsync()
    {
        await state.WriteStateAsync();
        var view = View();
        var repo = view.Parameters.GetValueOrDefault("repo") ?? view.Name;
        await store.SaveJobAsync(new JobRecord(JobId, repo, view.Status.ToString().ToLowerInvariant(), view.CreatedAt, view.FinishedAt, JobViewJson.Serialize(view)));
    }

    private string? CurrentStage()
    {
        var s = state.State;
        var active = s.Spec?.Nodes.Where(n => s.Nodes[n.Id].Status is NodeStatus.Running or NodeStatus.Retrying).Select(n => n.Id).ToList();
        return active is { Count: > 0 } ? string.Join("+", active) : null;
    }

    private JobView View()
    {
        var s = state.State;
        if (s.Spec is null)
        {
            return new JobView(JobId, "", JobStatus.Pending, 0, null, [], DateTimeOffset.MinValue, null, null, null, []);
        }

        var nodes = s.Spec.Nodes.Select(n => s.Nodes[n.Id]).ToArray();
        var done = nodes.Sum(n => n.Status switch
        {
            NodeStatus.Completed or NodeStatus.Skipped => 1.0,
            NodeStatus.Running => n.Progress,
            _ => 0.0,
        });
        var percent = s.Status == JobStatus.Completed ? 100 : Math.Round(100 * done / nodes.Length, 1);
        var stage = IsFinished
            ? (s.Status == JobStatus.Completed ? null : nodes.FirstOrDefault(n => n.Status == NodeStatus.Failed)?.Id)
            : CurrentStage();
        return new JobView(JobId, s.Spec.Name, s.Status, percent, stage, nodes, s.CreatedAt, s.StartedAt, s.FinishedAt, s.Error, s.Spec.Parameters);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Job {JobId}: started DAG {Dag} with {Nodes} nodes")]
        public static partial void JobStarted(ILogger logger, string jobId, string dag, int nodes);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Job {JobId}: node {Node} is {Status} (attempt {Attempt}) {Error}")]
        public static partial void NodeTransition(ILogger logger, string jobId, string node, NodeStatus status, int attempt, string? error);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Job {JobId}: finished {Status} {Error}")]
        public static partial void JobFinished(ILogger logger, string jobId, JobStatus status, string? error);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Job {JobId}: could not reach node {Node}: {Error}")]
        public static partial void NodeStartFailed(ILogger logger, string jobId, string node, string error);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Job {JobId}: could not remove its resume reminder: {Error}")]
        public static partial void ReminderCleanupFailed(ILogger logger, string jobId, string error);
    }
}

/// <summary>The JSON form of a job view kept in the job history (readable without a cluster).</summary>
public static class JobViewJson
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(JobView view) => JsonSerializer.Serialize(view, SerializerOptions);

    public static JobView? Deserialize(string json) => JsonSerializer.Deserialize<JobView>(json, SerializerOptions);
}
