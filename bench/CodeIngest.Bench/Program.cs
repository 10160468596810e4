// Benchmarks. Usage:
//   CodeIngest.Bench parse <dir>   parse-stage throughput of a real ingestion (embedded silo,
//                                  SQLite store) against raw tree-sitter loops on the same files
//   CodeIngest.Bench api <base-url> <token> [rates] [seconds]
//                                  REST dispatch/status latency at fixed request rates (run by bench/api-latency.sh)
//   CodeIngest.Bench cluster <dir> <postgres>  parse stage on 1, 2, 3 silo processes (cluster mode)
//                                  and the cost of killing the job's silo mid-parse (needs src/Silo built)
//   CodeIngest.Bench embed [texts] [threads]   default embedding model: OnnxEmbedder against a
//                                  bare ONNX Runtime session on the same texts, batch 32
//   CodeIngest.Bench search [sizes] [queries]   exact vector top-10 latency and memory at N chunks
//                                  (default 10000,100000) against a scalar loop, same run
//   CodeIngest.Bench search-e2e <python-dir> [sizes] [rounds]   search latency through a hosted silo's search grain
//                                  (lexical, vector, hybrid) at N chunks of real code with random vectors, next to
//                                  bare FTS5, bare exact top-k and bare query embedding; shard memory; CLI first vs repeated
//   CodeIngest.Bench graph <dir>   graph build, architecture and quality review time and memory, next to
//                                  the parse of the same files and a bare loop over their references
//   CodeIngest.Bench watch <dir> [edits] [debounce-ms]   save -> searchable latency of single-file edits
//                                  under the watcher, against a full ingest and a re-ingest of the same tree
using CodeIngest.Bench;
using CodeIngest.Client;
using CodeIngest.Parsing;
using CodeIngest.Storage;

switch (args.FirstOrDefault())
{
    case "parse" when args.Length == 2:
        return await RunParseAsync(Path.GetFullPath(args[1]));
    case "api" when args.Length >= 3:
        return await ApiLoad.RunAllAsync(args[1], args[2], args.Length > 3 ? [.. args[3].Split(',').Select(int.Parse)] : [100, 250, 500], TimeSpan.FromSeconds(args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 10));
    case "cluster" when args.Length == 3:
        return await ClusterBench.RunAsync(Path.GetFullPath(args[1]), args[2]);
    case "graph" when args.Length == 2:
        return GraphBench.Run(Path.GetFullPath(args[1]));
    case "embed" when args.Length <= 3:
        return await EmbedBench.RunAsync(
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2048,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount);
    case "search" when args.Length <= 3:
        return SearchBench.Run(
            args.Length > 1 ? [.. args[1].Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))] : [10_000, 100_000],
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200);
    case "search-e2e" when args.Length is >= 2 and <= 4:
        return await SearchE2eBench.RunAsync(
            Path.GetFullPath(args[1]),
            args.Length > 2 ? [.. args[2].Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))] : [10_000, 100_000],
            args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 2);
    case "watch" when args.Length is >= 2 and <= 4:
        return await WatchBench.RunAsync(
            Path.GetFullPath(args[1]),
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 40,
            args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0);
    default:
        Console.Error.WriteLine("usage: CodeIngest.Bench parse <dir> | graph <dir> | cluster <dir> <postgres> | api <base-url> <token> [rates] [seconds] | embed [texts] [threads] | search [sizes] [queries] | search-e2e <python-dir> [sizes] [rounds] | watch <dir> [edits] [debounce-ms]");
        return 2;
}

