// The JSON shapes of the ingestion REST API (snake_case, as the seeds documented them).
using System.Globalization;
using System.Text.Json.Serialization;
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Queue;
using CodeIngest.Storage;

namespace CodeIngest.Silo.Api;

public sealed record DispatchResponse(string Status, string JobId, int QueuePosition, string Target, int QueueSize, int MaxQueueSize);

public sealed record WorkerStatusResponse(
    string Status,
    string[] Ingesting,
    int QueueSize,
    int Running,
    int MaxQueueSize,
    int MaxConcurrent,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);

public sealed record CancelResponse(string JobId, string Status, string Detail);

public sealed record HealthResponse(string Status, string? Detail);

public sealed record HistoryResponse(IReadOnlyList<HistoryEntry> Jobs);

/// <summary>One job of the history: the complete, failed and skipped shapes share these fields; absent ones are omitted.</summary>
public sealed record HistoryEntry(
    string JobId,
    string Repo,
    string Status,
    DateTimeOffset Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DurationSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FilesProcessed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? EmbeddingsGenerated,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? AgeSeconds)
{
    public static HistoryEntry From(JobRecord record)
    {
        var view = JobViewJson.Deserialize(record.ViewJson);
        var timestamp = record.FinishedAt ?? record.CreatedAt;
        if (view is null)
        {
            return new HistoryEntry(record.JobId, record.Repo, record.Status, timestamp, null, null, null, null, null, null);
        }

        var report = IngestionReport.From(view);
        var status = IngestionReport.StatusWord(view.Status);
        return status switch
        {
            "complete" => new HistoryEntry(record.JobId, record.Repo, status, timestamp, report.DurationSeconds, report.Files, report.Embeddings, null, null, null),
            "skipped" => new HistoryEntry(record.JobId, record.Repo, status, timestamp, null, null, null, null, view.Parameters.GetValueOrDefault(QueueParameters.Reason) ?? view.Error, AgeOf(view)),
            "failed" => new HistoryEntry(record.JobId, record.Repo, status, timestamp, view.StartedAt is null ? null : report.DurationSeconds, view.StartedAt is null ? null : report.Files, null, view.Error, view.Parameters.GetValueOrDefault(QueueParameters.Reason), AgeOf(view)),
            _ => new HistoryEntry(record.JobId, record.Repo, status, timestamp, report.DurationSeconds, null, null, null, null, null),
        };
    }

    internal static double? AgeOf(JobView view) =>
        view.Parameters.TryGetValue(QueueParameters.AgeSeconds, out var a) && double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var age) ? age : null;
}

/// <summary>A job's DAG status: its nodes with attempts, progress and the current stage (or its place in the queue).</summary>
public sealed record JobDetail(
    string JobId,
    string Status,
    string Repo,
    double ProgressPercent,
    string? Stage,
    int? QueuePosition,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds,
    string? Error,
    string? Reason,
    double? AgeSeconds,
    IReadOnlyList<NodeDetail> Nodes)
{
    public bool IsFinished => Status is "complete" or "failed" or "cancelled" or "skipped";

    public static JobDetail Queued(QueuedJob job, int position) =>
        new(job.JobId, "queued", job.Repo, 0, null, position, job.EnqueuedAt, null, null, null, null, null, null, []);

    public static JobDetail From(JobView view)
    {
        var status = view.Status switch
        {
            JobStatus.Completed => "complete",
            JobStatus.Cancelled => "cancelled",
            _ => view.Status.ToString().ToLowerInvariant(),
        };
        var end = view.FinishedAt ?? DateTimeOffset.UtcNow;
        var nodes = view.Nodes.Select(n => new NodeDetail(
            n.Id,
            n.Step,
            n.Role.ToString().ToLowerInvariant(),
            n.Status.ToString().ToLowerInvariant(),
            n.Attempts,
            n.StartedAt,
            n.FinishedAt,
            n.StartedAt is { } s ? Math.Round(((n.FinishedAt ?? end) - s).TotalSeconds, 3) : null,
            n.Error,
            Math.Round(n.Progress * 100, 1),
            n.Message,
            n.Result)).ToList();
        return new JobDetail(
            view.JobId,
            status,
            view.Parameters.GetValueOrDefault(IngestionPipeline.Parameters.Repo) ?? view.Name,
            view.ProgressPercent,
            view.CurrentStage,
            null,
            view.CreatedAt,
            view.StartedAt,
            view.FinishedAt,
            view.StartedAt is { } started ? Math.Round((end - started).TotalSeconds, 3) : null,
            view.Error,
            view.Parameters.GetValueOrDefault(QueueParameters.Reason),
            HistoryEntry.AgeOf(view),
            nodes);
    }
}

public sealed record NodeDetail(
    string Id,
    string Step,
    string Role,
    string Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds,
    string? Error,
    double ProgressPercent,
    string? Message,
    Dictionary<string, string> Result);
