// Capability checks of the graph area: a snapshot's graph is the graph step's own result
// (WriteOwnResults); analysis reports are what a critic may write (WriteReport).
using CodeIngest.Graph;
using CodeIngest.Storage;

namespace CodeIngest.Dag;

internal sealed partial class GuardedCodeStore
{
    public Task ForEachFileAsync(string snapshotId, Action<StoredFile> visit, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.ForEachFileAsync(snapshotId, visit, cancellationToken);
    }

    public Task<IReadOnlyList<FileStat>> GetFileStatsAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetFileStatsAsync(snapshotId, cancellationToken);
    }

    public Task SaveGraphAsync(string snapshotId, IReadOnlyList<GraphEdge> edges, string architectureJson, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteOwnResults);
        return inner.SaveGraphAsync(snapshotId, edges, architectureJson, cancellationToken);
    }

    public Task<IReadOnlyList<GraphEdge>> GetGraphEdgesAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetGraphEdgesAsync(snapshotId, cancellationToken);
    }

    public Task SaveReportAsync(string snapshotId, string kind, string json, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteReport);
        return inner.SaveReportAsync(snapshotId, kind, json, cancellationToken);
    }

    public Task<string?> GetReportAsync(string snapshotId, string kind, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetReportAsync(snapshotId, kind, cancellationToken);
    }

    public Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(string repo, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.ListSnapshotsAsync(repo, cancellationToken);
    }
}
