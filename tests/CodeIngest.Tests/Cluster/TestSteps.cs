// Steps used by the DAG engine tests. They record what happened in a process-wide journal
// (all silos of an in-process cluster share it), keyed by job id.
using System.Collections.Concurrent;
using System.Globalization;
using CodeIngest.Dag;
using CodeIngest.Storage;

namespace CodeIngest.Tests.Cluster;

public sealed record StepRun(string JobId, string NodeId, int Attempt, DateTimeOffset Started, DateTimeOffset Finished, string Silo);

public static class StepJournal
{
    public static readonly ConcurrentQueue<StepRun> Runs = new();

    public static List<StepRun> For(string jobId) => Runs.Where(r => r.JobId == jobId).OrderBy(r => r.Started).ToList();
}

/// <summary>Waits "delay_ms" (default 0), honouring cancellation, then records the run; fails attempts below "succeed_on_attempt".</summary>
public sealed class WorkStep(string siloName) : IDagStep
{
    public string Name => "work";

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var delay = int.Parse(context.Parameters.GetValueOrDefault("delay_ms", "0"), CultureInfo.InvariantCulture);
        var succeedOn = int.Parse(context.Parameters.GetValueOrDefault("succeed_on_attempt", "1"), CultureInfo.InvariantCulture);
        await Task.Delay(delay, cancellationToken);
        StepJournal.Runs.Enqueue(new StepRun(context.JobId, context.NodeId, context.Attempt, started, DateTimeOffset.UtcNow, siloName));
        if (context.Attempt < succeedOn)
        {
            throw new InvalidOperationException($"transient failure on attempt {context.Attempt}");
        }

        var inputs = string.Join(",", context.Dependencies.Keys.Order(StringComparer.Ordinal));
        return new Dictionary<string, string> { ["node"] = context.NodeId, ["inputs"] = inputs, ["attempt"] = context.Attempt.ToString(CultureInfo.InvariantCulture) };
    }
}

/// <summary>How each run of <see cref="UntilCancelledStep"/> ended, by job id: set only once the step itself saw its token cancelled.</summary>
public static class CancelJournal
{
    public static readonly ConcurrentDictionary<string, StepRun> Observed = new();
}

/// <summary>Waits on its cancellation token alone (as a long CPU loop checking it would): it ends only when the engine cancels it.</summary>
public sealed class UntilCancelledStep : IDagStep
{
    public string Name => "until-cancelled";

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        StepJournal.Runs.Enqueue(new StepRun(context.JobId, context.NodeId, context.Attempt, started, started, ""));
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            CancelJournal.Observed[context.JobId] = new StepRun(context.JobId, context.NodeId, context.Attempt, started, DateTimeOffset.UtcNow, "");
        }

        return [];
    }
}

/// <summary>Fails with an error retrying cannot fix.</summary>
public sealed class BrokenStep : IDagStep
{
    public string Name => "broken";

    public Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        StepJournal.Runs.Enqueue(new StepRun(context.JobId, context.NodeId, context.Attempt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, ""));
        throw new NonRetryableStepException("the input is malformed");
    }
}

/// <summary>Tries to publish a snapshot through its toolkit: only a role with WriteStore may.</summary>
public sealed class PublishStep : IDagStep
{
    public string Name => "publish";

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        StepJournal.Runs.Enqueue(new StepRun(context.JobId, context.NodeId, context.Attempt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, ""));
        await context.Tools.Store.PublishSnapshotAsync("no-such-snapshot-" + context.JobId, new SnapshotStats(0, 0, 0, 0, []), cancellationToken);
        return [];
    }
}

/// <summary>Fetches over HTTP through its toolkit: only a researcher may.</summary>
public sealed class FetchStep : IDagStep
{
    public string Name => "fetch";

    public Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        StepJournal.Runs.Enqueue(new StepRun(context.JobId, context.NodeId, context.Attempt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, ""));
        _ = context.Tools.Http();
        return Task.FromResult(new Dictionary<string, string>());
    }
}
