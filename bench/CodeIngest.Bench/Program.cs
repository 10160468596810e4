// Benchmarks. Usage:
//   CodeIngest.Bench parse <dir>   parse-stage throughput of a real ingestion (embedded silo, job cancelled after parse,
//                                  SQLite store) against raw tree-sitter loops on the same files
//   CodeIngest.Bench parse-store <dir>   the parse stage's work beyond the parser, piece by piece on the same files
//                                  (hash, decode, parse-data encoding, Orleans serialization, SQLite inserts per table)
//   CodeIngest.Bench api <base-url> <token> [rates] [seconds]
//                                  REST dispatch/status latency at fixed request rates (run by bench/api-latency.sh)
//   CodeIngest.Bench cluster <dir> <postgres>  parse stage on 1, 2, 3 silo processes (cluster mode)
//                                  and the cost of killing the job's silo mid-parse (needs src/Silo built)
//   CodeIngest.Bench embed [texts] [threads]   default embedding model: OnnxEmbedder against a
//                                  bare ONNX Runtime session on the same texts, batch 32
//   CodeIngest.Bench embed-stage <dir> [rounds] [threads] [warm-up rounds]   the ingest job's embed stage end to end (grains,
//                                  batcher, store reads and writes) against a bare ONNX Runtime session on the same texts,
//                                  batch 32; 1 warm-up round unless told (more let the process's JIT tier-up settle)
//   CodeIngest.Bench search [sizes] [queries]   exact vector top-10 latency and memory at N chunks
//                                  (default 10000,100000) against a scalar loop, same run
//   CodeIngest.Bench search-e2e <python-dir> [sizes] [rounds]   search latency through a hosted silo's search grain
//                                  (lexical, vector, hybrid) at N chunks of real code with random vectors, next to
//                                  bare FTS5, bare exact top-k and bare query embedding; shard memory; CLI first vs repeated
//   CodeIngest.Bench graph <dir>   graph build, architecture and quality review time and memory, next to
//                                  the parse of the same files and a bare loop over their references
//   CodeIngest.Bench graph-stage <data-dir> [snapshot]   the graph and summarize stages' own code on the
//                                  store of a finished ingest (use a copy), part by part, next to one plain read of every file
//   CodeIngest.Bench watch <dir> [edits] [debounce-ms]   save -> searchable latency of single-file edits
//                                  under the watcher, against a full ingest and a re-ingest of the same tree
//   CodeIngest.Bench recall <dir> [dir...]   per language, the share of universal-ctags' function/class/method
//                                  definitions that the parser finds on the files discovery accepts, and why the rest are missed
using CodeIngest.Bench;
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Parsing;
using CodeIngest.Storage;

switch (args.FirstOrDefault())
{
    case "parse" when args.Length == 2 || (args.Length == 3 && args[2] == "--quick"):
        return await RunParseAsync(Path.GetFullPath(args[1]), quick: args.Length == 3);
    case "parse-store" when args.Length == 2:
        return await ParseStoreBench.RunAsync(Path.GetFullPath(args[1]));
    case "api" when args.Length >= 3:
        return await ApiLoad.RunAllAsync(args[1], args[2], args.Length > 3 ? [.. args[3].Split(',').Select(int.Parse)] : [100, 250, 500], TimeSpan.FromSeconds(args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 10));
    case "cluster" when args.Length == 3:
        return await ClusterBench.RunAsync(Path.GetFullPath(args[1]), args[2]);
    case "recall" when args.Length >= 2:
        return RecallBench.Run(args[1..]);
    case "graph" when args.Length == 2:
        return GraphBench.Run(Path.GetFullPath(args[1]));
    case "graph-stage" when args.Length is 2 or 3:
        return await GraphStageBench.RunAsync(Path.GetFullPath(args[1]), args.Length > 2 ? args[2] : null);
    case "embed" when args.Length <= 3:
        return await EmbedBench.RunAsync(
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2048,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount);
    case "embed-stage" when args.Length is >= 2 and <= 5:
        return await EmbedStageBench.RunAsync(
            Path.GetFullPath(args[1]),
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2,
            args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount,
            args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 1);
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
        Console.Error.WriteLine("usage: CodeIngest.Bench parse <dir> [--quick] | parse-store <dir> | recall <dir> [dir...] | graph <dir> | graph-stage <data-dir> [snapshot] | cluster <dir> <postgres> | api <base-url> <token> [rates] [seconds] | embed [texts] [threads] | embed-stage <dir> [rounds] [threads] [warm-up rounds] | search [sizes] [queries] | search-e2e <python-dir> [sizes] [rounds] | watch <dir> [edits] [debounce-ms]");
        return 2;
}

