// The stable JSON shape of an ingestion job (`codeingest ingest --json`, `status --json`, REST history).
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CodeIngest.Dag;

namespace CodeIngest.Ingestion;

public sealed record StageReport(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("duration_seconds")] double? DurationSeconds,
    [property: JsonPropertyName("error")] string? Error);

public sealed record IngestionReport(
    [property: JsonPropertyName("job_id")] string JobId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("repo")] string Repo,
    [property: JsonPropertyName("commit")] string? Commit,
    [property: JsonPropertyName("files")] int Files,
    [property: JsonPropertyName("files_parsed")] int FilesParsed,
    [property: JsonPropertyName("files_skipped")] int FilesSkipped,
    [property: JsonPropertyName("files_unchanged")] int FilesUnchanged,
    [property: JsonPropertyName("files_changed")] int FilesChanged,
    [property: JsonPropertyName("files_added")] int FilesAdded,
    [property: JsonPropertyName("files_removed")] int FilesRemoved,
    [property: JsonPropertyName("languages")] Dictionary<string, int> Languages,
    [property: JsonPropertyName("symbols")] int Symbols,
    [property: JsonPropertyName("chunks")] int Chunks,
    [property: JsonPropertyName("embeddings")] int Embeddings,
    [property: JsonPropertyName("duration_seconds")] double DurationSeconds,
    [property: JsonPropertyName("stages")] IReadOnlyList<StageReport> Stages,
    [property: JsonPropertyName("progress_percent")] double ProgressPercent,
    [property: JsonPropertyName("current_stage")] string? CurrentStage,
    [property: JsonPropertyName("error")] string? Error)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Status words of the contract: complete, failed, skipped (finished) or pending, running.</summary>
    public static string StatusWord(JobStatus status) => status switch
    {
        JobStatus.Completed => "complete",
        JobStatus.Failed or JobStatus.Cancelled => "failed",
        JobStatus.Skipped => "skipped",
        JobStatus.Running => "running",
        _ => "pending",
    };

    public static IngestionReport From(JobView view)
    {
        Dictionary<string, string> Result(string node) => view.Nodes.FirstOrDefault(n => n.Id == node)?.Result ?? [];
        static int Int(Dictionary<string, string> values, string key) =>
            values.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;

        var clone = Result("clone");
        var discover = Result("discover");
        var parse = Result("parse");
        var index = Result("index");
        var languages = index.TryGetValue("languages", out var json) ? JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? [] : [];
        var files = index.Count > 0 ? Int(index, "files") : Int(discover, "files");
        var end = view.FinishedAt ?? DateTimeOffset.UtcNow;
        var stages = view.Nodes.Select(n => new StageReport(
            n.Id,
            n.Status.ToString().ToLowerInvariant(),
            n.Attempts,
            n.StartedAt is { } s ? Math.Round(((n.FinishedAt ?? end) - s).TotalSeconds, 3) : null,
            n.Error)).ToList();

        // Change counts compare with the repository's previous snapshot (parse stage); unchanged files are not parsed again.
        return new IngestionReport(
            view.JobId,
            StatusWord(view.Status),
            clone.GetValueOrDefault("repo") ?? view.Parameters.GetValueOrDefault(IngestionPipeline.Parameters.Repo) ?? "",
            clone.GetValueOrDefault("commit"),
            files,
            Int(parse, "files_parsed"),
            index.Count > 0 ? Int(index, "files_skipped") : Int(discover, "skipped"),
            Int(parse, "files_unchanged"),
            Int(parse, "files_changed"),
            parse.ContainsKey("files_added") ? Int(parse, "files_added") : files,
            Int(parse, "files_removed"),
            languages,
            index.Count > 0 ? Int(index, "symbols") : Int(parse, "definitions"),
            Int(index, "chunks"),
            Int(Result("embed"), "embeddings"),
            view.StartedAt is { } started ? Math.Round((end - started).TotalSeconds, 3) : 0,
            stages,
            view.ProgressPercent,
            view.CurrentStage,
            view.Error);
    }
}
