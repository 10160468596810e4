// The architecture of a snapshot from its graph: strongly connected components of the file import
// graph (cycles, named by the files on one loop), layers of the condensed import graph (0 = depends
// on nothing inside the repository), module (directory) dependencies, PageRank importance of files
// (imports and resolved calls) and of symbols (resolved calls and inheritance), and entry points.
using System.Text.RegularExpressions;
using CodeIngest.Storage;

namespace CodeIngest.Graph;

public sealed record FileRank(string Path, double Rank, int Layer, int Dependencies, int Dependents);

public sealed record SymbolRank(string Path, string Symbol, string Kind, int Line, double Rank, int Callers);

public sealed record Layer(int Index, IReadOnlyList<string> Files);

/// <summary>A dependency cycle: the files of one strongly connected component and one loop through them.</summary>
public sealed record Cycle(string Name, IReadOnlyList<string> Files, IReadOnlyList<string> Loop);

public sealed record ModuleDependency(string From, string To, int Imports);

public sealed record EntryPoint(string Path, string? Symbol, int Line, string Reason);

public sealed record GraphStats(int Files, int Symbols, int ImportEdges, int ImportsResolved, int CallEdges, int CallsResolved, int InheritEdges, int InheritResolved);

public sealed record ArchitectureReport(
    GraphStats Stats,
    IReadOnlyList<Layer> Layers,
    IReadOnlyList<Cycle> Cycles,
    IReadOnlyList<FileRank> Files,
    IReadOnlyList<SymbolRank> TopSymbols,
    IReadOnlyList<ModuleDependency> Modules,
    IReadOnlyList<EntryPoint> EntryPoints);

public static partial class ArchitectureAnalyzer
{
    public const int TopSymbolCount = 100;

    /// <summary>The report of a graph built from <paramref name="files"/> by <see cref="GraphBuilder"/>.</summary>
    public static ArchitectureReport Analyze(CodeGraph graph, IReadOnlyList<StoredFile> files, CancellationToken cancellationToken = default) =>
        Analyze(graph with { EntryPoints = EntryPoints(files) }, cancellationToken);