static async Task<int> RunParseAsync(string directory, bool quick)
{
    var threads = Environment.ProcessorCount;
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    Console.WriteLine($"corpus: {directory}");

    // 1. The product: a real ingestion on an embedded silo; the parse stage reads the files,
    //    fans batches out to parse grains and stores every result in SQLite.
    var data = Directory.CreateTempSubdirectory("codeingest-bench-").FullName;
    string jobId;
    TimeSpan parseStage, upToParse;
    TimeSpan? stageCpuStart = null, stageCpu = null;
    int parsedFiles;
    await using (var cluster = await EmbeddedCluster.StartAsync(data))
    {
        // Warm-up, as the yardsticks get one: a silo that serves users has run ingestions before, so the measured one
        // should not pay for first-call JIT and tier-0 code. One whole ingestion of a sample of the corpus (every
        // 40th file with a known language, at most 400) runs first, in the same silo.
        var sample = Directory.CreateTempSubdirectory("codeingest-bench-warmup-").FullName;
        foreach (var path in Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Order(StringComparer.Ordinal).Where(p => CodeIngest.Parsing.Languages.FromPath(p) is not null).Where((_, i) => i % 40 == 0).Take(400))
        {
            var target = Path.Combine(sample, Path.GetRelativePath(directory, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }

        var warm = await cluster.Client.WaitForJobAsync((await cluster.Client.StartIngestionAsync(sample)).JobId);
        Console.WriteLine($"warm-up: ingestion of {Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories).Count()} sample files {warm.Status}");
        Directory.Delete(sample, recursive: true);

        var started = await cluster.Client.StartIngestionAsync(directory);
        // CPU time of this process while the parse node runs (sampled at each 100 ms poll): the stage's
        // cost independent of what else the machine runs, next to the raw loops' CPU time.
        var view = await cluster.Client.WaitForJobAsync(
            started.JobId,
            onUpdate: v =>
            {
                var node = v.Nodes.Single(n => n.Id == "parse");
                if (node.StartedAt is not null && stageCpuStart is null)
                {
                    stageCpuStart = ProcessCpu();
                }

                if (node.FinishedAt is not null && stageCpuStart is not null && stageCpu is null)
                {
                    stageCpu = ProcessCpu() - stageCpuStart;

                    // The stages after parse (graph, quality, index, summaries) are not measured here.
                    _ = cluster.Client.CancelJobAsync(v.JobId);
                }
            },
            pollInterval: TimeSpan.FromMilliseconds(100));
        var parse = view.Nodes.Single(n => n.Id == "parse");
        if (parse.Status != NodeStatus.Completed)
        {
            Console.Error.WriteLine($"the parse stage did not complete ({parse.Status}): {parse.Error ?? view.Error}");
            return 1;
        }

        jobId = view.JobId;
        parseStage = parse.FinishedAt!.Value - parse.StartedAt!.Value;
        upToParse = parse.FinishedAt!.Value - view.StartedAt!.Value;
        parsedFiles = int.Parse(parse.Result["files_parsed"], System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"parse node: {string.Join(", ", parse.Result.Where(r => r.Key.EndsWith("_seconds", StringComparison.Ordinal) || r.Key is "batches" or "files_with_errors" or "files_identical_to_another").Select(r => $"{r.Key}={r.Value}"))}");
    }

    // 2. The yardstick: the same files (exactly those discovery accepted), parsed and tag-queried
    //    by raw tree-sitter calls with no Orleans and no storage.
    var store = new SqliteCodeStore(Path.Combine(data, "codeingest.db"));
    var discovered = await store.GetDiscoveredFilesAsync(jobId);
    var files = discovered.Select(f => (f.Path, f.Language, File.ReadAllBytes(Path.Combine(directory, f.Path)))).ToList();
    var bytes = files.Sum(f => (long)f.Item3.Length);
    Console.WriteLine($"files: {files.Count} ({bytes / 1e6:0.0} MB) accepted by discovery; {parsedFiles} parsed by the stage");

    Console.WriteLine();
    Console.WriteLine("| language | files | MB |");
    Console.WriteLine("|---|---|---|");
    foreach (var group in files.GroupBy(f => f.Item2).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
    {
        Console.WriteLine($"| {group.Key} | {group.Count()} | {group.Sum(f => (long)f.Item3.Length) / 1e6:0.0} |");
    }

    var warmup = files.Take(Math.Min(200, files.Count)).ToList();
    ParseBench.RawTreeSitterLoop(warmup);

    // The cancelled job's later stages may still be finishing on thread-pool threads after the silo stopped:
    // each yardstick starts only once this process is idle, so its CPU and wall time are its own.
    await WaitUntilIdleAsync("raw, 1 thread");
    var cpu = ProcessCpu();
    // --quick: no 1-thread row and no ctags row (for trying changes to the stage).
    var raw1 = quick ? (Files: 0, Definitions: 0L, Elapsed: TimeSpan.Zero) : ParseBench.RawTreeSitterLoop(files);
    var raw1Cpu = ProcessCpu() - cpu;
    await WaitUntilIdleAsync("raw, 2 threads");
    cpu = ProcessCpu();
    var rawN = RawParallel(files, threads);
    var rawNCpu = ProcessCpu() - cpu;
    await WaitUntilIdleAsync("TreeSitterParser");
    cpu = ProcessCpu();
    var service = ParseBench.ParserServiceLoop(files, threads);
    var serviceCpu = ProcessCpu() - cpu;

    // The stage parses each distinct (content, language) once and stores copies under their own paths; this row
    // is raw tree-sitter on exactly that parse work (the first file of each content), for a like-for-like ratio.
    var distinct = files.GroupBy(f => (Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f.Item3)), f.Item2)).Select(g => g.First()).ToList();
    await WaitUntilIdleAsync("raw, distinct contents");
    cpu = ProcessCpu();
    var rawDistinct = RawParallel(distinct, threads);
    var rawDistinctCpu = ProcessCpu() - cpu;

    Console.WriteLine();
    Console.WriteLine("| loop | threads | files | seconds | files/s | MB/s | vs raw (same threads) | CPU s | files per CPU s | vs raw, CPU |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    if (!quick)
    {
        Row("raw tree-sitter parse + tags query", 1, raw1.Files, raw1.Elapsed, raw1Cpu, bytes, null);
    }

    Row("raw tree-sitter parse + tags query", threads, rawN.Files, rawN.Elapsed, rawNCpu, bytes, null);
    Row("TreeSitterParser.Parse (predicates, dedupe, records)", threads, service.Files, service.Elapsed, serviceCpu, bytes, (rawN.Files, rawN.Elapsed, rawNCpu));
    Row("parse stage (Orleans fan-out + SQLite writes)", threads, parsedFiles, parseStage, stageCpu, bytes, (rawN.Files, rawN.Elapsed, rawNCpu));
    Console.WriteLine();
    Console.WriteLine($"Each distinct content once ({distinct.Count} of {files.Count} files, {distinct.Sum(f => (long)f.Item3.Length) / 1e6:0.0} MB of {bytes / 1e6:0.0}; the stage parses these and stores the other {files.Count - distinct.Count} as copies):");
    Console.WriteLine();
    Console.WriteLine("| loop | threads | files | seconds | files/s | MB/s | vs raw on distinct contents | CPU s | files per CPU s | vs raw, CPU |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    var distinctBytes = distinct.Sum(f => (long)f.Item3.Length);
    Row("raw tree-sitter parse + tags query, distinct contents", threads, rawDistinct.Files, rawDistinct.Elapsed, rawDistinctCpu, distinctBytes, null);
    Row("parse stage, counting the distinct contents it parsed", threads, distinct.Count, parseStage, stageCpu, distinctBytes, (rawDistinct.Files, rawDistinct.Elapsed, rawDistinctCpu));
    var ctags = quick ? null : RunCtags(directory, files.Select(f => f.Item1).ToList());
    if (ctags is { } tags)
    {
        Console.WriteLine($"| universal-ctags (`{tags.Command}`), same files | 1 | {files.Count} | {tags.Elapsed.TotalSeconds:0.00} | {files.Count / tags.Elapsed.TotalSeconds:0} | {bytes / 1e6 / tags.Elapsed.TotalSeconds:0.0} | - | - | - | - |");
        Console.WriteLine();
        Console.WriteLine($"parse stage vs universal-ctags wall time: {tags.Elapsed.TotalSeconds / parseStage.TotalSeconds:0.00}x ctags' files/s ({tags.Tags} tags written by ctags; {tags.Version})");
    }
    else
    {
        Console.WriteLine();
        Console.WriteLine("universal-ctags: not found on PATH (apt-get install universal-ctags); no ctags row");
    }

    Console.WriteLine();
    Console.WriteLine($"clone + discover + parse: {upToParse.TotalSeconds:0.0} s (the job is cancelled once parse completes)");
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

static void Row(string name, int threads, int files, TimeSpan elapsed, TimeSpan? cpu, long bytes, (int Files, TimeSpan Elapsed, TimeSpan Cpu)? yardstick)
{
    var perSecond = files / elapsed.TotalSeconds;
    var ratio = yardstick is { } y ? $"{perSecond / (y.Files / y.Elapsed.TotalSeconds):0.00}x" : "-";
    var perCpuSecond = cpu is { } c ? files / c.TotalSeconds : double.NaN;
    var cpuRatio = yardstick is { } z && cpu is not null ? $"{perCpuSecond / (z.Files / z.Cpu.TotalSeconds):0.00}x" : "-";
    var cpuText = cpu is { } t ? $"{t.TotalSeconds:0.00}" : "?";
    Console.WriteLine($"| {name} | {threads} | {files} | {elapsed.TotalSeconds:0.00} | {perSecond:0} | {bytes / 1e6 / elapsed.TotalSeconds:0.0} | {ratio} | {cpuText} | {perCpuSecond:0} | {cpuRatio} |");
}

// Waits (at most two minutes) until this process uses under 5% of one core over half a second.
static async Task WaitUntilIdleAsync(string before)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromMinutes(2))
    {
        var cpu = ProcessCpu();
        await Task.Delay(500);
        if ((ProcessCpu() - cpu).TotalMilliseconds < 25)
        {
            break;
        }
    }

    if (clock.Elapsed > TimeSpan.FromSeconds(1))
    {
        Console.WriteLine($"(waited {clock.Elapsed.TotalSeconds:0.0} s for the process to be idle before: {before})");
    }
}

static TimeSpan ProcessCpu()
{
    using var process = System.Diagnostics.Process.GetCurrentProcess();
    return process.TotalProcessorTime;
}

// universal-ctags on exactly the files discovery accepted (one process, one thread, tags to a temp
// file): the yardstick for the stage's wall time. Null when ctags is not installed.
static (TimeSpan Elapsed, long Tags, string Command, string Version)? RunCtags(string directory, List<string> relativePaths)
{
    string version;
    try
    {
        using var probe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ctags", "--version") { RedirectStandardOutput = true })!;
        version = probe.StandardOutput.ReadLine() ?? "ctags";
        probe.WaitForExit();
        if (probe.ExitCode != 0 || !version.Contains("Universal Ctags", StringComparison.Ordinal))
        {
            return null;
        }
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return null;
    }

    var list = Path.GetTempFileName();
    var output = Path.GetTempFileName();
    try
    {
        File.WriteAllLines(list, relativePaths);
        var command = $"ctags -f {output} -L {list}";
        var start = new System.Diagnostics.ProcessStartInfo("ctags") { WorkingDirectory = directory, RedirectStandardError = true };
        foreach (var argument in new[] { "-f", output, "-L", list })
        {
            start.ArgumentList.Add(argument);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var elapsed = clock.Elapsed;
        var tags = File.ReadLines(output).LongCount(line => !line.StartsWith("!_", StringComparison.Ordinal));
        return (elapsed, tags, command.Replace(output, "TAGS", StringComparison.Ordinal).Replace(list, "FILES", StringComparison.Ordinal), version);
    }
    finally
    {
        File.Delete(list);
        File.Delete(output);
    }
}
