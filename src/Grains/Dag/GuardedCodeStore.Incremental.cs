// Capability checks of the incremental store methods.
using CodeIngest.Storage;

namespace CodeIngest.Dag;

internal sealed partial class GuardedCodeStore
{
    public Task<string?> GetLatestSnapshotAsync(string repo, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetLatestSnapshotAsync(repo, cancellationToken);
    }

    public Task<IReadOnlyList<StoredPathState>> GetPathStatesAsync(string snapshotId, IReadOnlyList<string>? paths, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetPathStatesAsync(snapshotId, paths, cancellationToken);
    }

    public Task<IReadOnlyList<StoredFile>> GetFilesByPathAsync(string snapshotId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetFilesByPathAsync(snapshotId, paths, cancellationToken);
    }

    public Task<int> CopyChunksAsync(string fromSnapshotId, string toSnapshotId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.CopyChunksAsync(fromSnapshotId, toSnapshotId, paths, cancellationToken);
    }

    public Task<SnapshotStats> CountSnapshotAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.CountSnapshotAsync(snapshotId, cancellationToken);
    }

    public Task<SnapshotStats> ApplyFileChangesAsync(FileChangeSet changes, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.ApplyFileChangesAsync(changes, cancellationToken);
    }
}
