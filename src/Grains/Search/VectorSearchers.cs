// The two sources of vector and symbol-name candidates. On a silo: the repository's index shard
// grains, queried in parallel and merged, with the query embedded by an embedding grain (gpu silo).
// In a CLI run with no silo to join: one in-process index per repository, loaded from the store for
// this one search, with the model run in-process. Both skip the vector ranking when the store holds no
// vector of the configured model (nothing was embedded), without loading the model.
using CodeIngest.Embedding;
using CodeIngest.Storage;

namespace CodeIngest.Search;

public sealed class ShardVectorSearcher(IGrainFactory grains, ICodeStore store, EmbeddingOptions options) : IVectorSearcher
{
    public async Task<float[]?> EmbedQueryAsync(string query, SearchFilter filter, CancellationToken cancellationToken)
    {
        var model = ConfiguredModel.Describe(options);
        if (!await store.HasEmbeddingsAsync(model.ModelId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var worker = grains.GetGrain<IEmbeddingGrain>(Random.Shared.Next(Math.Max(1, options.Workers)));
        return (await worker.EmbedAsync([query], cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<SearchCandidates> FindCandidatesAsync(float[]? query, string? symbolQuery, int k, SearchFilter filter, CancellationToken cancellationToken)
    {
        var repos = filter.Repo is { } repo ? [repo] : (await store.ListLatestSnapshotsAsync(cancellationToken).ConfigureAwait(false)).Select(r => r.Repo).ToList();
        var shards = Math.Max(1, options.ShardsPerRepo);
        var calls = repos.SelectMany(r => Enumerable.Range(0, shards)
            .Select(s => grains.GetGrain<IIndexShardGrain>(IndexShardGrain.Key(r, s)).FindCandidatesAsync(query, symbolQuery, k, filter, cancellationToken))).ToList();
        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        return new SearchCandidates(Best(results.SelectMany(r => r.Vector), k), Best(results.SelectMany(r => r.Symbols), k));
    }

    /// <summary>The k best matches of several lists (score, then path and line for a stable order).</summary>
    internal static List<ChunkMatch> Best(IEnumerable<ChunkMatch> matches, int k) =>
        matches.OrderByDescending(m => m.Score).ThenBy(m => m.Path, StringComparer.Ordinal).ThenBy(m => m.StartLine).Take(k).ToList();
}

public sealed class LocalVectorSearcher(ICodeStore store, EmbeddingOptions options) : IVectorSearcher, IDisposable
{
    private readonly Dictionary<string, ShardIndex> _indexes = new(StringComparer.Ordinal);
    private OnnxEmbedder? _embedder;

    public async Task<float[]?> EmbedQueryAsync(string query, SearchFilter filter, CancellationToken cancellationToken)
    {
        var model = ConfiguredModel.Describe(options);
        if (!await store.HasEmbeddingsAsync(model.ModelId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        if (_embedder is null)
        {
            var bundle = string.IsNullOrWhiteSpace(options.BundlePath)
                ? await DefaultModel.EnsureAsync(options, cancellationToken).ConfigureAwait(false)
                : ModelBundle.Load(options.BundlePath);
            _embedder = new OnnxEmbedder(bundle, options);
        }

        return _embedder.Embed([query])[0];
    }

    public async Task<SearchCandidates> FindCandidatesAsync(float[]? query, string? symbolQuery, int k, SearchFilter filter, CancellationToken cancellationToken)
    {
        var indexes = await IndexesAsync(filter, cancellationToken).ConfigureAwait(false);
        return new SearchCandidates(
            query is null ? [] : Merge(indexes, index => index.Search(query, k, filter), k),
            symbolQuery is null ? [] : Merge(indexes, index => index.SearchSymbols(symbolQuery, k, filter), k));
    }

    public void Dispose() => _embedder?.Dispose();

    private static List<ChunkMatch> Merge(IEnumerable<VectorIndex> indexes, Func<VectorIndex, IReadOnlyList<(IndexEntry Entry, double Score)>> ask, int k) =>
        ShardVectorSearcher.Best(
            indexes.SelectMany(ask).Select(h => new ChunkMatch(h.Entry.Repo, h.Entry.ChunkId, h.Entry.Path, h.Entry.Language, h.Entry.Symbol, h.Entry.StartLine, h.Entry.EndLine, h.Score)),
            k);

    private async Task<List<VectorIndex>> IndexesAsync(SearchFilter filter, CancellationToken cancellationToken)
    {
        var model = ConfiguredModel.Describe(options);
        var repos = filter.Repo is { } repo ? [repo] : (await store.ListLatestSnapshotsAsync(cancellationToken).ConfigureAwait(false)).Select(r => r.Repo).ToList();
        var result = new List<VectorIndex>();
        foreach (var name in repos)
        {
            if (!_indexes.TryGetValue(name, out var shard))
            {
                shard = new ShardIndex(name, 0, 1, options.PathWeight);
                _indexes[name] = shard;
            }

            await shard.RefreshAsync(store, model.ModelId, model.MaxTokens, model.Dimension, cancellationToken).ConfigureAwait(false);
            result.Add(shard.Index!);
        }

        return result;
    }
}
