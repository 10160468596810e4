// One shard's index and how it is kept current: chunks of the repository's latest snapshot whose path
// hashes to this shard, their windows' hashes, and the vectors stored for them. A refresh reads the
// chunk list again only when the latest snapshot changed, and fetches from the store only the vectors
// it does not hold yet (a re-ingest that changed a few chunks fetches a few vectors).
using CodeIngest.Storage;

namespace CodeIngest.Search;

public sealed class ShardIndex(string repo, int shard, int shards)
{
    private const int FetchBatch = 2000;
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private List<IndexEntry> _entries = [];

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

    /// <summary>Brings the shard up to date with the store; returns what it holds and how many vectors it fetched.</summary>
    public async Task<IndexShardStats> RefreshAsync(ICodeStore store, string modelId, int maxTokens, int dimension, CancellationToken cancellationToken)
    {
        var latest = (await store.ListReposAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Repo == Repo)?.LatestSnapshot;
        if (latest is null)
        {
            SnapshotId = null;
            _entries = [];
            _vectors.Clear();
            Index = VectorIndex.Build([], _vectors, dimension);
            return Stats(0);
        }

        var reloaded = latest != SnapshotId || Index is null;
        if (reloaded)
        {
            var chunks = await store.GetChunksAsync(latest, cancellationToken).ConfigureAwait(false);
            _entries = chunks.Where(c => ShardOf(c.Chunk.Path, shards) == shard).Select(c => VectorIndex.Entry(Repo, c, maxTokens)).ToList();
            SnapshotId = latest;
            var wanted = _entries.SelectMany(e => e.Hashes).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in _vectors.Keys.Where(h => !wanted.Contains(h)).ToList())
            {
                _vectors.Remove(stale);
            }
        }

        var missing = _entries.SelectMany(e => e.Hashes).Where(h => !_vectors.ContainsKey(h)).Distinct(StringComparer.Ordinal).ToList();
        var fetched = 0;
        foreach (var batch in missing.Chunk(FetchBatch))
        {
            foreach (var embedding in await store.GetEmbeddingsAsync(modelId, batch, cancellationToken).ConfigureAwait(false))
            {
                _vectors[embedding.Hash] = embedding.Vector;
                fetched++;
            }
        }

        if (reloaded || fetched > 0)
        {
            Index = VectorIndex.Build(_entries, _vectors, dimension);
        }

        return Stats(fetched);
    }

    private IndexShardStats Stats(int fetched) => new(SnapshotId, _entries.Count, Index?.Rows ?? 0, Index?.Pending ?? 0, fetched);
}
