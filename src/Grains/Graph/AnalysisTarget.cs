// Which snapshot the analysis steps (graph, quality, summarize) describe, and how they stay right when it changes
// under them. In an ingestion the snapshot is the job's own and nothing else writes it. In the watcher's file DAG
// the steps refresh the repository's published snapshot after the apply node; several file DAGs can apply at once,
// so a step that read the snapshot before another batch applied could overwrite a newer result with an older one.
// Each refresh therefore checks, after writing, that what it computed from is still what the store holds, and
// recomputes when it is not: the last write then always describes the final state.
using System.Security.Cryptography;
using System.Text;
using CodeIngest.Dag;
using CodeIngest.Storage;

namespace CodeIngest.Graph;

public static class AnalysisTarget
{
    /// <summary>Node parameter: the id of a dependency whose "snapshot" output is the snapshot to analyse (default: the job's own).</summary>
    public const string SnapshotFromParameter = "snapshot_from";

    /// <summary>Most recomputations of one refresh while other batches keep changing the snapshot.</summary>
    public const int MaxRounds = 5;

    /// <summary>The snapshot this node analyses.</summary>
    public static string SnapshotOf(StepContext context) =>
        context.Parameters.TryGetValue(SnapshotFromParameter, out var node) && !string.IsNullOrEmpty(node)
            ? context.DependencyOutput(node, "snapshot")
            : context.JobId;

    /// <summary>
    /// Runs <paramref name="analyze"/> on the node's snapshot. On a snapshot other than the job's own, runs it again while
    /// the snapshot's files (and the reports named in <paramref name="inputReports"/>) changed between its start and its write.
    /// </summary>
    public static async Task<Dictionary<string, string>> RunAsync(
        StepContext context,
        Func<string, Task<Dictionary<string, string>>> analyze,
        IReadOnlyList<string> inputReports,
        CancellationToken cancellationToken)
    {
        var snapshot = SnapshotOf(context);
        if (snapshot == context.JobId)
        {
            return await analyze(snapshot);
        }

        // A batch whose paths were all unchanged leaves the snapshot, so its analysis, as it was.
        if (context.Dependencies[context.Parameters[SnapshotFromParameter]].GetValueOrDefault("applied") == "0")
        {
            return new Dictionary<string, string> { ["snapshot"] = snapshot, ["skipped"] = "no path changed" };
        }

        var store = context.Tools.Store;
        var before = await FingerprintAsync(store, snapshot, inputReports, cancellationToken);
        for (var round = 1; ; round++)
        {
            var result = await analyze(snapshot);
            var after = await FingerprintAsync(store, snapshot, inputReports, cancellationToken);
            if (after == before)
            {
                result["snapshot"] = snapshot;
                result["rounds"] = round.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return result;
            }

            if (round >= MaxRounds)
            {
                // Retryable: the engine's backoff gives the other batches time to finish.
                throw new InvalidOperationException($"snapshot '{snapshot}' kept changing while its analysis was refreshed ({round} rounds)");
            }

            before = after;
        }
    }

    // Every stored path's language, content hash or skip reason, plus the input reports' text.
    private static async Task<string> FingerprintAsync(ICodeStore store, string snapshot, IReadOnlyList<string> inputReports, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var state in (await store.GetPathStatesAsync(snapshot, null, cancellationToken)).OrderBy(s => s.Path, StringComparer.Ordinal).ThenBy(s => s.Hash, StringComparer.Ordinal))
        {
            text.Append(state.Path).Append('\0').Append(state.Language).Append('\0').Append(state.Hash).Append('\0').Append(state.SkipReason).Append('\n');
        }

        foreach (var kind in inputReports)
        {
            text.Append(kind).Append('\0').Append(await store.GetReportAsync(snapshot, kind, cancellationToken)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
