// What a DAG step is: a named unit of work the engine runs under a role, with a toolkit that
// grants only that role's capabilities. Steps are DI singletons looked up by name.
namespace CodeIngest.Dag;

/// <summary>A unit of work a DAG node runs. Implementations are stateless singletons; everything per-run is in the context.</summary>
public interface IDagStep
{
    /// <summary>The name a <see cref="DagNodeSpec.Step"/> refers to.</summary>
    string Name { get; }

    /// <summary>Runs one attempt. Returns a small result summary that dependent nodes receive as input.
    /// Throw <see cref="NonRetryableStepException"/> for failures retrying cannot fix.</summary>
    Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}

/// <summary>Everything one attempt of a step sees.</summary>
public sealed class StepContext
{
    private readonly Func<double, string?, Task> _reportProgress;

    internal StepContext(
        string jobId,
        string nodeId,
        int attempt,
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, Dictionary<string, string>> dependencies,
        StepToolkit tools,
        Func<double, string?, Task> reportProgress)
    {
        JobId = jobId;
        NodeId = nodeId;
        Attempt = attempt;
        Parameters = parameters;
        Dependencies = dependencies;
        Tools = tools;
        _reportProgress = reportProgress;
    }

    public string JobId { get; }

    public string NodeId { get; }

    /// <summary>1 for the first attempt, 2 for the first retry, …</summary>
    public int Attempt { get; }

    /// <summary>The job's parameters overlaid with the node's own.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Result summaries of the nodes this node depends on, by node id.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Dependencies { get; }

    /// <summary>The capability-checked tools of the node's role.</summary>
    public StepToolkit Tools { get; }

    /// <summary>A parameter that must be present.</summary>
    public string Require(string name) =>
        Parameters.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new NonRetryableStepException($"step parameter '{name}' is missing");

    /// <summary>An output of a dependency that must be present.</summary>
    public string DependencyOutput(string nodeId, string key) =>
        Dependencies.TryGetValue(nodeId, out var outputs) && outputs.TryGetValue(key, out var value)
            ? value
            : throw new NonRetryableStepException($"output '{key}' of node '{nodeId}' is missing");

    /// <summary>Reports progress within this node (0..1) and an optional human-readable message. Throttled; never throws.</summary>
    public Task ReportProgressAsync(double fraction, string? message = null) => _reportProgress(Math.Clamp(fraction, 0, 1), message);
}

/// <summary>The registered steps, by name.</summary>
public sealed class DagStepRegistry(IEnumerable<IDagStep> steps)
{
    private readonly Dictionary<string, IDagStep> _steps = steps.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _steps.Keys;

    public IDagStep? Find(string name) => _steps.GetValueOrDefault(name);
}
