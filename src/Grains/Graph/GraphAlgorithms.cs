// Graph algorithms over integer-indexed adjacency lists: strongly connected components (Tarjan,
// iterative so deep graphs cannot overflow the stack), layers of the condensation, PageRank and
// shortest paths. Each checks its cancellation token every CheckInterval steps of its main loop (PageRank
// once per pass), so a cancelled step does not run a large graph's passes to their end.
namespace CodeIngest.Graph;

public static class GraphAlgorithms
{
    /// <summary>Loop steps between two checks of the cancellation token (a power of two: the check is a mask test).</summary>
    internal const int CheckInterval = 4096;

    /// <summary>Strongly connected components; each node's component index in <c>componentOf</c>. Components come out in reverse topological order (a component's successors first).</summary>
    public static (List<List<int>> Components, int[] ComponentOf) StronglyConnectedComponents(IReadOnlyList<IReadOnlyList<int>> successors, CancellationToken cancellationToken = default)
    {
        var n = successors.Count;
        var index = new int[n];
        var low = new int[n];
        var onStack = new bool[n];
        var componentOf = new int[n];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var components = new List<List<int>>();
        var counter = 0;
        var steps = 0;
        var work = new Stack<(int Node, int Next)>();
        for (var start = 0; start < n; start++)
        {
            if (index[start] >= 0)
            {
                continue;
            }

            work.Push((start, 0));
            while (work.Count > 0)
            {
                if ((steps++ & (CheckInterval - 1)) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var (node, next) = work.Pop();
                if (next == 0)
                {
                    index[node] = low[node] = counter++;
                    stack.Push(node);
                    onStack[node] = true;
                }

                var descended = false;
                var edges = successors[node];
                for (var i = next; i < edges.Count; i++)
                {
                    var target = edges[i];
                    if (index[target] < 0)
                    {
                        work.Push((node, i + 1));
                        work.Push((target, 0));
                        descended = true;
                        break;
                    }

                    if (onStack[target])
                    {
                        low[node] = Math.Min(low[node], index[target]);
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[node] == index[node])
                {
                    var component = new List<int>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        componentOf[member] = components.Count;
                        component.Add(member);
                    }
                    while (member != node);
                    components.Add(component);
                }

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }

        return (components, componentOf);
    }

    /// <summary>
    /// Layer of each component in the condensed graph: 0 for components that depend on nothing, otherwise
    /// one more than the highest layer they depend on. Needs Tarjan's order (successors first).
    /// </summary>
    public static int[] Layers(IReadOnlyList<IReadOnlyList<int>> successors, List<List<int>> components, int[] componentOf, CancellationToken cancellationToken = default)
    {
        var layer = new int[components.Count];
        for (var c = 0; c < components.Count; c++)
        {
            if ((c & (CheckInterval - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var best = 0;
            foreach (var node in components[c])
            {
                foreach (var target in successors[node])
                {
                    var tc = componentOf[target];
                    if (tc != c)
                    {
                        best = Math.Max(best, layer[tc] + 1);
                    }
                }
            }

            layer[c] = best;
        }

        return layer;
    }

    /// <summary>PageRank with damping <paramref name="damping"/>; rank of dangling nodes is spread evenly. Sums to 1.</summary>
    public static double[] PageRank(IReadOnlyList<IReadOnlyList<int>> successors, double damping = 0.85, int maxIterations = 100, double tolerance = 1e-10, CancellationToken cancellationToken = default)
    {
        var n = successors.Count;
        if (n == 0)
        {
            return [];
        }

        // Plain arrays: a hundred passes over hundreds of thousands of nodes must not enumerate through an interface.
        var lists = new int[n][];
        for (var i = 0; i < n; i++)
        {
            lists[i] = successors[i] as int[] ?? [.. successors[i]];
        }

        var rank = new double[n];
        var next = new double[n];
        Array.Fill(rank, 1.0 / n);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            // One pass is linear in the graph: a check per pass costs nothing next to it.
            cancellationToken.ThrowIfCancellationRequested();
            var dangling = 0.0;
            Array.Clear(next);
            for (var i = 0; i < n; i++)
            {
                var edges = lists[i];
                if (edges.Length == 0)
                {
                    dangling += rank[i];
                    continue;
                }

                var share = rank[i] / edges.Length;
                for (var e = 0; e < edges.Length; e++)
                {
                    next[edges[e]] += share;
                }
            }

            var baseline = (1 - damping) / n + damping * dangling / n;
            var delta = 0.0;
            for (var i = 0; i < n; i++)
            {
                var value = baseline + damping * next[i];
                delta += Math.Abs(value - rank[i]);
                rank[i] = value;
            }

            if (delta < tolerance)
            {
                break;
            }
        }

        return rank;
    }

    /// <summary>A shortest path from <paramref name="from"/> to any of <paramref name="to"/> (breadth first), or null.</summary>
    public static List<int>? ShortestPath(IReadOnlyList<IReadOnlyList<int>> successors, int from, ISet<int> to, CancellationToken cancellationToken = default)
    {
        var previous = new Dictionary<int, int> { [from] = -1 };
        var queue = new Queue<int>();
        queue.Enqueue(from);
        var steps = 0;
        while (queue.Count > 0)
        {
            if ((steps++ & (CheckInterval - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var node = queue.Dequeue();
            if (to.Contains(node) && (node != from || previous.Count > 1))
            {
                var path = new List<int>();
                for (var at = node; at >= 0; at = previous[at])
                {
                    path.Add(at);
                }

                path.Reverse();
                return path;
            }

            foreach (var target in successors[node])
            {
                if (previous.TryAdd(target, node))
                {
                    queue.Enqueue(target);
                }
            }
        }

        return null;
    }

    /// <summary>One cycle through the members of a strongly connected component, as a node sequence that starts and ends with the same node.</summary>
    public static List<int> CycleThrough(IReadOnlyList<IReadOnlyList<int>> successors, List<int> component, CancellationToken cancellationToken = default)
    {
        var members = component.ToHashSet();
        var start = component.Min();
        var previous = new Dictionary<int, int>();
        var queue = new Queue<int>();
        foreach (var first in successors[start].Where(members.Contains))
        {
            if (first == start)
            {
                return [start, start];
            }

            if (previous.TryAdd(first, start))
            {
                queue.Enqueue(first);
            }
        }

        var steps = 0;
        while (queue.Count > 0)
        {
            if ((steps++ & (CheckInterval - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var node = queue.Dequeue();
            foreach (var target in successors[node].Where(members.Contains))
            {
                if (target == start)
                {
                    var path = new List<int> { start };
                    for (var at = node; at != start; at = previous[at])
                    {
                        path.Add(at);
                    }

                    path.Add(start);
                    path.Reverse(1, path.Count - 2);
                    return path;
                }

                if (previous.TryAdd(target, node))
                {
                    queue.Enqueue(target);
                }
            }
        }

        return [.. component, component[0]];
    }
}
