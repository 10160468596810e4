// Questions asked of a stored graph: callers and callees of a symbol, dependencies and dependents of
// a file, a call path between two symbols; and the file dependency graph as JSON, Graphviz dot or Mermaid.
using System.Globalization;
using System.Text;

namespace CodeIngest.Graph;

/// <summary>One end of a call edge as a query answers it.</summary>
public sealed record SymbolLink(string Name, string? Path, int Line, string Resolution, double Confidence);

public sealed record FileLink(string Path, string? Target, string Name, int Line, string Resolution, double Confidence);

/// <summary>The file dependency graph: resolved imports between files, with each file's layer and rank.</summary>
public sealed record DependencyGraph(IReadOnlyList<DependencyNode> Nodes, IReadOnlyList<DependencyEdge> Edges, IReadOnlyList<Layer> Layers, IReadOnlyList<Cycle> Cycles);

public sealed record DependencyNode(string Id, int Layer, double Rank);

public sealed record DependencyEdge(string Source, string Target, int Imports);

public sealed class GraphQueries(IReadOnlyList<GraphEdge> edges)
{
    /// <summary>Whether a stored symbol name answers to what a user typed: the qualified name, its last part, or a dotted suffix.</summary>
    public static bool Matches(string? stored, string query) =>
        stored is not null && (stored == query || stored.EndsWith("." + query, StringComparison.Ordinal) || stored.EndsWith("::" + query, StringComparison.Ordinal));

    public IReadOnlyList<SymbolLink> Callers(string symbol) =>
        edges.Where(e => e.Kind == EdgeKinds.Call && Matches(e.TargetSymbol, symbol))
            .Select(e => new SymbolLink(e.SourceSymbol ?? "(top level)", e.SourcePath, e.Line, e.Resolution, e.Confidence))
            .OrderBy(l => l.Path, StringComparer.Ordinal).ThenBy(l => l.Line).ThenBy(l => l.Name, StringComparer.Ordinal).ToList();

    public IReadOnlyList<SymbolLink> Callees(string symbol) =>
        edges.Where(e => e.Kind == EdgeKinds.Call && Matches(e.SourceSymbol, symbol))
            .Select(e => new SymbolLink(e.TargetSymbol ?? e.TargetName, e.TargetPath, e.Line, e.Resolution, e.Confidence))
            .OrderBy(l => l.Line).ThenBy(l => l.Name, StringComparer.Ordinal).ToList();

    public IReadOnlyList<FileLink> Dependencies(string path) =>
        edges.Where(e => e.Kind == EdgeKinds.Import && e.SourcePath == path)
            .Select(e => new FileLink(e.SourcePath, e.TargetPath, e.TargetName, e.Line, e.Resolution, e.Confidence))
            .OrderBy(l => l.Line).ThenBy(l => l.Target, StringComparer.Ordinal).ToList();

    public IReadOnlyList<FileLink> Dependents(string path) =>
        edges.Where(e => e.Kind == EdgeKinds.Import && e.TargetPath == path)
            .Select(e => new FileLink(e.SourcePath, e.TargetPath, e.TargetName, e.Line, e.Resolution, e.Confidence))
            .OrderBy(l => l.Path, StringComparer.Ordinal).ThenBy(l => l.Line).ToList();

    /// <summary>A shortest chain of resolved calls from a symbol matching <paramref name="from"/> to one matching <paramref name="to"/> (as "path::symbol"), or empty.</summary>
    public IReadOnlyList<string> CallPath(string from, string to)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<(string Id, string Symbol)>();
        int Id(string path, string symbol)
        {
            var id = SymbolNode.SymbolId(path, symbol);
            if (!ids.TryGetValue(id, out var index))
            {
                ids[id] = index = names.Count;
                names.Add((id, symbol));
            }

            return index;
        }

        var pairs = edges.Where(e => e.Kind == EdgeKinds.Call && e.IsResolved && e.SourceSymbol is not null)
            .Select(e => (Id(e.SourcePath, e.SourceSymbol!), Id(e.TargetPath!, e.TargetSymbol!))).ToList();
        var adjacency = ArchitectureAnalyzer.Adjacency(names.Count, pairs);
        var targets = names.Select((n, i) => (n, i)).Where(x => Matches(x.n.Symbol, to)).Select(x => x.i).ToHashSet();
        List<int>? best = null;
        foreach (var start in names.Select((n, i) => (n, i)).Where(x => Matches(x.n.Symbol, from)).Select(x => x.i))
        {
            var path = GraphAlgorithms.ShortestPath(adjacency, start, targets);
            if (path is not null && (best is null || path.Count < best.Count))
            {
                best = path;
            }
        }

        return best?.Select(i => names[i].Id).ToList() ?? [];
    }

    public static DependencyGraph FileGraph(IReadOnlyList<GraphEdge> edges, ArchitectureReport architecture) =>
        new(
            architecture.Files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => new DependencyNode(f.Path, f.Layer, f.Rank)).ToList(),
            edges.Where(e => e.Kind == EdgeKinds.Import && e.IsResolved)
                .GroupBy(e => (e.SourcePath, e.TargetPath!))
                .Select(g => new DependencyEdge(g.Key.SourcePath, g.Key.Item2, g.Count()))
                .OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Target, StringComparer.Ordinal).ToList(),
            architecture.Layers,
            architecture.Cycles);

    /// <summary>Graphviz dot: one node per file (labelled with its layer), one edge per importing pair; cycle edges in red.</summary>
    public static string ToDot(DependencyGraph graph)
    {
        var inCycle = CycleEdges(graph);
        var text = new StringBuilder("digraph dependencies {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
        foreach (var node in graph.Nodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {Quote(node.Id)} [label={Quote($"{node.Id}\\nlayer {node.Layer}")}];\n");
        }

        foreach (var edge in graph.Edges)
        {
            var style = inCycle.Contains((edge.Source, edge.Target)) ? " [color=red]" : "";
            text.Append(CultureInfo.InvariantCulture, $"  {Quote(edge.Source)} -> {Quote(edge.Target)}{style};\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>Mermaid flowchart; node ids are n0, n1, … with the path as label.</summary>
    public static string ToMermaid(DependencyGraph graph)
    {
        var ids = graph.Nodes.Select((n, i) => (n.Id, Index: i)).ToDictionary(x => x.Id, x => "n" + x.Index.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var text = new StringBuilder("graph LR\n");
        foreach (var node in graph.Nodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {ids[node.Id]}[\"{node.Id.Replace("\"", "#quot;", StringComparison.Ordinal)}\"]\n");
        }

        foreach (var edge in graph.Edges.Where(e => ids.ContainsKey(e.Source) && ids.ContainsKey(e.Target)))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {ids[edge.Source]} --> {ids[edge.Target]}\n");
        }

        return text.ToString();
    }

    private static HashSet<(string, string)> CycleEdges(DependencyGraph graph)
    {
        var set = new HashSet<(string, string)>();
        foreach (var cycle in graph.Cycles)
        {
            for (var i = 0; i + 1 < cycle.Loop.Count; i++)
            {
                set.Add((cycle.Loop[i], cycle.Loop[i + 1]));
            }
        }

        return set;
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\\\\n", "\\n", StringComparison.Ordinal) + "\"";
}
