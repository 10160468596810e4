// The one ingestion queue. Pending jobs wait in priority order (higher first, then first come);
// a grain timer follows the running jobs (polling their status) and starts the next ones while
// fewer than MaxConcurrent run. A job whose wait exceeded the TTL when its turn comes is not
// started: it is recorded in the job history as skipped, with its age.
//
// Durability: every accepted job is one row in the store (queue_entries) before EnqueueAsync answers;
// starting, finishing, skipping and cancelling change or delete that one row (the last three together
// with the history record, in one transaction). The grain's own persistent state keeps only the last
// error. Enqueues interleave: the rows of the enqueues that arrive while one insert transaction runs
// are written together by the next one (group commit), each still one small INSERT. Starting a job
// grain twice is harmless (StartAsync is idempotent), which makes a crash between starting a job and
// marking its row started benign.
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
    /// <summary>Jobs of a queue persisted before they became store rows; moved into the store on activation.</summary>
    [Id(0)] public List<QueuedJob> Pending { get; set; } = [];

    /// <summary>Like <see cref="Pending"/>: only read to move older state into the store.</summary>
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

    private static readonly IComparer<QueuedJob> TurnOrder = Comparer<QueuedJob>.Create(
        static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Sequence.CompareTo(b.Sequence));

    // Pending jobs sorted by turn (TurnOrder), so a position is a binary search, not a sort.
    private readonly List<QueuedJob> _pending = [];
    private readonly Dictionary<string, QueuedJob> _pendingById = new(StringComparer.Ordinal);
    private readonly List<RunningJob> _running = [];

    // Rows accepted but not yet committed (they count against MaxPending) and the insert transaction in flight.
    private List<(QueueEntry Entry, TaskCompletionSource Written)> _toInsert = [];
    private Task? _inserting;
    private int _reserved;
    private long _sequence;

    private Task? _loading;
    private bool _loaded;
    private IGrainTimer? _pump;

    private QueueOptions Options => options.Value;

    private string QueueName => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureLoadedAsync();
        }
        catch (Exception ex)
        {
            // Answered per call (enqueue: 503) until the store is back; the next call tries again.
            Log.StoreUnavailable(logger, ex.Message);
        }
    }

    /// <summary>Loads the queue's rows once per activation (and moves state written by older versions into rows).</summary>
    private Task EnsureLoadedAsync()
    {
        if (_loaded)
        {
            return Task.CompletedTask;
        }

        if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
        {
            _loading = LoadAsync();
        }

        return _loading;
    }

    private async Task LoadAsync()
    {
        var s = state.State;
        if (s.Pending.Count > 0 || s.Running.Count > 0)
        {
            var moved = s.Pending.Select(j => ToEntry(j, null))
                .Concat(s.Running.Select(r => new QueueEntry(QueueName, r.JobId, r.Repo, r.Repo, null, 0, r.StartedAt, 0, r.StartedAt)))
                .ToList();
            await store.AddQueueEntriesAsync(moved);
            s.Pending.Clear();
            s.Running.Clear();
            await state.WriteStateAsync();
        }

        var rows = await store.ListQueueEntriesAsync(QueueName);
        foreach (var row in rows)
        {
            if (row.StartedAt is { } started)
            {
                _running.Add(new RunningJob(row.JobId, row.Repo, started));
            }
            else
            {
                AddPending(new QueuedJob(row.JobId, row.Repo, row.Url, row.Branch, row.Priority, row.EnqueuedAt, row.Sequence));
            }
        }

        _sequence = Math.Max(s.Sequence, rows.Count == 0 ? 0 : rows.Max(r => r.Sequence));
        _loaded = true;
        EnsurePump(immediately: true);
    }

    public async Task<EnqueueResult> EnqueueAsync(string url, string? branch, int priority)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        try
        {
            await EnsureLoadedAsync();
        }
        catch (Exception ex)
        {
            return StoreUnavailable(ex);
        }

        if (_pending.Count + _reserved >= Options.MaxPending)
        {
            return new EnqueueResult(EnqueueRejection.QueueFull, null, 0, _pending.Count + _reserved, Options.MaxPending, $"the queue is full: at most {Options.MaxPending} jobs may wait; try again later");
        }

        var repo = RepositorySource.TryParse(url, out var source, out _) ? source!.RepoId : url;
        var now = time.GetUtcNow();
        var job = new QueuedJob(NewJobId(now), repo, url, string.IsNullOrWhiteSpace(branch) ? null : branch, priority, now, ++_sequence);
        _reserved++;
        try
        {
            // Durable before the caller hears "dispatched".
            await InsertAsync(ToEntry(job, null));
        }
        catch (Exception ex)
        {
            return StoreUnavailable(ex);
        }
        finally
        {
            _reserved--;
        }

        AddPending(job);
        Log.Enqueued(logger, job.JobId, repo, priority, _pending.Count);
        EnsurePump(immediately: true);
        return new EnqueueResult(EnqueueRejection.None, job.JobId, PositionOf(job), _pending.Count + _reserved, Options.MaxPending, null);
    }

    private EnqueueResult StoreUnavailable(Exception ex)
    {
        Log.StoreUnavailable(logger, ex.Message);
        return new EnqueueResult(EnqueueRejection.StoreUnavailable, null, 0, _pending.Count + _reserved, Options.MaxPending, "the store is unavailable; nothing was queued. " + ex.Message);
    }

    /// <summary>Queues a row for the next insert transaction and completes once that transaction committed (group commit).</summary>
    private Task InsertAsync(QueueEntry entry)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _toInsert.Add((entry, written));
        if (_inserting is null || _inserting.IsCompleted)
        {
            _inserting = InsertLoopAsync();
        }

        return written.Task;
    }

    private async Task InsertLoopAsync()
    {
        while (_toInsert.Count > 0)
        {
            var batch = _toInsert;
            _toInsert = [];
            try
            {
                await store.AddQueueEntriesAsync(batch.Select(b => b.Entry).ToList());
                foreach (var item in batch)
                {
                    item.Written.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                foreach (var item in batch)
                {
                    item.Written.TrySetException(ex);
                }
            }
        }
    }

    public async Task<QueueJobInfo> GetJobAsync(string jobId)
    {
        await EnsureLoadedAsync();
        if (_pendingById.TryGetValue(jobId, out var queued))
        {
            return new QueueJobInfo(QueueJobState.Queued, PositionOf(queued), queued);
        }

        var where = _running.Any(j => j.JobId == jobId) ? QueueJobState.Running : QueueJobState.Unknown;
        return new QueueJobInfo(where, 0, null);
    }

    public async Task<CancelOutcome> CancelAsync(string jobId)
    {
        await EnsureLoadedAsync();
        if (_pendingById.TryGetValue(jobId, out var queued))
        {
            RemovePending(queued);
            try
            {
                await store.RemoveQueueEntryAsync(jobId, UnstartedRecord(queued, JobStatus.Cancelled, "cancelled by request while queued", null));
            }
            catch
            {
                AddPending(queued);
                throw;
            }

            Log.Cancelled(logger, jobId, "queued");
            return CancelOutcome.CancelledQueued;
        }

        var job = GrainFactory.GetGrain<IIngestionJobGrain>(jobId);
        if (_running.FirstOrDefault(j => j.JobId == jobId) is { } running)
        {
            var view = await job.CancelAsync();
            _running.Remove(running);
            await ForgetAsync(jobId);
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

    public async Task<WorkerStatus> GetWorkerStatusAsync()
    {
        await EnsureLoadedAsync();
        var lastError = state.State.LastError;
        var ingesting = _running.Select(r => r.Repo).ToArray();
        var status = ingesting.Length > 0 ? "Ingesting " + string.Join(", ", ingesting)
            : Options.Paused ? Offline
            : lastError is not null ? "Error: " + lastError
            : "Idle";
        return new WorkerStatus(status, ingesting, _pending.Count + _reserved, _running.Count, Options.MaxPending, Options.MaxConcurrent, lastError);
    }

    /// <summary>The worker status while no silo processes the queue (it is paused, or no silo answers for it).</summary>
    public const string Offline = "Offline";

    private void EnsurePump(bool immediately)
    {
        // Nothing to follow and nothing may start (paused): no timer, so enqueues stay cheap.
        if (_running.Count == 0 && (_pending.Count == 0 || Options.Paused))
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
        var lastError = state.State.LastError;
        foreach (var running in _running.ToList())
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

            _running.Remove(running);
            await ForgetAsync(running.JobId);
            if (view.Status == JobStatus.Failed)
            {
                lastError = $"{running.Repo}: {view.Error}";
            }
            else if (view.Status == JobStatus.Completed)
            {
                lastError = null;
            }
        }

        while (!Options.Paused && _running.Count < Options.MaxConcurrent && _pending.Count > 0)
        {
            var next = _pending[0];
            RemovePending(next);
            var now = time.GetUtcNow();
            var age = now - next.EnqueuedAt;
            if (age > Options.Ttl)
            {
                var reason = $"expired: waited {FormatAge(age)} in the queue, longer than its TTL of {Options.TtlHours:0.##} h";
                Log.Expired(logger, next.JobId, next.Repo, age.TotalSeconds);
                await ForgetAsync(next.JobId, UnstartedRecord(next, JobStatus.Skipped, reason, age));
                continue;
            }

            try
            {
                var source = RepositorySource.Parse(next.Url);
                var spec = IngestionPipeline.Build(source, next.Branch, ingestionOptions.Value);
                await GrainFactory.GetGrain<IIngestionJobGrain>(next.JobId).StartAsync(spec);
                _running.Add(new RunningJob(next.JobId, next.Repo, now));
                Log.Dispatched(logger, next.JobId, next.Repo, _running.Count);
            }
            catch (Exception ex)
            {
                lastError = $"{next.Repo}: {ex.Message}";
                Log.DispatchFailed(logger, next.JobId, ex.Message);
                await ForgetAsync(next.JobId, UnstartedRecord(next, JobStatus.Failed, "could not start: " + ex.Message, age));
                continue;
            }

            try
            {
                await store.MarkQueueEntryStartedAsync(next.JobId, now);
            }
            catch (Exception ex)
            {
                // The row still says "waiting": after a restart the job is started again, which StartAsync makes harmless.
                Log.StoreUnavailable(logger, ex.Message);
            }
        }

        if (lastError != state.State.LastError)
        {
            state.State.LastError = lastError;
            try
            {
                await state.WriteStateAsync();
            }
            catch (Exception ex)
            {
                Log.StoreUnavailable(logger, ex.Message);
            }
        }

        if (_running.Count == 0 && (_pending.Count == 0 || Options.Paused))
        {
            _pump?.Dispose();
            _pump = null;
        }
    }

    /// <summary>Deletes a job's row (with its history record when it never ran); a failure leaves the row, which is only re-checked after a restart.</summary>
    private async Task ForgetAsync(string jobId, JobRecord? history = null)
    {
        try
        {
            await store.RemoveQueueEntryAsync(jobId, history);
        }
        catch (Exception ex)
        {
            Log.StoreUnavailable(logger, ex.Message);
        }
    }

    private QueueEntry ToEntry(QueuedJob job, DateTimeOffset? startedAt) =>
        new(QueueName, job.JobId, job.Repo, job.Url, job.Branch, job.Priority, job.EnqueuedAt, job.Sequence, startedAt);

    private void AddPending(QueuedJob job)
    {
        var index = _pending.BinarySearch(job, TurnOrder);
        _pending.Insert(index < 0 ? ~index : index, job);
        _pendingById[job.JobId] = job;
    }

    private void RemovePending(QueuedJob job)
    {
        var index = _pending.BinarySearch(job, TurnOrder);
        if (index >= 0)
        {
            _pending.RemoveAt(index);
        }

        _pendingById.Remove(job.JobId);
    }

    /// <summary>1-based place among the pending jobs.</summary>
    private int PositionOf(QueuedJob job)
    {
        var index = _pending.BinarySearch(job, TurnOrder);
        return index < 0 ? 0 : index + 1;
    }

    /// <summary>The history record of a job that never ran (skipped, cancelled while queued, or not startable).</summary>
    private JobRecord UnstartedRecord(QueuedJob job, JobStatus status, string reason, TimeSpan? age)
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
        return new JobRecord(job.JobId, job.Repo, status.ToString().ToLowerInvariant(), job.EnqueuedAt, now, JobViewJson.Serialize(view));
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
