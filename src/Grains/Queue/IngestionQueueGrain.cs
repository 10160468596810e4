// The one ingestion queue. Pending jobs wait in priority order (higher first, then first come);
// a grain timer follows the running jobs (polling their status) and starts the next ones while
// fewer than MaxConcurrent run. A job whose wait exceeded the TTL when its turn comes is not
// started: it is recorded in the job history as skipped, with its age. The queue's own state is
// persisted after every change, so queued jobs and the last error survive a restart; starting a
// job grain twice is harmless (StartAsync is idempotent), which makes the crash window benign.
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeIngest.Queue;

[GenerateSerializer, Alias("codeingest.IngestionQueueState")]
public sealed class IngestionQueueState
{
    [Id(0)] public List<QueuedJob> Pending { get; set; } = [];

    [Id(1)] public List<RunningJob> Running { get; set; } = [];

    [Id(2)] public string? LastError { get; set; }

    [Id(3)] public long Sequence { get; set; }
}

public sealed partial class IngestionQueueGrain(
    [PersistentState("queue", "codeingest")] IPersistentState<IngestionQueueState> state,
    ICodeStore store,
    [FromKeyedServices(IngestionQueueGrain.ClockKey)] TimeProvider time,
    IOptions<QueueOptions> options,
    IOptions<IngestionOptions> ingestionOptions,
    ILogger<IngestionQueueGrain> logger) : Grain, IIngestionQueueGrain
{
    /// <summary>The key of the queue's clock in DI: its own, so tests can move the queue's time without moving Orleans'.</summary>
    public const string ClockKey = "codeingest-queue-clock";

    private IGrainTimer? _pump;
    private Task? _writing;
    private bool _writeRequested;
    private DateTimeOffset _storeVerifiedAt = DateTimeOffset.MinValue;

    private QueueOptions Options => options.Value;

    /// <summary>
    /// Persists the queue. Enqueue interleaves with other calls, so writes are coalesced: a caller
    /// that asks while a write is in flight is answered by the next write, which carries every
    /// change made meanwhile (group commit). One write at a time also keeps the etag consistent.
    /// </summary>
    private Task WriteCoalescedAsync()
    {
        _writeRequested = true;
        if (_writing is { IsCompleted: false })
        {
            // The loop re-checks the request flag after its current write: this caller rides on the next one.
            return _writing;
        }

        _writing = WriteLoopAsync();
        return _writing;
    }

    private async Task WriteLoopAsync()
    {
        while (_writeRequested)
        {
            _writeRequested = false;
            await state.WriteStateAsync();
        }
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        EnsurePump(immediately: true);
        return Task.CompletedTask;
    }

    public async Task<EnqueueResult> EnqueueAsync(string url, string? branch, int priority)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var s = state.State;
        if (s.Pending.Count >= Options.MaxPending)
        {
            return new EnqueueResult(EnqueueRejection.QueueFull, null, 0, s.Pending.Count, Options.MaxPending, $"the queue is full: at most {Options.MaxPending} jobs may wait; try again later");
        }

        var repo = RepositorySource.TryParse(url, out var source, out _) ? source!.RepoId : url;
        var now = time.GetUtcNow();
        var job = new QueuedJob(NewJobId(now), repo, url, string.IsNullOrWhiteSpace(branch) ? null : branch, priority, now, s.Sequence + 1);
        try
        {
            // The history lives in the code store: a queue that cannot record outcomes must not take work.
            if (now - _storeVerifiedAt > TimeSpan.FromSeconds(1))
            {
                await store.ListJobsAsync(1);
                _storeVerifiedAt = now;
            }

            s.Pending.Add(job);
            s.Sequence++;
            await WriteCoalescedAsync();
        }
        catch (Exception ex)
        {
            s.Pending.Remove(job);
            _storeVerifiedAt = DateTimeOffset.MinValue;
            Log.StoreUnavailable(logger, ex.Message);
            return new EnqueueResult(EnqueueRejection.StoreUnavailable, null, 0, s.Pending.Count, Options.MaxPending, "the store is unavailable; nothing was queued. " + ex.Message);
        }

        Log.Enqueued(logger, job.JobId, repo, priority, s.Pending.Count);
        EnsurePump(immediately: true);
        return new EnqueueResult(EnqueueRejection.None, job.JobId, PositionOf(job.JobId), s.Pending.Count, Options.MaxPending, null);
    }

    public Task<QueueJobInfo> GetJobAsync(string jobId)
    {
        var s = state.State;
        var position = PositionOf(jobId);
        if (position > 0)
        {
            return Task.FromResult(new QueueJobInfo(QueueJobState.Queued, position, s.Pending.First(j => j.JobId == jobId)));
        }

        var where = s.Running.Any(j => j.JobId == jobId) ? QueueJobState.Running : QueueJobState.Unknown;
        return Task.FromResult(new QueueJobInfo(where, 0, null));
    }

    public async Task<CancelOutcome> CancelAsync(string jobId)
    {
        var s = state.State;
        if (s.Pending.FirstOrDefault(j => j.JobId == jobId) is { } queued)
        {
            s.Pending.Remove(queued);
            await WriteCoalescedAsync();
            await RecordUnstartedAsync(queued, JobStatus.Cancelled, "cancelled by request while queued", null);
            Log.Cancelled(logger, jobId, "queued");
            return CancelOutcome.CancelledQueued;
        }

        var job = GrainFactory.GetGrain<IIngestionJobGrain>(jobId);
        if (s.Running.FirstOrDefault(j => j.JobId == jobId) is { } running)
        {
            var view = await job.CancelAsync();
            s.Running.Remove(running);
            await WriteCoalescedAsync();
            Log.Cancelled(logger, jobId, "running");
            return view.Status == JobStatus.Cancelled ? CancelOutcome.CancelledRunning : CancelOutcome.AlreadyFinished;
        }

        // Not the queue's (started by the SDK or CLI) or already forgotten: the job grain decides.
        var current = await job.GetStatusAsync();
        if (current.Nodes.Length == 0 && current.Name.Length == 0)
        {
            return await store.GetJobAsync(jobId) is null ? CancelOutcome.NotFound : CancelOutcome.AlreadyFinished;
        }

        if (current.IsFinished)
        {
            return CancelOutcome.AlreadyFinished;
        }

        await job.CancelAsync();
        return CancelOutcome.CancelledRunning;
    }

    public Task<WorkerStatus> GetWorkerStatusAsync()
    {
        var s = state.State;
        var ingesting = s.Running.Select(r => r.Repo).ToArray();
        var status = ingesting.Length > 0 ? "Ingesting " + string.Join(", ", ingesting)
            : s.LastError is not null ? "Error: " + s.LastError
            : "Idle";
        return Task.FromResult(new WorkerStatus(status, ingesting, s.Pending.Count, s.Running.Count, Options.MaxPending, Options.MaxConcurrent, s.LastError));
    }

    private void EnsurePump(bool immediately)
    {
        var s = state.State;
        if (s.Pending.Count == 0 && s.Running.Count == 0)
        {
            return;
        }

        if (_pump is null)
        {
            _pump = this.RegisterGrainTimer(
                static (grain, _) => grain.PumpAsync(),
                this,
                new GrainTimerCreationOptions(immediately ? TimeSpan.Zero : Options.PollInterval, Options.PollInterval) { KeepAlive = true });
        }
        else if (immediately)
        {
            _pump.Change(TimeSpan.Zero, Options.PollInterval);
        }
    }

    private async Task PumpAsync()
    {
        var s = state.State;
        var changed = false;
        foreach (var running in s.Running.ToList())
        {
            JobView view;
            try
            {
                view = await GrainFactory.GetGrain<IIngestionJobGrain>(running.JobId).GetStatusAsync();
            }
            catch (Exception ex)
            {
                Log.FollowFailed(logger, running.JobId, ex.Message);
                continue;
            }

            if (!view.IsFinished)
            {
                continue;
            }

            s.Running.Remove(running);
            changed = true;
            if (view.Status == JobStatus.Failed)
            {
                s.LastError = $"{running.Repo}: {view.Error}";
            }
            else if (view.Status == JobStatus.Completed)
            {
                s.LastError = null;
            }
        }

        while (!Options.Paused && s.Running.Count < Options.MaxConcurrent && s.Pending.Count > 0)
        {
            var next = Ordered().First();
            s.Pending.Remove(next);
            changed = true;
            var now = time.GetUtcNow();
            var age = now - next.EnqueuedAt;
            if (age > Options.Ttl)
            {
                var reason = $"expired: waited {FormatAge(age)} in the queue, longer than its TTL of {Options.TtlHours:0.##} h";
                Log.Expired(logger, next.JobId, next.Repo, age.TotalSeconds);
                await RecordUnstartedAsync(next, JobStatus.Skipped, reason, age);
                continue;
            }

            try
            {
                var source = RepositorySource.Parse(next.Url);
                var spec = IngestionPipeline.Build(source, next.Branch, ingestionOptions.Value);
                await GrainFactory.GetGrain<IIngestionJobGrain>(next.JobId).StartAsync(spec);
                s.Running.Add(new RunningJob(next.JobId, next.Repo, now));
                Log.Dispatched(logger, next.JobId, next.Repo, s.Running.Count);
            }
            catch (Exception ex)
            {
                s.LastError = $"{next.Repo}: {ex.Message}";
                Log.DispatchFailed(logger, next.JobId, ex.Message);
                await RecordUnstartedAsync(next, JobStatus.Failed, "could not start: " + ex.Message, age);
            }
        }

        if (changed)
        {
            try
            {
                await WriteCoalescedAsync();
            }
            catch (Exception ex)
            {
                Log.StoreUnavailable(logger, ex.Message);
            }
        }

        if (s.Running.Count == 0 && (s.Pending.Count == 0 || Options.Paused))
        {
            _pump?.Dispose();
            _pump = null;
        }
    }

    /// <summary>Writes the history record of a job that never ran (skipped, cancelled while queued, or not startable).</summary>
    private async Task RecordUnstartedAsync(QueuedJob job, JobStatus status, string reason, TimeSpan? age)
    {
        var now = time.GetUtcNow();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [IngestionPipeline.Parameters.Url] = job.Url,
            [IngestionPipeline.Parameters.Repo] = job.Repo,
            [QueueParameters.Reason] = reason,
            [QueueParameters.Priority] = job.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (job.Branch is not null)
        {
            parameters[IngestionPipeline.Parameters.Branch] = job.Branch;
        }

        if (age is { } a)
        {
            parameters[QueueParameters.AgeSeconds] = Math.Round(a.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var view = new JobView(job.JobId, IngestionPipeline.Name, status, 0, null, [], job.EnqueuedAt, null, now, reason, parameters);
        try
        {
            await store.SaveJobAsync(new JobRecord(job.JobId, job.Repo, status.ToString().ToLowerInvariant(), job.EnqueuedAt, now, JobViewJson.Serialize(view)));
        }
        catch (Exception ex)
        {
            Log.StoreUnavailable(logger, ex.Message);
        }
    }

    private IEnumerable<QueuedJob> Ordered() => state.State.Pending.OrderByDescending(j => j.Priority).ThenBy(j => j.Sequence);

    private int PositionOf(string jobId)
    {
        var index = 0;
        foreach (var job in Ordered())
        {
            index++;
            if (job.JobId == jobId)
            {
                return index;
            }
        }

        return 0;
    }

    private static string NewJobId(DateTimeOffset now) => $"{now.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    private static string FormatAge(TimeSpan age) => age.TotalHours >= 1 ? $"{age.TotalHours:0.#} h" : age.TotalMinutes >= 1 ? $"{age.TotalMinutes:0.#} min" : $"{age.TotalSeconds:0} s";

    private static partial class Log
    {
        [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Queue: job {JobId} for {Repo} queued (priority {Priority}, {Pending} waiting)")]
        public static partial void Enqueued(ILogger logger, string jobId, string repo, int priority, int pending);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Queue: job {JobId} for {Repo} started ({Running} running)")]
        public static partial void Dispatched(ILogger logger, string jobId, string repo, int running);

        [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Queue: job {JobId} for {Repo} skipped, it waited {AgeSeconds} s (past its TTL)")]
        public static partial void Expired(ILogger logger, string jobId, string repo, double ageSeconds);

        [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Queue: job {JobId} could not start: {Error}")]
        public static partial void DispatchFailed(ILogger logger, string jobId, string error);

        [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "Queue: could not follow job {JobId}: {Error}")]
        public static partial void FollowFailed(ILogger logger, string jobId, string error);

        [LoggerMessage(EventId = 1406, Level = LogLevel.Warning, Message = "Queue: the store is unavailable: {Error}")]
        public static partial void StoreUnavailable(ILogger logger, string error);

        [LoggerMessage(EventId = 1407, Level = LogLevel.Information, Message = "Queue: job {JobId} cancelled while {Where}")]
        public static partial void Cancelled(ILogger logger, string jobId, string where);
    }
}

/// <summary>Job parameters the queue adds to the history records of jobs that never ran.</summary>
public static class QueueParameters
{
    public const string Reason = "reason";
    public const string AgeSeconds = "age_seconds";
    public const string Priority = "priority";
}
