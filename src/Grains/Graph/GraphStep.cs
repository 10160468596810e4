// graph (coder): builds the snapshot's code graph from the stored parse results and stores its edges
// and architecture report as the step's own results. In the watcher's file DAG it refreshes the published snapshot's
// graph (see AnalysisTarget) incrementally, from the silo's cached graph of that snapshot (see GraphRefresh).
using System.Globalization;
using System.Text.Json;
using CodeIngest.Dag;

namespace CodeIngest.Graph;

public sealed class GraphStep : IDagStep
{
    public const string StepName = "graph";

    // The watcher's refreshes of published snapshots (an ingestion's own snapshot is built once, in full).
    private readonly SnapshotCache<SnapshotGraph> _refreshes = new(snapshot => new SnapshotGraph(snapshot));

    public string Name => StepName;

    public Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        AnalysisTarget.RunAsync(
            context,
            snapshot => snapshot == context.JobId ? AnalyzeAsync(context, snapshot, cancellationToken) : _refreshes.For(snapshot).RefreshAsync(context.Tools.Store, cancellationToken),
            [],
            cancellationToken);

    private static async Task<Dictionary<string, string>> AnalyzeAsync(StepContext context, string snapshot, CancellationToken cancellationToken)
    {
        var store = context.Tools.Store;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var sources = await LoadAsync(store, snapshot, cancellationToken);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var graph = GraphBuilder.Build(sources, cancellationToken);
        var architecture = ArchitectureAnalyzer.Analyze(graph, cancellationToken);
        var buildSeconds = clock.Elapsed.TotalSeconds;
        await context.ReportProgressAsync(0.5, $"{graph.Edges.Count} edges");
        clock.Restart();

        // A cancelled step writes nothing: the save below would store a graph whose step is reported cancelled.
        cancellationToken.ThrowIfCancellationRequested();
        await store.SaveGraphAsync(snapshot, graph.Edges, JsonSerializer.Serialize(architecture, CodeInsights.Json), cancellationToken);
        var result = StatsOf(architecture);
        result["load_seconds"] = loadSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        result["build_seconds"] = buildSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        result["save_seconds"] = clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>The step result's counts of a graph's architecture report.</summary>
    internal static Dictionary<string, string> StatsOf(ArchitectureReport architecture)
    {
        var s = architecture.Stats;
        return new Dictionary<string, string>
        {
            ["import_edges"] = s.ImportEdges.ToString(CultureInfo.InvariantCulture),
            ["imports_resolved"] = s.ImportsResolved.ToString(CultureInfo.InvariantCulture),
            ["call_edges"] = s.CallEdges.ToString(CultureInfo.InvariantCulture),
            ["calls_resolved"] = s.CallsResolved.ToString(CultureInfo.InvariantCulture),
            ["inherit_edges"] = s.InheritEdges.ToString(CultureInfo.InvariantCulture),
            ["cycles"] = architecture.Cycles.Count.ToString(CultureInfo.InvariantCulture),
            ["layers"] = architecture.Layers.Count.ToString(CultureInfo.InvariantCulture),
            ["entry_points"] = architecture.EntryPoints.Count.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The snapshot's files, each reduced to what the graph needs as it is read: the texts are never all in memory.</summary>
    public static async Task<List<GraphSource>> LoadAsync(Storage.ICodeStore store, string snapshot, CancellationToken cancellationToken)
    {
        var sources = new List<GraphSource>();
        await store.ForEachFileAsync(snapshot, file => sources.Add(GraphSource.From(file)), cancellationToken);
        return sources;
    }
}
