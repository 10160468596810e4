// One shard's index and how it is kept current: chunks of the repository's latest snapshot whose path
// hashes to this shard, their windows' hashes, and the vectors stored for them. Noticing a re-ingest
// costs one single-row read (the repository's latest snapshot id); the chunk list is read again only
// when that id changed, and only vectors the index does not hold yet are fetched (a re-ingest that
// changed a few chunks fetches a few vectors). The index matrix is the shard's only copy of its
// vectors: a rebuild copies the rows it keeps from the previous index. With a path weight, each row
// combines a window's vector with its path's (both fetched by hash): a renamed file's rows are new
// rows made from vectors already stored.
using CodeIngest.Storage;

namespace CodeIngest.Search;

// pathWeight: weight of the path's vector in each row (EmbeddingOptions.PathWeight); 0: rows are the windows' vectors alone.
public sealed class ShardIndex(string repo, int shard, int shards, float pathWeight = 0)
{
    private const int FetchBatch = 2000;
    private IndexEntry[] _entries = [];

    public string Repo { get; } = repo;

    public string? SnapshotId { get; private set; }

    public VectorIndex? Index { get; private set; }

    /// <summary>The shard a chunk of this path belongs to (FNV-1a of the path; stable across processes).</summary>
    public static int ShardOf(string path, int shards)
    {
        var hash = 2166136261u;
        foreach (var c in path)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)Math.Max(1, shards));
    }

    /// <summary>Brings the shard up to date with the store; returns what it holds and how many vectors it fetched.
    /// With <paramref name="retryPending"/> false, windows still without a vector are not looked up again unless
    /// the snapshot changed (the cheap check a search makes every time).</summary>
    public async Task<IndexShardStats> RefreshAsync(ICodeStore store, string modelId, int maxTokens, int dimension, CancellationToken cancellationToken, bool retryPending = true)
    {
        var latest = await store.GetLatestSnapshotAsync(Repo, cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            SnapshotId = null;
            _entries = [];
            Index = VectorIndex.Build([], new Dictionary<string, float[]>(), dimension);
            return Stats(0);
        }

        var reloaded = latest != SnapshotId || Index is null;
        if (!reloaded && (Index!.Pending == 0 || !retryPending))
        {
            return Stats(0);
        }

        if (reloaded)
        {
            var chunks = await store.GetChunksAsync(latest, cancellationToken).ConfigureAwait(false);
            _entries = chunks.Where(c => ShardOf(c.Chunk.Path, shards) == shard).Select(c => VectorIndex.Entry(Repo, c, maxTokens, withPath: pathWeight != 0)).ToArray();
            SnapshotId = latest;
        }

        // Vectors are needed only for rows the index does not hold: the window's and, when rows combine, the path's.
        var missing = _entries
            .SelectMany(e => e.Hashes.Where(h => Index is null || !Index.Contains(e.RowKey(h))).SelectMany(h => e.PathHash is null ? [h] : new[] { h, e.PathHash }))
            .Distinct(StringComparer.Ordinal).ToList();
        var fresh = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var batch in missing.Chunk(FetchBatch))
        {
            foreach (var embedding in await store.GetEmbeddingsAsync(modelId, batch, cancellationToken).ConfigureAwait(false))
            {
                fresh[embedding.Hash] = embedding.Vector;
            }
        }

        if (reloaded || fresh.Count > 0)
        {
            // Rows of windows no longer in the snapshot are not copied: removed files' vectors leave with the old index.
            Index = VectorIndex.Build(_entries, fresh, Index, dimension, pathWeight);
        }

        return Stats(fresh.Count);
    }

    private IndexShardStats Stats(int fetched) => new(SnapshotId, _entries.Length, Index?.Rows ?? 0, Index?.Pending ?? 0, fetched);
}
