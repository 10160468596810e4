// Capability checks of the embeddings area's store methods. Reads need ReadStore; storing vectors
// is done by the embedding grains (the model runtime), so a step that may run models (RunModel) may
// store what its model produced — content-addressed and invisible until an index shard loads it.
using CodeIngest.Storage;

namespace CodeIngest.Dag;

internal sealed partial class GuardedCodeStore
{
    public Task<IReadOnlyList<StoredChunk>> GetChunksAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetChunksAsync(snapshotId, cancellationToken);
    }

    public Task<IReadOnlyDictionary<long, string>> GetChunkTextsAsync(IReadOnlyCollection<long> chunkIds, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetChunkTextsAsync(chunkIds, cancellationToken);
    }

    public Task<IReadOnlySet<string>> FindEmbeddedHashesAsync(string modelId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.FindEmbeddedHashesAsync(modelId, hashes, cancellationToken);
    }

    public Task SaveEmbeddingsAsync(string modelId, IReadOnlyList<ChunkEmbedding> embeddings, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.RunModel);
        return inner.SaveEmbeddingsAsync(modelId, embeddings, cancellationToken);
    }

    public Task<IReadOnlyList<ChunkEmbedding>> GetEmbeddingsAsync(string modelId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetEmbeddingsAsync(modelId, hashes, cancellationToken);
    }

    public Task<long> CountEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.CountEmbeddingsAsync(modelId, cancellationToken);
    }

    public Task<bool> HasEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.HasEmbeddingsAsync(modelId, cancellationToken);
    }

    public Task<IReadOnlyList<RepoSnapshot>> ListLatestSnapshotsAsync(CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.ListLatestSnapshotsAsync(cancellationToken);
    }
}
