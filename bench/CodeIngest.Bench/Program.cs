// Benchmarks. Usage: CodeIngest.Bench parse <dir>
using CodeIngest.Bench;

switch (args.FirstOrDefault())
{
    case "parse" when args.Length == 2:
        return RunParse(args[1]);
    default:
        Console.Error.WriteLine("usage: CodeIngest.Bench parse <dir>");
        return 2;
}

static int RunParse(string directory)
{
    var files = ParseBench.LoadFiles(directory);
    var bytes = files.Sum(f => (long)f.content.Length);
    Console.WriteLine($"{files.Count} files, {bytes / 1e6:0.0} MB under {directory}");
    if (files.Count == 0)
    {
        return 1;
    }

    // Warm up (JIT, page cache, grammar tables) on a slice, then measure each loop.
    var warmup = files.Take(Math.Min(200, files.Count)).ToList();
    ParseBench.RawTreeSitterLoop(warmup);
    ParseBench.ParserServiceLoop(warmup);

    var raw = ParseBench.RawTreeSitterLoop(files);
    Report("raw tree-sitter loop (1 thread)", raw, bytes);
    var service = ParseBench.ParserServiceLoop(files);
    Report("TreeSitterParser.Parse (1 thread)", service, bytes);
    var parallel = ParseBench.ParserServiceLoop(files, Environment.ProcessorCount);
    Report($"TreeSitterParser.Parse ({Environment.ProcessorCount} threads)", parallel, bytes);
    Console.WriteLine($"service / raw time ratio (1 thread): {service.Elapsed / raw.Elapsed:0.000}");
    return 0;
}

static void Report(string name, (int Files, long Definitions, TimeSpan Elapsed) result, long bytes) =>
    Console.WriteLine(
        $"{name,-36} {result.Files} files, {result.Definitions} definitions in {result.Elapsed.TotalSeconds:0.00} s: " +
        $"{result.Files / result.Elapsed.TotalSeconds:0} files/s, {result.Files / result.Elapsed.TotalMinutes:0} files/min, {bytes / 1e6 / result.Elapsed.TotalSeconds:0.0} MB/s");
