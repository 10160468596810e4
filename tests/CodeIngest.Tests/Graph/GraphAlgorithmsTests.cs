using CodeIngest.Graph;
using Xunit;
using static CodeIngest.Tests.Graph.GraphFiles;

namespace CodeIngest.Tests.Graph;

public sealed class GraphAlgorithmsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<IReadOnlyList<int>> Graph(int n, params (int, int)[] edges) => ArchitectureAnalyzer.Adjacency(n, edges);

    [Fact]
    public void Every_algorithm_stops_on_a_cancelled_token()
    {
        var g = Graph(6, (0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 3));
        var (components, componentOf) = GraphAlgorithms.StronglyConnectedComponents(g, Ct);
        var cancelled = new CancellationToken(canceled: true);

        Assert.Throws<OperationCanceledException>(() => GraphAlgorithms.StronglyConnectedComponents(g, cancelled));
        Assert.Throws<OperationCanceledException>(() => GraphAlgorithms.Layers(g, components, componentOf, cancelled));
        Assert.Throws<OperationCanceledException>(() => GraphAlgorithms.PageRank(g, cancellationToken: cancelled));
        Assert.Throws<OperationCanceledException>(() => GraphAlgorithms.CycleThrough(g, components[componentOf[0]], cancelled));
        Assert.Throws<OperationCanceledException>(() => GraphAlgorithms.ShortestPath(g, 0, new HashSet<int> { 4 }, cancelled));
    }

    [Fact]
    public void Tarjan_finds_components_in_reverse_topological_order()
    {
        // 0 -> 1 -> 2 -> 0 (cycle), 2 -> 3, 3 -> 4 -> 3 (cycle), 5 alone.
        var g = Graph(6, (0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 3));
        var (components, componentOf) = GraphAlgorithms.StronglyConnectedComponents(g, Ct);

        Assert.Equal(3, components.Count);
        Assert.Equal(componentOf[0], componentOf[1]);
        Assert.Equal(componentOf[1], componentOf[2]);
        Assert.Equal(componentOf[3], componentOf[4]);
        Assert.NotEqual(componentOf[0], componentOf[3]);
        Assert.True(componentOf[3] < componentOf[0], "a component's successors come first");

        var layers = GraphAlgorithms.Layers(g, components, componentOf, Ct);
        Assert.Equal(0, layers[componentOf[3]]);
        Assert.Equal(1, layers[componentOf[0]]);
        Assert.Equal(0, layers[componentOf[5]]);
    }

    [Fact]
    public void Tarjan_handles_a_chain_deeper_than_the_call_stack()
    {
        const int N = 200_000;
        var g = Graph(N, Enumerable.Range(0, N - 1).Select(i => (i, i + 1)).Append((N - 1, 0)).ToArray());
        var (components, _) = GraphAlgorithms.StronglyConnectedComponents(g, Ct);
        Assert.Equal(N, Assert.Single(components).Count);
    }

    [Fact]
    public void PageRank_matches_hand_computed_values()
    {
        // Two nodes pointing at each other: 0.5 each. A star into node 0 from 1..3, node 0 dangling (its rank is
        // spread evenly): leaf = (1-d)/4 + d*r0/4 with r0 = 1 - 3*leaf, so leaf = (1/4) / (1 + 3d/4).
        var pair = GraphAlgorithms.PageRank(Graph(2, (0, 1), (1, 0)), cancellationToken: Ct);
        Assert.Equal(0.5, pair[0], 9);

        var star = GraphAlgorithms.PageRank(Graph(4, (1, 0), (2, 0), (3, 0)), cancellationToken: Ct);
        const double D = 0.85;
        var leaf = 0.25 / (1 + 3 * D / 4);
        Assert.Equal(leaf, star[1], 9);
        Assert.Equal(1 - 3 * leaf, star[0], 9);
    }

    [Fact]
    public void Shortest_path_and_cycle_through_a_component()
    {
        var g = Graph(5, (0, 1), (1, 2), (0, 3), (3, 4), (4, 2), (2, 0));
        Assert.Equal([0, 1, 2], GraphAlgorithms.ShortestPath(g, 0, new HashSet<int> { 2 }, Ct));
        Assert.Null(GraphAlgorithms.ShortestPath(Graph(2, (1, 0)), 0, new HashSet<int> { 1 }, Ct));
        Assert.Equal([0, 1, 2, 0], GraphAlgorithms.CycleThrough(g, [0, 1, 2, 3, 4], Ct));
    }

    [Fact]
    public void Queries_answer_callers_callees_dependencies_and_call_paths()
    {
        var graph = Build(
        [
            File("a.py", "python", definitions: [Def("main", "function", 1, 5), Def("step", "function", 6, 8)],
                references: [Import("b"), Call("step", 2, "main"), Call("finish", 7, "step"), Call("len", 3, "main")]),
            File("b.py", "python", definitions: [Def("finish", "function", 1, 2)]),
        ]);
        var queries = new GraphQueries(graph.Edges);

        Assert.Equal([new SymbolLink("main", "a.py", 2, Resolutions.SameFile, 1.0)], queries.Callers("step"));
        Assert.Equal(["step", "len"], queries.Callees("main").Select(l => l.Name));
        Assert.Null(queries.Callees("main")[1].Path);
        Assert.Equal("b.py", Assert.Single(queries.Dependencies("a.py")).Target);
        Assert.Equal("a.py", Assert.Single(queries.Dependents("b.py")).Path);
        Assert.Equal(["a.py::main", "a.py::step", "b.py::finish"], queries.CallPath("main", "finish"));
        Assert.Empty(queries.CallPath("finish", "main"));
    }

    [Fact]
    public void Exports_write_dot_and_mermaid_with_cycle_edges_marked()
    {
        var files = GraphBuilderTests.LayeredProject();
        var graph = Build(files);
        var fileGraph = GraphQueries.FileGraph(graph.Edges, ArchitectureAnalyzer.Analyze(graph, files, Ct));

        var dot = GraphQueries.ToDot(fileGraph);
        Assert.StartsWith("digraph dependencies {", dot);
        Assert.Contains("\"core/engine.py\" -> \"core/rules.py\" [color=red];", dot);
        Assert.Contains("\"cli/main.py\" -> \"core/config.py\";", dot);
        Assert.Contains("\"cli/main.py\" [label=\"cli/main.py\\nlayer 2\"];", dot);

        var mermaid = GraphQueries.ToMermaid(fileGraph);
        Assert.StartsWith("graph LR\n", mermaid);
        Assert.Contains("  n0[\"README.md\"]", mermaid);
        Assert.Contains("  n1 --> n2", mermaid); // cli/main.py -> core/config.py
        Assert.Equal(7, fileGraph.Edges.Count);
    }
}
