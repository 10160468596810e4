// The ingestion DAG: clone -> discover -> parse -> (graph, quality) -> index -> summarize -> summarize-model
// [-> embed after index when IngestionOptions.Embed].
using CodeIngest.Dag;
using CodeIngest.Graph;
using CodeIngest.Quality;
using CodeIngest.Summary;

namespace CodeIngest.Ingestion;

public static class IngestionPipeline
{
    public const string Name = "ingest";

    /// <summary>Job parameter names every step can read.</summary>
    public static class Parameters
    {
        public const string Url = "url";
        public const string Repo = "repo";
        public const string Branch = "branch";
        public const string MaxFileSize = "max_file_size";
        public const string IncludeExtensions = "include_extensions";
        public const string IgnorePatterns = "ignore_patterns";
        public const string CloneTimeoutSeconds = "clone_timeout_seconds";
    }

    /// <summary>Builds the DAG for one ingestion of <paramref name="source"/>.</summary>
    public static DagSpec Build(RepositorySource source, string? branch, IngestionOptions options)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Parameters.Url] = source.Url,
            [Parameters.Repo] = source.RepoId,
            [Parameters.MaxFileSize] = options.MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Parameters.IncludeExtensions] = string.Join(',', options.IncludeExtensions),
            [Parameters.IgnorePatterns] = string.Join('\n', options.IgnorePatterns),
            [Parameters.CloneTimeoutSeconds] = ((int)options.CloneTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrWhiteSpace(branch))
        {
            parameters[Parameters.Branch] = branch;
        }

        var retry = options.Retry;
        DagNodeSpec[] nodes =
        [
            new("clone", CloneStep.StepName, Role.Coder, [], retry, options.CloneTimeout + TimeSpan.FromSeconds(30), []),
            new("discover", DiscoverStep.StepName, Role.Coder, ["clone"], retry, options.DiscoverTimeout, []),
            new("parse", ParseStep.StepName, Role.Coder, ["clone", "discover"], retry, options.ParseTimeout, []),
            new("graph", GraphStep.StepName, Role.Coder, ["parse"], retry, options.AnalysisTimeout, []),
            new("quality", QualityStep.StepName, Role.Critic, ["parse"], retry, options.AnalysisTimeout, []),
            new("index", IndexStep.StepName, Role.Admin, ["parse", "graph", "quality"], retry, options.IndexTimeout, []),
            new("summarize", SummarizeStep.StepName, Role.Critic, ["index"], retry, options.AnalysisTimeout, []),
            new(CodeInsights.SummarizeModelStepName, CodeInsights.SummarizeModelStepName, Role.Researcher, ["summarize"], retry, options.AnalysisTimeout, []),
        ];
        if (options.Embed)
        {
            nodes = [.. nodes, new("embed", CodeIngest.Embedding.EmbedStep.StepName, Role.Researcher, ["index"], retry, options.EmbedTimeout, [])];
        }

        return new DagSpec(Name, nodes, options.JobTimeout, parameters);
    }
}
