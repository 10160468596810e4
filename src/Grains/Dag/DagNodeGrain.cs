// One node of one job. StartAsync returns at once; a background loop on the grain's scheduler
// runs attempts (the step itself runs on the thread pool), applies the timeout and the retry
// policy, persists every transition and reports it to the job grain.
using Microsoft.Extensions.Logging;

namespace CodeIngest.Dag;

[GenerateSerializer, Alias("codeingest.DagNodeState")]
public sealed class DagNodeState
{
    [Id(0)] public DagNodeSpec? Spec { get; set; }

    [Id(1)] public NodeInput? Input { get; set; }

    [Id(2)] public NodeStatus Status { get; set; }

    [Id(3)] public int Attempts { get; set; }

    [Id(4)] public DateTimeOffset? StartedAt { get; set; }

    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(6)] public string? Error { get; set; }

    [Id(7)] public Dictionary<string, string> Result { get; set; } = [];
}

/// <summary>Thrown inside the engine when an attempt ran past the node's timeout (retryable).</summary>
public sealed class StepTimeoutException(string message) : TimeoutException(message);

// Random placement spreads jobs and their nodes over the cluster's silos.
[Orleans.Placement.RandomPlacement]
public sealed partial class DagNodeGrain(
    [PersistentState("node", "codeingest")] IPersistentState<DagNodeState> state,
    DagStepRegistry steps,
    StepToolkitFactory toolkits,
    ILogger<DagNodeGrain> logger) : Grain, IDagNodeGrain
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private Task? _loop;
    private CancellationTokenSource? _cancellation;

    private string JobId => this.GetPrimaryKeyString().Split('/')[0];

    public Task StartAsync(DagNodeSpec spec, NodeInput input)
    {
        if (_loop is { IsCompleted: false })
        {
            return Task.CompletedTask;
        }

        var current = state.State;
        if (current.Spec is not null && current.Status is NodeStatus.Completed or NodeStatus.Failed or NodeStatus.Skipped)
        {
            // Already finished (the job lost our report, e.g. it restarted): tell it again.
            _loop = ReportAsync(null, null);
            return Task.CompletedTask;
        }

        current.Spec = spec;
        current.Input = input;
        _cancellation = new CancellationTokenSource();
        _loop = RunLoopAsync(_cancellation.Token);
        return Task.CompletedTask;
    }

    public Task CancelAsync()
    {
        _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var spec = s.Spec!;
        while (true)
        {
            s.Attempts++;
            s.Status = NodeStatus.Running;
            s.StartedAt ??= DateTimeOffset.UtcNow;
            s.Error = null;
            this.DelayDeactivation(spec.Timeout + TimeSpan.FromMinutes(5));
            await state.WriteStateAsync();
            await ReportAsync(0, null);
            Log.AttemptStarted(logger, this.GetPrimaryKeyString(), s.Attempts, spec.Step);

            try
            {
                var result = await RunAttemptAsync(spec, s.Input!, s.Attempts, cancellationToken);
                s.Status = NodeStatus.Completed;
                s.Result = result;
                s.FinishedAt = DateTimeOffset.UtcNow;
                await state.WriteStateAsync();
                await ReportAsync(1, null);
                return;
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException)
            {
                s.Status = NodeStatus.Failed;
                s.Error = "cancelled";
                s.FinishedAt = DateTimeOffset.UtcNow;
                await state.WriteStateAsync();
                await ReportAsync(null, null);
                return;
            }
            catch (Exception ex)
            {
                var message = Describe(ex);
                var retryable = ex is not NonRetryableStepException;
                Log.AttemptFailed(logger, this.GetPrimaryKeyString(), s.Attempts, retryable, message);
                if (!retryable || s.Attempts >= spec.Retry.MaxAttempts)
                {
                    s.Status = NodeStatus.Failed;
                    s.Error = retryable && spec.Retry.MaxAttempts > 1 ? $"{message} (gave up after {s.Attempts} attempts)" : message;
                    s.FinishedAt = DateTimeOffset.UtcNow;
                    await state.WriteStateAsync();
                    await ReportAsync(null, null);
                    return;
                }

                var delay = spec.Retry.DelayBefore(s.Attempts + 1, Random.Shared.NextDouble());
                s.Status = NodeStatus.Retrying;
                s.Error = message;
                await state.WriteStateAsync();
                await ReportAsync(null, $"attempt {s.Attempts} failed: {message}; retrying in {delay.TotalSeconds:0.###} s");
                try
                {
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    s.Status = NodeStatus.Failed;
                    s.Error = "cancelled";
                    s.FinishedAt = DateTimeOffset.UtcNow;
                    await state.WriteStateAsync();
                    await ReportAsync(null, null);
                    return;
                }
            }
        }
    }

    private async Task<Dictionary<string, string>> RunAttemptAsync(DagNodeSpec spec, NodeInput input, int attempt, CancellationToken cancellationToken)
    {
        var step = steps.Find(spec.Step)
            ?? throw new NonRetryableStepException($"unknown step '{spec.Step}' (known: {string.Join(", ", steps.Names.Order(StringComparer.Ordinal))})");
        var parameters = new Dictionary<string, string>(input.JobParameters, StringComparer.Ordinal);
        foreach (var (key, value) in spec.Parameters)
        {
            parameters[key] = value;
        }

        var jobId = JobId;
        var job = GrainFactory.GetGrain<IIngestionJobGrain>(jobId);
        var lastProgress = DateTimeOffset.MinValue;
        var progressGate = new SemaphoreSlim(1, 1);
        async Task ReportProgress(double fraction, string? message)
        {
            if (!progressGate.Wait(0))
            {
                return;
            }

            try
            {
                var now = DateTimeOffset.UtcNow;
                if (now - lastProgress < ProgressInterval && fraction < 1)
                {
                    return;
                }

                lastProgress = now;
                await job.ReportNodeAsync(new NodeReport(spec.Id, NodeStatus.Running, attempt, state.State.StartedAt, null, null, [], fraction, message));
            }
            catch (Exception ex)
            {
                Log.ProgressReportFailed(logger, this.GetPrimaryKeyString(), ex.Message);
            }
            finally
            {
                progressGate.Release();
            }
        }

        var context = new StepContext(jobId, spec.Id, attempt, parameters, input.DependencyOutputs, toolkits.Create(spec.Role, jobId, spec.Id), ReportProgress);

        // The step's token: cancelled by the node's token, by the timeout, and explicitly whenever this method returns before
        // the step ended. It is disposed only once the step ended: disposing a linked source unhooks it from the node's token,
        // and the node's cancel can complete the wait below (and so end this method) inline, before it reaches that link. With
        // a `using` here the step's token was never cancelled and a cancelled job's graph and quality steps ran to their end.
        var stepCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stepCancellation.CancelAfter(spec.Timeout);

        // The step runs on the thread pool so that CPU-bound or blocking work never holds the grain's scheduler.
        var work = Task.Run(() => step.ExecuteAsync(context, stepCancellation.Token), CancellationToken.None);
        try
        {
            return await work.WaitAsync(spec.Timeout, cancellationToken);
        }
        catch (TimeoutException) when (stepCancellation.IsCancellationRequested || !work.IsCompleted)
        {
            throw new StepTimeoutException($"timed out after {FormatDuration(spec.Timeout)}");
        }
        catch (OperationCanceledException) when (stepCancellation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new StepTimeoutException($"timed out after {FormatDuration(spec.Timeout)}");
        }
        finally
        {
            if (!work.IsCompleted)
            {
                CancelStep(stepCancellation);
            }

            // Disposed once the step has ended (it may still use its token until then); a late failure of it is observed there.
            _ = work.ContinueWith(
                static (ended, source) =>
                {
                    ((CancellationTokenSource)source!).Dispose();
                    return ended.Exception;
                },
                stepCancellation,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void CancelStep(CancellationTokenSource stepCancellation)
    {
        try
        {
            stepCancellation.Cancel();
        }
        catch (AggregateException ex)
        {
            // A callback the step registered on its token failed; the node's outcome is already decided.
            Log.StepCancelCallbackFailed(logger, this.GetPrimaryKeyString(), ex.InnerExceptions[0].Message);
        }
    }

    private async Task ReportAsync(double? progress, string? message)
    {
        var s = state.State;
        var report = new NodeReport(
            s.Spec!.Id,
            s.Status,
            s.Attempts,
            s.StartedAt,
            s.FinishedAt,
            s.Error,
            s.Result,
            progress ?? (s.Status == NodeStatus.Completed ? 1 : 0),
            message);
        try
        {
            await GrainFactory.GetGrain<IIngestionJobGrain>(JobId).ReportNodeAsync(report);
        }
        catch (Exception ex)
        {
            // The job re-asks unfinished nodes when it resumes; a lost report is recovered then.
            Log.ReportFailed(logger, this.GetPrimaryKeyString(), ex.Message);
        }
    }

    private static string Describe(Exception ex)
    {
        var inner = ex is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : ex;
        return inner is NonRetryableStepException or StepTimeoutException ? inner.Message : $"{inner.GetType().Name}: {inner.Message}";
    }

    internal static string FormatDuration(TimeSpan duration) =>
        duration.TotalSeconds < 1 ? $"{duration.TotalMilliseconds:0} ms" :
        duration.TotalMinutes < 2 ? $"{duration.TotalSeconds:0.#} s" : $"{duration.TotalMinutes:0.#} min";

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Node {Node}: attempt {Attempt} of step {Step} started")]
        public static partial void AttemptStarted(ILogger logger, string node, int attempt, string step);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Node {Node}: attempt {Attempt} failed (retryable: {Retryable}): {Error}")]
        public static partial void AttemptFailed(ILogger logger, string node, int attempt, bool retryable, string error);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Node {Node}: could not report to its job: {Error}")]
        public static partial void ReportFailed(ILogger logger, string node, string error);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Node {Node}: progress report failed: {Error}")]
        public static partial void ProgressReportFailed(ILogger logger, string node, string error);

        [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Node {Node}: a cancellation callback of its step failed: {Error}")]
        public static partial void StepCancelCallbackFailed(ILogger logger, string node, string error);
    }
}
