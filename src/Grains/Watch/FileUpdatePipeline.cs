// The per-change DAG the watcher runs for a batch of changed paths, on the same engine, with the same
// roles, retries and timeouts as a repository job:
//   detect-changes (coder: discovery rules, language, content hash vs the store)
//   -> parse-changes (coder: parse on a parse grain, staged as the job's own results)
//   -> apply-changes (admin: chunks + lexical index, applied to the published snapshot in one transaction)
//   -> graph (coder) and quality (critic) -> summarize (critic): the ingestion's own analysis steps, recomputed for
//      the whole published snapshot (AnalysisTarget), so graph edges, architecture, quality and summary match it.
using System.Text.Json;
using CodeIngest.Dag;
using CodeIngest.Ingestion;

namespace CodeIngest.Watch;

public static class FileUpdatePipeline
{
    public const string Name = "watch";

    /// <summary>Job parameter names of a file DAG (on top of the ingestion ones for discovery rules).</summary>
    public static class Parameters
    {
        public const string Root = "root";
        public const string Paths = "paths";
    }

    /// <summary>Builds the DAG that applies changes of <paramref name="paths"/> (relative to <paramref name="root"/>) to the repository's published snapshot.</summary>
    public static DagSpec Build(string root, string repo, IReadOnlyList<string> paths, WatchOptions watch, IngestionOptions ingestion)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [IngestionPipeline.Parameters.Repo] = repo,
            [IngestionPipeline.Parameters.Url] = root,
            [IngestionPipeline.Parameters.MaxFileSize] = ingestion.MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [IngestionPipeline.Parameters.IncludeExtensions] = string.Join(',', watch.IncludeExtensions.Count > 0 ? watch.IncludeExtensions : ingestion.IncludeExtensions),
            [IngestionPipeline.Parameters.IgnorePatterns] = string.Join('\n', ingestion.IgnorePatterns.Concat(watch.IgnorePatterns)),
            [Parameters.Root] = root,
            [Parameters.Paths] = JsonSerializer.Serialize(paths),
        };

        var retry = ingestion.Retry;
        DagNodeSpec[] nodes =
        [
            new("detect", DetectChangesStep.StepName, Role.Coder, [], retry, watch.NodeTimeout, []),
            new("parse", ParseChangesStep.StepName, Role.Coder, ["detect"], retry, watch.NodeTimeout, []),
            new("apply", ApplyChangesStep.StepName, Role.Admin, ["detect", "parse"], retry, watch.NodeTimeout, []),
            new("graph", Graph.GraphStep.StepName, Role.Coder, ["apply"], retry, watch.NodeTimeout, OfApplied()),
            new("quality", Quality.QualityStep.StepName, Role.Critic, ["apply"], retry, watch.NodeTimeout, OfApplied()),
            new("summarize", Summary.SummarizeStep.StepName, Role.Critic, ["apply", "graph", "quality"], retry, watch.NodeTimeout, OfApplied()),
        ];
        return new DagSpec(Name, nodes, watch.NodeTimeout * 6, parameters);
    }

    // The analysis nodes work on the snapshot the apply node updated.
    private static Dictionary<string, string> OfApplied() => new(StringComparer.Ordinal) { [Graph.AnalysisTarget.SnapshotFromParameter] = "apply" };
}
