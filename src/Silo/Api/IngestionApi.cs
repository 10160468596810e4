// The ingestion REST API (the seeds' documented shapes): dispatch through the queue grain, worker
// status, job history, DAG status of one job, cancel, live progress as server-sent events, health.
// Errors are problem details whose "detail" says what was wrong.
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using CodeIngest.Dag;
using CodeIngest.Queue;
using CodeIngest.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CodeIngest.Silo.Api;

public static partial class IngestionApi
{
    public const string WritePolicy = "write";
    public const string ReadPolicy = "read";
    private static readonly TimeSpan GrainCallTimeout = TimeSpan.FromSeconds(10);

    // A status page should say "Offline" quickly rather than hang while no silo answers.
    private static readonly TimeSpan WorkerStatusTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/ingestion").WithTags("ingestion");
        api.MapPost("/ingest/{**repo_url}", IngestAsync)
            .AddEndpointFilter<AdminTokenFilter>()
            .RequireRateLimiting(WritePolicy)
            .WithSummary("Queues an ingestion of a repository (Bearer token).");
        api.MapGet("/worker/status", GetWorkerStatusAsync).RequireRateLimiting(ReadPolicy).WithSummary("Idle, Ingesting <repo>, Error: … or Offline.");
        api.MapGet("/jobs/history", GetHistoryAsync).RequireRateLimiting(ReadPolicy).WithSummary("Most recent jobs first (limit: default 10, max 100).");
        api.MapGet("/jobs/{job_id}", GetJobAsync).RequireRateLimiting(ReadPolicy).WithSummary("DAG status of a job: nodes, attempts, progress, stage.");
        api.MapGet("/jobs/{job_id}/events", StreamJobEventsAsync).RequireRateLimiting(ReadPolicy).WithSummary("Live progress of a job as server-sent events.");
        api.MapDelete("/jobs/{job_id}", CancelJobAsync)
            .AddEndpointFilter<AdminTokenFilter>()
            .RequireRateLimiting(WritePolicy)
            .WithSummary("Cancels a queued or running job (Bearer token).");
        app.MapGet("/health", GetHealthAsync).WithSummary("Checks the store.");
        return app;
    }

    internal static async Task<Results<Ok<DispatchResponse>, ProblemHttpResult>> IngestAsync(
        [FromRoute(Name = "repo_url")] string? repoUrl,
        [FromQuery] string? branch,
        [FromQuery] int? priority,
        IOptionsMonitor<ApiOptions> options,
        IGrainFactory grains,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var (dispatched, problem) = await DispatchAsync(repoUrl, branch, priority, options.CurrentValue, grains, loggers, cancellationToken);
        return dispatched is not null ? TypedResults.Ok(dispatched) : problem!;
    }

    /// <summary>Validates and queues one ingestion; exactly one of the results is set.</summary>
    internal static async Task<(DispatchResponse? Dispatched, ProblemHttpResult? Problem)> DispatchAsync(
        string? repoUrl, string? branch, int? priority, ApiOptions options, IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(IngestionApi).FullName!);
        if (!RepositoryUrl.TryNormalize(repoUrl, options, out var source, out var error))
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid repository URL", error!));
        }

        if (branch is not null && !BranchRegex().IsMatch(branch))
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid branch", "the branch name may contain letters, digits, '.', '_', '-' and '/', must not start with '-' and is at most 200 characters"));
        }

        if (priority is < -100 or > 100)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid priority", "the priority is an integer from -100 to 100 (higher runs first; default 0)"));
        }

        // No separate store probe: the queue writes the job's row before it answers, and answers
        // StoreUnavailable (nothing queued) when that write fails.
        EnqueueResult result;
        try
        {
            result = await Queue(grains).EnqueueAsync(source!.Url, branch, priority ?? 0).WaitAsync(GrainCallTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.QueueUnavailable(logger, ex.Message);
            return (null, Problem(StatusCodes.Status503ServiceUnavailable, "Queue unavailable", "the ingestion queue did not answer; the job may not have been queued, check /api/v1/ingestion/worker/status: " + ex.Message));
        }

        switch (result.Rejection)
        {
            case EnqueueRejection.QueueFull:
                return (null, Problem(StatusCodes.Status429TooManyRequests, "Queue full", $"the queue is full: {result.QueueSize} of at most {result.MaxQueueSize} jobs are waiting (CodeIngest:Queue:MaxPending = {result.MaxQueueSize}); try again later"));
            case EnqueueRejection.StoreUnavailable:
                return (null, Problem(StatusCodes.Status503ServiceUnavailable, "Store unavailable", result.Detail ?? "the store is unavailable; nothing was queued"));
        }

        Log.Dispatched(logger, result.JobId!, source.RepoId, result.QueuePosition);
        return (new DispatchResponse("dispatched", result.JobId!, result.QueuePosition, source.Url, result.QueueSize, result.MaxQueueSize), null);
    }

    internal static async Task<Ok<WorkerStatusResponse>> GetWorkerStatusAsync(IGrainFactory grains, IOptionsMonitor<QueueOptions> queue, CancellationToken cancellationToken)
    {
        try
        {
            var s = await Queue(grains).GetWorkerStatusAsync().WaitAsync(WorkerStatusTimeout, cancellationToken);
            var detail = s.Status == IngestionQueueGrain.Offline
                ? $"the queue is paused ({QueueOptions.Section}:Paused = true): jobs are accepted but none starts"
                : null;
            return TypedResults.Ok(new WorkerStatusResponse(s.Status, s.Ingesting, s.Pending, s.Running, s.MaxPending, s.MaxConcurrent, detail));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // No silo answers for the queue (or it cannot read its rows): nothing is processing.
            return TypedResults.Ok(new WorkerStatusResponse(IngestionQueueGrain.Offline, [], 0, 0, queue.CurrentValue.MaxPending, queue.CurrentValue.MaxConcurrent, "no silo answered for the ingestion queue: " + ex.Message));
        }
    }

    internal static async Task<Results<Ok<HistoryResponse>, ProblemHttpResult>> GetHistoryAsync(ICodeStore store, [FromQuery] int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid limit", "limit is from 1 to 100 (default 10)");
        }

        try
        {
            var jobs = await store.ListJobsAsync(limit ?? 10, cancellationToken);
            return TypedResults.Ok(new HistoryResponse(jobs.Select(HistoryEntry.From).ToList()));
        }
        catch (StoreUnavailableException ex)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Store unavailable", ex.Message);
        }
    }

    internal static async Task<Results<Ok<JobDetail>, ProblemHttpResult>> GetJobAsync([FromRoute(Name = "job_id")] string jobId, IGrainFactory grains, ICodeStore store, CancellationToken cancellationToken)
    {
        try
        {
            return await FindJobAsync(jobId, grains, store, cancellationToken) is { } detail
                ? TypedResults.Ok(detail)
                : Problem(StatusCodes.Status404NotFound, "Job not found", $"no job '{Shorten(jobId)}'");
        }
        catch (StoreUnavailableException ex)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Store unavailable", ex.Message);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Cluster unavailable", "no silo answered for the job: " + ex.Message);
        }
    }

    internal static async Task<Results<ServerSentEventsResult<JobDetail>, ProblemHttpResult>> StreamJobEventsAsync(
        [FromRoute(Name = "job_id")] string jobId, IGrainFactory grains, ICodeStore store, CancellationToken cancellationToken)
    {
        var first = await FindJobAsync(jobId, grains, store, cancellationToken);
        if (first is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Job not found", $"no job '{Shorten(jobId)}'");
        }

        return TypedResults.ServerSentEvents(FollowAsync(first, grains, store, cancellationToken));
    }

    /// <summary>Emits the job's detail whenever its status, stage, progress or a node changes; ends with a "done" event.</summary>
    private static async IAsyncEnumerable<SseItem<JobDetail>> FollowAsync(JobDetail first, IGrainFactory grains, ICodeStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var current = first;
        var lastKey = "";
        while (!cancellationToken.IsCancellationRequested)
        {
            var key = ChangeKey(current);
            if (current.IsFinished)
            {
                yield return new SseItem<JobDetail>(current, "done");
                yield break;
            }

            if (key != lastKey)
            {
                yield return new SseItem<JobDetail>(current, "progress");
                lastKey = key;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            current = await FindJobAsync(current.JobId, grains, store, cancellationToken) ?? current;
        }
    }

    private static string ChangeKey(JobDetail d) =>
        $"{d.Status}|{d.Stage}|{d.ProgressPercent}|{d.QueuePosition}|{string.Join(',', d.Nodes.Select(n => $"{n.Status}:{n.Attempts}:{n.ProgressPercent}"))}";

    internal static async Task<Results<Ok<CancelResponse>, ProblemHttpResult>> CancelJobAsync([FromRoute(Name = "job_id")] string jobId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!JobIdRegex().IsMatch(jobId))
        {
            return Problem(StatusCodes.Status404NotFound, "Job not found", $"no job '{Shorten(jobId)}'");
        }

        var outcome = await Queue(grains).CancelAsync(jobId).WaitAsync(GrainCallTimeout, cancellationToken);
        return outcome switch
        {
            CancelOutcome.CancelledQueued => TypedResults.Ok(new CancelResponse(jobId, "cancelled", "the job was removed from the queue before it started")),
            CancelOutcome.CancelledRunning => TypedResults.Ok(new CancelResponse(jobId, "cancelled", "the running job was cancelled")),
            CancelOutcome.AlreadyFinished => Problem(StatusCodes.Status409Conflict, "Job already finished", $"job '{jobId}' already finished; nothing to cancel"),
            _ => Problem(StatusCodes.Status404NotFound, "Job not found", $"no job '{jobId}'"),
        };
    }

    internal static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> GetHealthAsync(ICodeStore store, CancellationToken cancellationToken)
    {
        var error = await ProbeStoreAsync(store, cancellationToken);
        return error is null
            ? TypedResults.Ok(new HealthResponse("ok", null))
            : TypedResults.Json(new HealthResponse("unavailable", "the store is unavailable: " + error), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<JobDetail?> FindJobAsync(string jobId, IGrainFactory grains, ICodeStore store, CancellationToken cancellationToken) =>
        await FindAsync(jobId, grains, store, cancellationToken) switch
        {
            { Queued: { } queued, Position: var position } => JobDetail.Queued(queued, position),
            { View: { } view } => JobDetail.From(view),
            _ => null,
        };

    /// <summary>A job as the queue (while it waits), its grain (once started) or the history (if it never ran) knows it.</summary>
    internal static async Task<FoundJob?> FindAsync(string jobId, IGrainFactory grains, ICodeStore store, CancellationToken cancellationToken)
    {
        // Unknown ids must not create job activations: only well-formed ids reach the grains.
        if (!JobIdRegex().IsMatch(jobId))
        {
            return null;
        }

        var queued = await Queue(grains).GetJobAsync(jobId).WaitAsync(GrainCallTimeout, cancellationToken);
        if (queued.State == QueueJobState.Queued)
        {
            return new FoundJob(queued.Queued, queued.Position, null);
        }

        var view = await grains.GetGrain<IIngestionJobGrain>(jobId).GetStatusAsync().WaitAsync(GrainCallTimeout, cancellationToken);
        if (view.Name.Length > 0)
        {
            return new FoundJob(null, 0, view);
        }

        var record = await store.GetJobAsync(jobId, cancellationToken);
        return record is not null && JobViewJson.Deserialize(record.ViewJson) is { } recorded ? new FoundJob(null, 0, recorded) : null;
    }

    internal static async Task<string?> ProbeStoreAsync(ICodeStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.ListJobsAsync(1, cancellationToken);
            return null;
        }
        catch (StoreUnavailableException ex)
        {
            return ex.Message;
        }
    }

    private static IIngestionQueueGrain Queue(IGrainFactory grains) => grains.GetGrain<IIngestionQueueGrain>(IIngestionQueueGrain.DefaultKey);

    internal static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(detail: detail, statusCode: status, title: title);

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")]
    private static partial Regex JobIdRegex();

    [GeneratedRegex(@"^(?!-)[A-Za-z0-9._/-]{1,200}$")]
    private static partial Regex BranchRegex();

    internal sealed record FoundJob(QueuedJob? Queued, int Position, JobView? View);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "API: dispatched job {JobId} for {Repo} at queue position {Position}")]
        public static partial void Dispatched(ILogger logger, string jobId, string repo, int position);

        [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "API: the ingestion queue did not answer: {Error}")]
        public static partial void QueueUnavailable(ILogger logger, string error);
    }
}
