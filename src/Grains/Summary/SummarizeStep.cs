// summarize (critic): builds the repository summary from the snapshot's files, architecture and
// quality reports, and writes it as its report. summarize-model (researcher) then asks a configured
// OpenAI-compatible model for a written summary of the same material; it may not write the store, so
// the text is its node result (served by /info and `codeingest summary`).
using System.Globalization;
using System.Text.Json;
using CodeIngest.Dag;
using CodeIngest.Graph;
using CodeIngest.Ingestion;
using CodeIngest.Quality;
using CodeIngest.Storage;
using Microsoft.Extensions.Options;

namespace CodeIngest.Summary;

public sealed class SummarizeStep : IDagStep
{
    public const string StepName = "summarize";

    public string Name => StepName;

    public Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        AnalysisTarget.RunAsync(context, snapshot => SummarizeAsync(context, snapshot, cancellationToken), [ReportKinds.Architecture, ReportKinds.Quality], cancellationToken);

    private static async Task<Dictionary<string, string>> SummarizeAsync(StepContext context, string snapshot, CancellationToken cancellationToken)
    {
        var store = context.Tools.Store;
        var repo = context.Require(IngestionPipeline.Parameters.Repo);
        var summary = await BuildAsync(store, repo, snapshot, cancellationToken);
        var json = JsonSerializer.Serialize(summary, CodeInsights.Json);
        await store.SaveReportAsync(snapshot, ReportKinds.Summary, json, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(context.Tools.ReportDirectory(), "summary.md"), summary.Summary, cancellationToken);
        return new Dictionary<string, string>
        {
            ["purpose"] = summary.Purpose ?? "",
            ["entry_points"] = summary.EntryPoints.Count.ToString(CultureInfo.InvariantCulture),
            ["layers"] = summary.Layers.Count.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The summary of a snapshot from what the store holds: per-file statistics, the README and the stored reports.</summary>
    public static async Task<RepositorySummary> BuildAsync(ICodeStore store, string repo, string snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var commit = (await store.ListSnapshotsAsync(repo, cancellationToken)).FirstOrDefault(s => s.SnapshotId == snapshot)?.Commit;

        // Per-file statistics and the README only: the graph and quality stages already read every text and stored what they found.
        var files = await store.GetFileStatsAsync(snapshot, cancellationToken);
        var readme = SummaryBuilder.ReadmePath(files.Select(f => f.Path)) is { } readmePath
            ? (await store.GetFilesByPathAsync(snapshot, [readmePath], cancellationToken)).FirstOrDefault()
            : null;
        var architectureJson = await store.GetReportAsync(snapshot, ReportKinds.Architecture, cancellationToken);
        var qualityJson = await store.GetReportAsync(snapshot, ReportKinds.Quality, cancellationToken);
        return SummaryBuilder.Build(
            repo,
            commit,
            files,
            readme is null ? null : SummaryBuilder.PurposeOf(readme.Text),
            architectureJson is null ? null : JsonSerializer.Deserialize<ArchitectureReport>(architectureJson, CodeInsights.Json),
            qualityJson is null ? null : JsonSerializer.Deserialize<QualityReport>(qualityJson, CodeInsights.Json));
    }
}

public sealed class SummarizeModelStep(IOptionsMonitor<SummaryOptions> options) : IDagStep
{
    public string Name => CodeInsights.SummarizeModelStepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        if (!current.IsConfigured)
        {
            return new Dictionary<string, string> { ["model"] = "", ["note"] = "no model endpoint configured (CodeIngest:Summary:BaseUrl, Model)" };
        }

        var http = context.Tools.Http();
        var json = await context.Tools.Store.GetReportAsync(context.JobId, ReportKinds.Summary, cancellationToken)
            ?? throw new NonRetryableStepException("the summarize node stored no summary for this job");
        var summary = JsonSerializer.Deserialize<RepositorySummary>(json, CodeInsights.Json)!;
        try
        {
            var text = await ModelSummarizer.SummarizeAsync(http, current, summary, cancellationToken);
            return new Dictionary<string, string> { ["model"] = current.Model!, ["model_summary"] = text };
        }
        catch (ModelSummaryException ex) when (context.Attempt >= 2)
        {
            // The built-in summary stands; a model that keeps failing does not fail the ingestion.
            return new Dictionary<string, string> { ["model"] = current.Model!, ["error"] = ex.Message };
        }
    }
}
