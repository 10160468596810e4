// Graph-stage measurements on a real corpus: every file the language table recognises is parsed once
// (TreeSitterParser, one thread — the yardstick the stage's input costs), then, on the same in-memory
// files, a bare loop that only reads every reference (the least any graph builder must do), the
// graph build (import/call/inheritance resolution), the architecture analysis (SCC, layers, PageRank,
// entry points) and the quality review. Best of two rounds; memory is the managed heap growth that
// the built graph keeps alive and the bytes allocated while building it.
using System.Diagnostics;
using CodeIngest.Graph;
using CodeIngest.Parsing;
using CodeIngest.Quality;
using CodeIngest.Storage;

namespace CodeIngest.Bench;

public static class GraphBench
{
    public static int Run(string directory, int rounds = 2)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"corpus: {directory}");
        var inputs = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(p => (Full: p, Path: Path.GetRelativePath(directory, p).Replace('\\', '/'), Language: Languages.FromPath(p)))
            .Where(f => f.Language is not null && new FileInfo(f.Full).Length <= 1_048_576)
            .Select(f => (f.Path, Language: f.Language!.Name, Bytes: File.ReadAllBytes(f.Full)))
            .OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var megabytes = inputs.Sum(f => (long)f.Bytes.Length) / 1e6;

        var parser = new TreeSitterParser();
        List<StoredFile> files = [];
        var parse = Best(rounds, () =>
        {
            files = inputs.Select(f =>
            {
                var parsed = parser.Parse(f.Path, f.Language, f.Bytes);
                return new StoredFile(f.Path, f.Language, "", parsed.Lines, parsed.Error, parsed.Definitions, System.Text.Encoding.UTF8.GetString(f.Bytes), parsed.References, parsed.Metrics);
            }).ToList();
        });
        var references = files.Sum(f => f.References?.Count ?? 0);
        Console.WriteLine($"files: {files.Count} ({megabytes:0.0} MB), definitions: {files.Sum(f => f.Definitions.Count)}, references: {references}");

        long checksum = 0;
        var bare = Best(rounds, () =>
        {
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                foreach (var reference in file.References ?? [])
                {
                    names[reference.Target] = names.GetValueOrDefault(reference.Target) + 1;
                }
            }

            checksum = names.Count;
        });

        CodeGraph graph = null!;
        long allocated = 0;
        var build = Best(rounds, () =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            graph = GraphBuilder.Build(files);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });

        ArchitectureReport architecture = null!;
        var analyze = Best(rounds, () => architecture = ArchitectureAnalyzer.Analyze(graph, files));

        // Heap kept alive by one built graph.
        graph = null!;
        var heapBefore = HeapAfterFullCollection();
        graph = GraphBuilder.Build(files);
        var retained = HeapAfterFullCollection() - heapBefore;

        QualityReport quality = null!;
        var review = Best(2, () => quality = QualityAnalyzer.Analyze(files));

        var s = architecture.Stats;
        Console.WriteLine($"edges: {graph.Edges.Count} (imports {s.ImportEdges}, {s.ImportsResolved} resolved; calls {s.CallEdges}, {s.CallsResolved} resolved; inheritance {s.InheritEdges}, {s.InheritResolved} resolved); " +
            $"cycles {architecture.Cycles.Count}, largest {architecture.Cycles.FirstOrDefault()?.Files.Count ?? 0} files; layers {architecture.Layers.Count}; distinct targets {checksum}");
        Console.WriteLine();
        Console.WriteLine("| step | seconds (best of rounds) | files/s | vs parse |");
        Console.WriteLine("|---|---|---|---|");
        Row("parse (TreeSitterParser, 1 thread) — yardstick", parse, files.Count, parse);
        Row("bare loop reading every reference — yardstick", bare, files.Count, parse);
        Row("graph build (resolve imports, calls, inheritance)", build, files.Count, parse);
        Row("architecture (SCC, layers, PageRank, entry points)", analyze, files.Count, parse);
        Row("quality review (metrics, duplicates, secrets, dangerous calls; best of 2)", review, files.Count, parse);
        Console.WriteLine();
        Console.WriteLine($"graph build memory: {allocated / 1e6:0.0} MB allocated, {retained / 1e6:0.0} MB retained by the graph; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB");
        Console.WriteLine($"graph build / bare reference loop: {build.TotalSeconds / bare.TotalSeconds:0.0}x; quality findings {quality.Findings.Count}, duplicate blocks {quality.Duplicates.Count}");
        return 0;
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static TimeSpan Best(int rounds, Action action)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = clock.Elapsed < best ? clock.Elapsed : best;
        }

        return best;
    }

    private static void Row(string name, TimeSpan elapsed, int files, TimeSpan parse) =>
        Console.WriteLine($"| {name} | {elapsed.TotalSeconds:0.000} | {files / elapsed.TotalSeconds:0} | {elapsed.TotalSeconds / parse.TotalSeconds:0.00}x |");
}
