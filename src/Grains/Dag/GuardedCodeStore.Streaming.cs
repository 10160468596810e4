// Capability checks of the streaming store methods.
using CodeIngest.Storage;

namespace CodeIngest.Dag;

internal sealed partial class GuardedCodeStore
{
    public IAsyncEnumerable<StoredFile> StreamFilesAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.StreamFilesAsync(snapshotId, cancellationToken);
    }

    public Task ClearChunksAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.ClearChunksAsync(snapshotId, cancellationToken);
    }

    public Task AppendChunksAsync(string snapshotId, IReadOnlyList<CodeChunk> chunks, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.AppendChunksAsync(snapshotId, chunks, cancellationToken);
    }
}
