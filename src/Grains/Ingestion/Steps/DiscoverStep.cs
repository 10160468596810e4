// discover (coder): lists the files to parse and records every skip with its reason.
using System.Globalization;
using CodeIngest.Dag;
using CodeIngest.Parsing;

namespace CodeIngest.Ingestion;

public sealed class DiscoverStep : IDagStep
{
    public const string StepName = "discover";

    public string Name => StepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var root = context.Tools.Workspace(context.DependencyOutput("clone", "workdir"));
        var options = OptionsFrom(context.Parameters);

        var found = FileDiscoverer.Discover(root, options, cancellationToken);
        await context.Tools.Store.SaveDiscoveryAsync(context.JobId, found.Files, found.Skipped, cancellationToken);
        if (found.Files.Count == 0)
        {
            throw new NonRetryableStepException(
                $"nothing to ingest in '{root}': no files in a supported language " +
                $"({found.Skipped.Count} skipped, {found.IgnoredFiles} ignored, {found.UnsupportedFiles} in unsupported languages). " +
                $"Supported: {string.Join(", ", Languages.All.Select(l => l.Name))}.");
        }

        return new Dictionary<string, string>
        {
            ["files"] = found.Files.Count.ToString(CultureInfo.InvariantCulture),
            ["skipped"] = found.Skipped.Count.ToString(CultureInfo.InvariantCulture),
            ["ignored"] = found.IgnoredFiles.ToString(CultureInfo.InvariantCulture),
            ["unsupported"] = found.UnsupportedFiles.ToString(CultureInfo.InvariantCulture),
            ["bytes"] = found.Files.Sum(f => f.Size).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The discovery rules a job's parameters describe (the watcher's file DAGs use the same ones).</summary>
    internal static DiscoveryOptions OptionsFrom(IReadOnlyDictionary<string, string> p)
    {
        var include = Split(p.GetValueOrDefault(IngestionPipeline.Parameters.IncludeExtensions), ',');
        var ignore = Split(p.GetValueOrDefault(IngestionPipeline.Parameters.IgnorePatterns), '\n');
        var maxSize = long.Parse(p.GetValueOrDefault(IngestionPipeline.Parameters.MaxFileSize, "1048576"), CultureInfo.InvariantCulture);
        return new DiscoveryOptions(include.Count > 0 ? include : null, [.. DiscoveryOptions.Default.IgnorePatterns, .. ignore], maxSize);
    }

    private static List<string> Split(string? value, char separator) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
