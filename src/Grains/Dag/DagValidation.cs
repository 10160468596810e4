// Checks a DAG before a job starts: unique ids, known dependencies, known steps, no cycles.
namespace CodeIngest.Dag;

public static class DagValidation
{
    /// <summary>Returns the problems of a DAG spec (empty when it is valid).</summary>
    public static IReadOnlyList<string> Validate(DagSpec spec, IReadOnlyCollection<string>? knownSteps = null)
    {
        var problems = new List<string>();
        if (spec.Nodes.Length == 0)
        {
            problems.Add("the DAG has no nodes");
            return problems;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in spec.Nodes)
        {
            if (string.IsNullOrWhiteSpace(node.Id) || node.Id.Contains('/', StringComparison.Ordinal))
            {
                problems.Add($"node id '{node.Id}' is invalid: it must be non-empty and contain no '/'");
            }
            else if (!ids.Add(node.Id))
            {
                problems.Add($"node id '{node.Id}' appears more than once");
            }

            if (knownSteps is not null && !knownSteps.Contains(node.Step))
            {
                problems.Add($"node '{node.Id}' uses unknown step '{node.Step}' (known: {string.Join(", ", knownSteps.Order(StringComparer.Ordinal))})");
            }

            if (node.Retry.MaxAttempts < 1)
            {
                problems.Add($"node '{node.Id}' has MaxAttempts {node.Retry.MaxAttempts}; it must be at least 1");
            }

            if (node.Timeout <= TimeSpan.Zero)
            {
                problems.Add($"node '{node.Id}' has a non-positive timeout");
            }
        }

        foreach (var node in spec.Nodes)
        {
            foreach (var dependency in node.DependsOn.Where(d => !ids.Contains(d)))
            {
                problems.Add($"node '{node.Id}' depends on unknown node '{dependency}'");
            }
        }

        if (problems.Count == 0 && FindCycle(spec) is { } cycle)
        {
            problems.Add($"the DAG has a cycle: {string.Join(" -> ", cycle)}");
        }

        return problems;
    }

    private static List<string>? FindCycle(DagSpec spec)
    {
        var byId = spec.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();

        List<string>? Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var dependency in byId[id].DependsOn)
            {
                var s = state.GetValueOrDefault(dependency);
                if (s == 1)
                {
                    return [.. path[path.IndexOf(dependency)..], dependency];
                }

                if (s == 0 && Visit(dependency) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            return null;
        }

        foreach (var node in spec.Nodes)
        {
            if (state.GetValueOrDefault(node.Id) == 0 && Visit(node.Id) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }
}
