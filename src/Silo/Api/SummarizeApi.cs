// The seeds' task API: POST /summarize queues an ingestion (the task id is the job id) and
// GET /info/{task_id} reports it as {task_id, task_status, task_meta{url, stage, …}}. When done, the
// summary is the summarize node's (README purpose, languages, entry points, layers, central files, hot
// spots; plus the model-written text when one was configured) and dependency_graph the file import graph.
using System.Text.Json.Serialization;
using CodeIngest.Dag;
using CodeIngest.Graph;
using CodeIngest.Ingestion;
using CodeIngest.Storage;
using CodeIngest.Summary;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CodeIngest.Silo.Api;

public sealed record SummarizeRequest(string? RepoUrl);

public sealed record SummarizeResponse(string TaskId, string Status, string Message);

public sealed record TaskInfo(string TaskId, string TaskStatus, TaskMeta TaskMeta);

public sealed record TaskMeta(
    string Url,
    string Stage,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Summary,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TaskStats? Stats,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? QueuePosition,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DependencyGraph? DependencyGraph = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RepositorySummary? Details = null);

public sealed record TaskStats(int Files, int Symbols, int Chunks, Dictionary<string, int> Languages, string? Commit, double DurationSeconds);

public static class SummarizeApi
{
    public static IEndpointRouteBuilder MapSummarizeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").WithTags("tasks");
        api.MapPost("/summarize", SummarizeAsync)
            .AddEndpointFilter<AdminTokenFilter>()
            .RequireRateLimiting(IngestionApi.WritePolicy)
            .WithSummary("Queues an ingestion and summary of a repository (Bearer token); the task id is the job id.");
        api.MapGet("/info/{task_id}", GetInfoAsync).RequireRateLimiting(IngestionApi.ReadPolicy).WithSummary("Status and result of a summarize task.");
        return app;
    }

    internal static async Task<Results<Ok<SummarizeResponse>, ProblemHttpResult>> SummarizeAsync(
        SummarizeRequest? request, IOptionsMonitor<ApiOptions> options, IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.RepoUrl))
        {
            return IngestionApi.Problem(StatusCodes.Status400BadRequest, "Invalid request", "send a JSON body {\"repo_url\": \"github.com/owner/repo\"}");
        }

        var (dispatched, problem) = await IngestionApi.DispatchAsync(request.RepoUrl, null, null, options.CurrentValue, grains, loggers, cancellationToken);
        if (dispatched is null)
        {
            return problem!;
        }

        return TypedResults.Ok(new SummarizeResponse(dispatched.JobId, "pending", $"queued at position {dispatched.QueuePosition}; follow it at /info/{dispatched.JobId}"));
    }

    internal static async Task<Results<Ok<TaskInfo>, ProblemHttpResult>> GetInfoAsync([FromRoute(Name = "task_id")] string taskId, IGrainFactory grains, ICodeStore store, CancellationToken cancellationToken)
    {
        IngestionApi.FoundJob? found;
        try
        {
            found = await IngestionApi.FindAsync(taskId, grains, store, cancellationToken);
        }
        catch (StoreUnavailableException ex)
        {
            return IngestionApi.Problem(StatusCodes.Status503ServiceUnavailable, "Store unavailable", ex.Message);
        }

        if (found is { Queued: { } queued })
        {
            return TypedResults.Ok(new TaskInfo(taskId, "pending", new TaskMeta(queued.Url, "queued", null, null, null, null, found.Position, null)));
        }

        if (found?.View is not { } view)
        {
            return IngestionApi.Problem(StatusCodes.Status404NotFound, "Task not found", $"no task '{(taskId.Length <= 80 ? taskId : taskId[..80])}'");
        }

        var report = IngestionReport.From(view);
        var url = view.Parameters.GetValueOrDefault(IngestionPipeline.Parameters.Url) ?? report.Repo;
        var meta = view.Status switch
        {
            JobStatus.Completed => await CompletedAsync(new TaskMeta(url, "done", view.StartedAt, view.FinishedAt, Summarize(report), Stats(report), null, null), report, taskId, store, cancellationToken),
            JobStatus.Running or JobStatus.Pending => new TaskMeta(url, view.CurrentStage ?? "starting", view.StartedAt, null, null, null, null, null),
            _ => new TaskMeta(url, view.CurrentStage ?? view.Status.ToString().ToLowerInvariant(), view.StartedAt, view.FinishedAt, null, null, null, view.Error ?? view.Status.ToString().ToLowerInvariant()),
        };
        var status = view.Status switch
        {
            JobStatus.Completed => "complete",
            JobStatus.Running => "running",
            JobStatus.Pending => "pending",
            _ => "failed",
        };
        return TypedResults.Ok(new TaskInfo(taskId, status, meta));
    }

    /// <summary>The stored summary and file dependency graph of the task's snapshot (the snapshot id is the job id).</summary>
    private static async Task<TaskMeta> CompletedAsync(TaskMeta meta, IngestionReport report, string taskId, ICodeStore store, CancellationToken cancellationToken)
    {
        var insights = new CodeInsights(store);
        try
        {
            var repo = await insights.FindRepoAsync(report.Repo, cancellationToken);
            var snapshot = await insights.FindSnapshotAsync(repo, taskId, cancellationToken);
            var summary = await insights.SummaryAsync(repo, snapshot, cancellationToken);
            var (edges, architecture) = await insights.GraphAsync(snapshot.SnapshotId, cancellationToken);
            var text = summary.ModelSummary is { } model ? summary.Summary + "\n\n" + model : summary.Summary;
            return meta with { Summary = text, DependencyGraph = GraphQueries.FileGraph(edges, architecture), Details = summary };
        }
        catch (InsightNotFoundException)
        {
            return meta; // the snapshot is gone (or was never published): keep the statistics
        }
    }

    private static TaskStats Stats(IngestionReport r) => new(r.Files, r.Symbols, r.Chunks, r.Languages, r.Commit, r.DurationSeconds);

    private static string Summarize(IngestionReport r)
    {
        var languages = r.Languages.Count == 0 ? "no supported language" : string.Join(", ", r.Languages.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key} ({l.Value})"));
        var commit = r.Commit is { Length: >= 12 } c ? $" at commit {c[..12]}" : "";
        return $"{r.Repo}{commit}: {r.Files} files in {languages}; {r.Symbols} definitions, {r.Chunks} searchable chunks.";
    }
}
