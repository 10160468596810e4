// Capability checks of the incremental refresh: reading is ReadStore; the edge update is the graph step's own result.
using CodeIngest.Storage;

namespace CodeIngest.Dag;

internal sealed partial class GuardedCodeStore
{
    public Task<IReadOnlyList<StoredPathState>> GetFileStatesAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetFileStatesAsync(snapshotId, cancellationToken);
    }

    public Task ForEachFileAsync(string snapshotId, IReadOnlyCollection<string> paths, bool withReferences, Action<StoredFile> visit, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.ForEachFileAsync(snapshotId, paths, withReferences, visit, cancellationToken);
    }

    public Task<bool> UpdateGraphEdgesAsync(GraphEdgeUpdate update, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteOwnResults);
        return inner.UpdateGraphEdgesAsync(update, cancellationToken);
    }
}
