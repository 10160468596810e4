// An index shard: the in-memory vector index of one slice of a repository ("{repo}/{shard}"), loaded
// from the store on activation and refreshed incrementally (see ShardIndex) when a search finds the
// repository's latest snapshot changed or vectors still missing — checked at most every RefreshPeriod.
using CodeIngest.Embedding;
using CodeIngest.Storage;
using Microsoft.Extensions.Options;

namespace CodeIngest.Search;

public sealed class IndexShardGrain(ICodeStore store, IOptions<EmbeddingOptions> options) : Grain, IIndexShardGrain
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);
    private ShardIndex _shard = null!;
    private DateTime _lastRefresh;
    private IndexShardStats? _stats;

    /// <summary>The grain key of shard <paramref name="shard"/> of a repository.</summary>
    public static string Key(string repo, int shard) => $"{repo}/{shard}";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(key.AsSpan(slash + 1), out var shard) || shard < 0)
        {
            throw new ArgumentException($"index shard key '{key}' is not '{{repo}}/{{shard}}'");
        }

        _shard = new ShardIndex(key[..slash], shard, Math.Max(1, options.Value.ShardsPerRepo));
        await RefreshAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ChunkMatch>> SearchAsync(float[] query, int k, SearchFilter filter, CancellationToken cancellationToken = default)
    {
        await RefreshIfDueAsync(cancellationToken);
        return _shard.Index!.Search(query, k, filter).Select(ToMatch).ToList();
    }

    public async Task<IReadOnlyList<ChunkMatch>> SearchSymbolsAsync(string query, int k, SearchFilter filter, CancellationToken cancellationToken = default)
    {
        await RefreshIfDueAsync(cancellationToken);
        return _shard.Index!.SearchSymbols(query, k, filter).Select(ToMatch).ToList();
    }

    public async Task<IndexShardStats> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var model = ConfiguredModel.Describe(options.Value);
        _stats = await _shard.RefreshAsync(store, model.ModelId, model.MaxTokens, model.Dimension, cancellationToken);
        _lastRefresh = DateTime.UtcNow;
        return _stats;
    }

    private Task RefreshIfDueAsync(CancellationToken cancellationToken) =>
        DateTime.UtcNow - _lastRefresh >= RefreshPeriod ? RefreshAsync(cancellationToken) : Task.CompletedTask;

    private static ChunkMatch ToMatch((IndexEntry Entry, double Score) hit) =>
        new(hit.Entry.Repo, hit.Entry.ChunkId, hit.Entry.Path, hit.Entry.Language, hit.Entry.Symbol, hit.Entry.StartLine, hit.Entry.EndLine, hit.Score);
}
