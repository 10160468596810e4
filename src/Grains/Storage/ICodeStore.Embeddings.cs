// Store methods of the embeddings area: the chunks of a snapshot (for embedding and indexing) and
// vectors content-addressed by (model id, hash of the embedded text).
namespace CodeIngest.Storage;

/// <summary>A stored chunk with its id (stable within its snapshot).</summary>
public sealed record StoredChunk(long ChunkId, CodeChunk Chunk);

/// <summary>A repository and its latest published snapshot (what search reads).</summary>
public sealed record RepoSnapshot(string Repo, string SnapshotId);

/// <summary>A vector stored under the hash of the text it embeds.</summary>
public sealed record ChunkEmbedding(string Hash, float[] Vector);

public partial interface ICodeStore
{
    /// <summary>The chunks of a snapshot, ordered by id.</summary>
    Task<IReadOnlyList<StoredChunk>> GetChunksAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>The texts of chunks by id (ids that do not exist are absent).</summary>
    Task<IReadOnlyDictionary<long, string>> GetChunkTextsAsync(IReadOnlyCollection<long> chunkIds, CancellationToken cancellationToken = default);

    /// <summary>Which of the hashes already have a vector for the model.</summary>
    Task<IReadOnlySet<string>> FindEmbeddedHashesAsync(string modelId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default);

    /// <summary>Stores vectors for the model; a hash already stored keeps its vector (same text, same model, same vector).</summary>
    Task SaveEmbeddingsAsync(string modelId, IReadOnlyList<ChunkEmbedding> embeddings, CancellationToken cancellationToken = default);

    /// <summary>The stored vectors of the model for these hashes (missing ones are absent).</summary>
    Task<IReadOnlyList<ChunkEmbedding>> GetEmbeddingsAsync(string modelId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default);

    /// <summary>How many vectors are stored for the model.</summary>
    Task<long> CountEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>Whether any vector is stored for the model (a one-row probe; counting scans every vector).</summary>
    Task<bool> HasEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>Every repository with a published snapshot and that snapshot's id, ordered by repository: one cheap read
    /// (no counts), asked on every search to notice a re-ingest.</summary>
    Task<IReadOnlyList<RepoSnapshot>> ListLatestSnapshotsAsync(CancellationToken cancellationToken = default);
}
