// The graph and summarize stages on a store that already holds an ingested snapshot (a full ingest's
// data directory): the same calls the DAG steps make — stream the files into graph sources, build the
// graph, analyse the architecture, save edges and report; then build the summary from per-file
// statistics, the README and the stored reports — timed part by part, with the managed heap and the
// process's peak working set. Yardstick in the same run: one plain read of every stored file
// (GetFilesAsync, the whole snapshot in memory), the least a stage that reads every file must do.
// The run writes the snapshot's graph and summary again (the same results), so use a copy of the data.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeIngest.Graph;
using CodeIngest.Storage;
using CodeIngest.Summary;

namespace CodeIngest.Bench;

public static class GraphStageBench
{
    public static async Task<int> RunAsync(string dataDirectory, string? snapshot)
    {
        var database = Path.Combine(dataDirectory, "codeingest.db");
        if (!File.Exists(database))
        {
            Console.Error.WriteLine($"no store at {database}: pass the data directory of a finished ingest (a copy: the run rewrites its graph and summary)");
            return 2;
        }

        var store = new SqliteCodeStore(database);
        await store.InitializeAsync();
        var repo = (await store.ListReposAsync()).FirstOrDefault(r => snapshot is null || r.LatestSnapshot == snapshot);
        snapshot ??= repo?.LatestSnapshot;
        if (repo is null || snapshot is null)
        {
            Console.Error.WriteLine("the store holds no published snapshot");
            return 2;
        }

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"store: {database}, repo {repo.Repo}, snapshot {snapshot}");
        Console.WriteLine();
        Console.WriteLine("| part | seconds | managed heap after (MB) |");
        Console.WriteLine("|---|---|---|");
        var clock = Stopwatch.StartNew();
        void Row(string part)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {part} | {clock.Elapsed.TotalSeconds:0.00} | {GC.GetTotalMemory(false) / 1e6:0} |"));
            clock.Restart();
        }

        var total = Stopwatch.StartNew();
        var sources = await GraphStep.LoadAsync(store, snapshot, CancellationToken.None);
        Row($"graph: stream {sources.Count} files into graph sources");
        var graph = GraphBuilder.Build(sources);
        sources = null;
        Row($"graph: build ({graph.Edges.Count} edges)");
        var architecture = ArchitectureAnalyzer.Analyze(graph);
        Row("graph: architecture (SCC, layers, PageRank, modules)");
        var json = JsonSerializer.Serialize(architecture, CodeInsights.Json);
        await store.SaveGraphAsync(snapshot, graph.Edges, json);
        Row($"graph: save edges and report ({json.Length / 1e6:0.0} MB JSON)");
        var graphSeconds = total.Elapsed.TotalSeconds;
        graph = null;
        GC.Collect();

        total.Restart();
        clock.Restart();
        var summary = await SummarizeStep.BuildAsync(store, repo.Repo, snapshot, CancellationToken.None);
        Row("summarize: file statistics, README, reports, summary");
        await store.SaveReportAsync(snapshot, ReportKinds.Summary, JsonSerializer.Serialize(summary, CodeInsights.Json));
        Row("summarize: save");
        var summarizeSeconds = total.Elapsed.TotalSeconds;
        var stagesPeak = Process.GetCurrentProcess().PeakWorkingSet64;
        GC.Collect();

        clock.Restart();
        var files = await store.GetFilesAsync(snapshot);
        Row($"yardstick: GetFilesAsync ({files.Count} files, texts and parse data in memory)");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"graph stage {graphSeconds:0.0} s, summarize stage {summarizeSeconds:0.0} s; peak working set {stagesPeak / 1e6:0} MB through both stages, {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB with the yardstick"));
        GC.KeepAlive(files);
        return 0;
    }
}