    /// <summary>The report of a graph; its entry points are those the graph carries. Checks <paramref name="cancellationToken"/> between
    /// its passes and inside the graph algorithms.</summary>
    public static ArchitectureReport Analyze(CodeGraph graph, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        cancellationToken.ThrowIfCancellationRequested();
        var fileIndex = graph.Files.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var imports = Adjacency(graph.Files.Count, graph.Edges.Where(e => e.Kind == EdgeKinds.Import && e.IsResolved)
            .Select(e => (fileIndex[e.SourcePath], fileIndex[e.TargetPath!])));
        var (components, componentOf) = GraphAlgorithms.StronglyConnectedComponents(imports, cancellationToken);
        var componentLayer = GraphAlgorithms.Layers(imports, components, componentOf, cancellationToken);

        var cycles = components.Where(c => c.Count > 1 || imports[c[0]].Contains(c[0]))
            .Select(c =>
            {
                var loop = GraphAlgorithms.CycleThrough(imports, c, cancellationToken).Select(i => graph.Files[i]).ToList();
                return new Cycle(string.Join(" -> ", loop), c.Select(i => graph.Files[i]).Order(StringComparer.Ordinal).ToList(), loop);
            })
            .OrderByDescending(c => c.Files.Count).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();

        var layers = graph.Files.Select((p, i) => (Path: p, Layer: componentLayer[componentOf[i]]))
            .GroupBy(x => x.Layer).OrderBy(g => g.Key)
            .Select(g => new Layer(g.Key, g.Select(x => x.Path).Order(StringComparer.Ordinal).ToList())).ToList();

        // File importance: imports plus resolved calls and inheritance between files.
        var fileLinks = Adjacency(graph.Files.Count, graph.Edges.Where(e => e.IsResolved && e.TargetPath != e.SourcePath)
            .Select(e => (fileIndex[e.SourcePath], fileIndex[e.TargetPath!])));
        cancellationToken.ThrowIfCancellationRequested();
        var fileRank = GraphAlgorithms.PageRank(fileLinks, cancellationToken: cancellationToken);
        var dependents = new int[graph.Files.Count];
        foreach (var list in imports)
        {
            foreach (var target in list)
            {
                dependents[target]++;
            }
        }

        var fileRanks = graph.Files.Select((p, i) => new FileRank(p, Math.Round(fileRank[i], 6), componentLayer[componentOf[i]], imports[i].Count, dependents[i]))
            .OrderByDescending(f => f.Rank).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();

        // Symbol importance: resolved calls and inheritance from a definition (or its file's top level) to a definition.
        var symbolIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var symbol in graph.Symbols)
        {
            symbolIndex.TryAdd(symbol.Id, symbolIndex.Count);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var symbols = graph.Symbols.DistinctBy(s => s.Id).ToList();
        var symbolEdges = graph.Edges.Where(e => e.IsResolved && e.Kind != EdgeKinds.Import && e.SourceSymbol is not null)
            .Select(e => (From: symbolIndex.GetValueOrDefault(SymbolNode.SymbolId(e.SourcePath, e.SourceSymbol!), -1), To: symbolIndex.GetValueOrDefault(SymbolNode.SymbolId(e.TargetPath!, e.TargetSymbol!), -1)))
            .Where(e => e.From >= 0 && e.To >= 0 && e.From != e.To).ToList();
        cancellationToken.ThrowIfCancellationRequested();
        var symbolRank = GraphAlgorithms.PageRank(Adjacency(symbols.Count, symbolEdges), cancellationToken: cancellationToken);
        var callers = new int[symbols.Count];
        foreach (var edge in symbolEdges.Distinct())
        {
            callers[edge.To]++;
        }

        var topSymbols = symbols.Select((s, i) => new SymbolRank(s.Path, s.QualifiedName, s.Kind, s.StartLine, Math.Round(symbolRank[i], 6), callers[i]))
            .OrderByDescending(s => s.Rank).ThenBy(s => s.Path, StringComparer.Ordinal).ThenBy(s => s.Line).Take(TopSymbolCount).ToList();

        cancellationToken.ThrowIfCancellationRequested();
        var modules = graph.Edges.Where(e => e.Kind == EdgeKinds.Import && e.IsResolved)
            .Select(e => (From: ModuleOf(e.SourcePath), To: ModuleOf(e.TargetPath!)))
            .Where(m => m.From != m.To)
            .GroupBy(m => m).Select(g => new ModuleDependency(g.Key.From, g.Key.To, g.Count()))
            .OrderBy(m => m.From, StringComparer.Ordinal).ThenBy(m => m.To, StringComparer.Ordinal).ToList();

        var edges = graph.Edges;
        var stats = new GraphStats(
            graph.Files.Count,
            graph.Symbols.Count,
            edges.Count(e => e.Kind == EdgeKinds.Import),
            edges.Count(e => e.Kind == EdgeKinds.Import && e.IsResolved),
            edges.Count(e => e.Kind == EdgeKinds.Call),
            edges.Count(e => e.Kind == EdgeKinds.Call && e.IsResolved),
            edges.Count(e => e.Kind == EdgeKinds.Inherit),
            edges.Count(e => e.Kind == EdgeKinds.Inherit && e.IsResolved));
        return new ArchitectureReport(stats, layers, cycles, fileRanks, topSymbols, modules, graph.EntryPoints ?? []);
    }

    /// <summary>The module of a file: its directory ("." at the root).</summary>
    public static string ModuleOf(string path) => ImportResolver.DirectoryOf(path) is { Length: > 0 } d ? d : ".";

    /// <summary>Main functions, script guards, CLI and web entry files.</summary>
    public static IReadOnlyList<EntryPoint> EntryPoints(IReadOnlyList<StoredFile> files) => DistinctEntryPoints(files.SelectMany(EntryPointsOf));

