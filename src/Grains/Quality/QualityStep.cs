// quality (critic): reviews the snapshot's stored files and writes only its report — to the store's
// analysis reports and as quality.json in the job's report directory. It changes nothing else.
// Files stream from the store and are reviewed several at a time; only each file's review is kept.
using System.Globalization;
using System.Text.Json;
using CodeIngest.Dag;
using CodeIngest.Graph;
using CodeIngest.Storage;

namespace CodeIngest.Quality;

public sealed class QualityStep : IDagStep
{
    public const string StepName = "quality";

    // The watcher's refreshes of published snapshots reuse the reviews of unchanged files (see QualityRefresh).
    private readonly SnapshotCache<SnapshotReviews> _refreshes = new(snapshot => new SnapshotReviews(snapshot));

    public string Name => StepName;

    public Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        AnalysisTarget.RunAsync(context, snapshot => AnalyzeAsync(context, snapshot, cancellationToken), [], cancellationToken);

    private async Task<Dictionary<string, string>> AnalyzeAsync(StepContext context, string snapshot, CancellationToken cancellationToken)
    {
        var store = context.Tools.Store;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = new Dictionary<string, string>();
        var report = snapshot == context.JobId
            ? await QualityAnalyzer.AnalyzeAsync(store.StreamFilesAsync(snapshot, cancellationToken), cancellationToken: cancellationToken)
            : await _refreshes.For(snapshot).RefreshAsync(store, result, cancellationToken);
        var analyzeSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();

        // A cancelled step writes nothing; a write cut short leaves no truncated quality.json (it is written aside, then moved).
        cancellationToken.ThrowIfCancellationRequested();
        var json = JsonSerializer.Serialize(report, CodeInsights.Json);
        await store.SaveReportAsync(snapshot, ReportKinds.Quality, json, cancellationToken);
        var path = Path.Combine(context.Tools.ReportDirectory(), "quality.json");
        var partial = path + ".partial";
        await File.WriteAllTextAsync(partial, json, cancellationToken);
        File.Move(partial, path, overwrite: true);
        return new Dictionary<string, string>(result)
        {
            ["score"] = report.Score.ToString("0.0", CultureInfo.InvariantCulture),
            ["functions"] = report.Functions.Count.ToString(CultureInfo.InvariantCulture),
            ["findings"] = report.Findings.Count.ToString(CultureInfo.InvariantCulture),
            ["security_findings"] = report.Findings.Count(f => f.Rule.StartsWith("secret/", StringComparison.Ordinal) || f.Rule.StartsWith("dangerous/", StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture),
            ["duplicate_blocks"] = report.Duplicates.Count.ToString(CultureInfo.InvariantCulture),
            ["analyze_seconds"] = analyzeSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["save_seconds"] = clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
        };
    }
}