static async Task<int> RunParseAsync(string directory)
{
    var threads = Environment.ProcessorCount;
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    Console.WriteLine($"corpus: {directory}");

    // 1. The product: a real ingestion on an embedded silo; the parse stage reads the files,
    //    fans batches out to parse grains and stores every result in SQLite.
    var data = Directory.CreateTempSubdirectory("codeingest-bench-").FullName;
    string jobId;
    TimeSpan parseStage, wholeJob;
    int parsedFiles;
    await using (var cluster = await EmbeddedCluster.StartAsync(data))
    {
        var started = await cluster.Client.StartIngestionAsync(directory);
        var view = await cluster.Client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(100));
        if (!view.IsFinished || view.Error is not null)
        {
            Console.Error.WriteLine($"ingestion failed: {view.Error}");
            return 1;
        }

        jobId = view.JobId;
        var parse = view.Nodes.Single(n => n.Id == "parse");
        parseStage = parse.FinishedAt!.Value - parse.StartedAt!.Value;
        wholeJob = view.FinishedAt!.Value - view.StartedAt!.Value;
        parsedFiles = int.Parse(parse.Result["files_parsed"], System.Globalization.CultureInfo.InvariantCulture);
    }

    // 2. The yardstick: the same files (exactly those discovery accepted), parsed and tag-queried
    //    by raw tree-sitter calls with no Orleans and no storage.
    var store = new SqliteCodeStore(Path.Combine(data, "codeingest.db"));
    var discovered = await store.GetDiscoveredFilesAsync(jobId);
    var files = discovered.Select(f => (f.Path, f.Language, File.ReadAllBytes(Path.Combine(directory, f.Path)))).ToList();
    var bytes = files.Sum(f => (long)f.Item3.Length);
    Console.WriteLine($"files: {files.Count} ({bytes / 1e6:0.0} MB) accepted by discovery; {parsedFiles} parsed by the stage");

    var warmup = files.Take(Math.Min(200, files.Count)).ToList();
    ParseBench.RawTreeSitterLoop(warmup);
    var raw1 = ParseBench.RawTreeSitterLoop(files);
    var rawN = RawParallel(files, threads);
    var service = ParseBench.ParserServiceLoop(files, threads);

    Console.WriteLine();
    Console.WriteLine("| loop | threads | files | seconds | files/s | MB/s | vs raw (same threads) |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    Row("raw tree-sitter parse + tags query", 1, raw1.Files, raw1.Elapsed, bytes, null);
    Row("raw tree-sitter parse + tags query", threads, rawN.Files, rawN.Elapsed, bytes, null);
    Row("TreeSitterParser.Parse (predicates, dedupe, records)", threads, service.Files, service.Elapsed, bytes, rawN);
    Row("parse stage (Orleans fan-out + SQLite writes)", threads, parsedFiles, parseStage, bytes, rawN);
    Console.WriteLine();
    Console.WriteLine($"whole ingestion (clone, discover, parse, index): {wholeJob.TotalSeconds:0.0} s");
    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
    }

    return 0;
}

static (int Files, long Definitions, TimeSpan Elapsed) RawParallel(List<(string, string, byte[])> files, int threads)
{
    var parts = Enumerable.Range(0, threads).Select(t => files.Where((_, i) => i % threads == t).ToList()).ToList();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    // One dedicated thread per slice (PLINQ may hand both slices to one worker).
    var workers = parts.Select(p => Task.Factory.StartNew(() => ParseBench.RawTreeSitterLoop(p), TaskCreationOptions.LongRunning)).ToArray();
    Task.WaitAll(workers);
    var results = workers.Select(w => w.Result).ToList();
    return (results.Sum(r => r.Files), results.Sum(r => r.Definitions), clock.Elapsed);
}

static void Row(string name, int threads, int files, TimeSpan elapsed, long bytes, (int Files, long Definitions, TimeSpan Elapsed)? yardstick)
{
    var perSecond = files / elapsed.TotalSeconds;
    var ratio = yardstick is { } y ? $"{perSecond / (y.Files / y.Elapsed.TotalSeconds):0.00}x" : "-";
    Console.WriteLine($"| {name} | {threads} | {files} | {elapsed.TotalSeconds:0.00} | {perSecond:0} | {bytes / 1e6 / elapsed.TotalSeconds:0.0} | {ratio} |");
}