    /// <summary>The entry points of all files, each once, by path and line.</summary>
    public static IReadOnlyList<EntryPoint> DistinctEntryPoints(IEnumerable<EntryPoint> found) =>
        found.DistinctBy(e => (e.Path, e.Symbol, e.Reason)).OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Line).ToList();

    /// <summary>The entry points one file declares (duplicates possible; see <see cref="DistinctEntryPoints"/>).</summary>
    public static IReadOnlyList<EntryPoint> EntryPointsOf(StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        List<EntryPoint>? found = null;
        void Found(EntryPoint entry) => (found ??= []).Add(entry);
        var name = file.Path[(file.Path.LastIndexOf('/') + 1)..];
        foreach (var main in file.Definitions.Where(d => d.Name is "main" or "Main" && d.Kind is "function" or "method"))
        {
            Found(new EntryPoint(file.Path, main.QualifiedName ?? main.Name, main.StartLine, "main function"));
        }

        if (file.Language == "python" && PythonMainGuardRegex().Match(file.Text) is { Success: true } guard)
        {
            Found(new EntryPoint(file.Path, null, LineOf(file.Text, guard.Index), "__main__ guard"));
        }
        else if (name == "__main__.py")
        {
            Found(new EntryPoint(file.Path, null, 1, "package __main__ module"));
        }

        if (file.Language == "csharp" && !file.Definitions.Any(d => d.Name == "Main") && name == "Program.cs")
        {
            Found(new EntryPoint(file.Path, null, 1, "top-level program"));
        }

        if (file.Text.StartsWith("#!", StringComparison.Ordinal))
        {
            Found(new EntryPoint(file.Path, null, 1, "executable script"));
        }

        if (WebEntryRegex().Match(file.Text) is { Success: true } web)
        {
            Found(new EntryPoint(file.Path, null, LineOf(file.Text, web.Index), "web application"));
        }

        if (name == "package.json")
        {
            foreach (Match m in PackageJsonEntryRegex().Matches(file.Text))
            {
                Found(new EntryPoint(ImportResolver.Normalize(Join(ImportResolver.DirectoryOf(file.Path), m.Groups[2].Value)), null, 1, $"package.json {m.Groups[1].Value}"));
            }
        }

        return found ?? (IReadOnlyList<EntryPoint>)[];
    }

    private static string Join(string directory, string relative) => directory.Length == 0 ? relative : directory + "/" + relative;

    internal static int LineOf(string text, int index)
    {
        var line = 1;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    /// <summary>Sorted, distinct successors of each node (edge pairs packed into longs and sorted once: no set per node).</summary>
    internal static List<IReadOnlyList<int>> Adjacency(int count, IEnumerable<(int From, int To)> edges)
    {
        var pairs = edges.Select(e => (ulong)(uint)e.From << 32 | (uint)e.To).ToArray();
        Array.Sort(pairs);
        var result = new List<IReadOnlyList<int>>(count);
        var at = 0;
        var targets = new List<int>();
        for (var node = 0; node < count; node++)
        {
            targets.Clear();
            for (; at < pairs.Length && (int)(pairs[at] >> 32) == node; at++)
            {
                var target = (int)(uint)pairs[at];
                if (targets.Count == 0 || targets[^1] != target)
                {
                    targets.Add(target);
                }
            }

            result.Add(targets.Count == 0 ? [] : targets.ToArray());
        }

        if (at < pairs.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(edges), $"an edge leaves node {(int)(pairs[at] >> 32)}, outside 0..{count - 1}");
        }

        return result;
    }

    [GeneratedRegex(@"^if\s+__name__\s*==\s*['""]__main__['""]\s*:", RegexOptions.Multiline)]
    private static partial Regex PythonMainGuardRegex();

    [GeneratedRegex(@"WebApplication\.CreateBuilder|\bFastAPI\(|\bFlask\(__name__|\bexpress\(\)|http\.ListenAndServe\(|\bcreateServer\(|\buvicorn\.run\(|\bapp\.listen\(")]
    private static partial Regex WebEntryRegex();

    [GeneratedRegex(@"""(main|bin|module)""\s*:\s*""([^""]+)""")]
    private static partial Regex PackageJsonEntryRegex();
}
