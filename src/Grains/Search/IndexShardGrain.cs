// An index shard: the in-memory vector index of one slice of a repository ("{repo}/{shard}"), loaded
// from the store on activation and refreshed incrementally (see ShardIndex). Every search call first
// reads the repository's latest snapshot id (one row) so a re-ingest shows at once (hybrid search asks
// for vector and symbol candidates in one call, FindCandidatesAsync, so it reads it once); windows whose vectors
// were still missing are looked up again at most every PendingRetryPeriod.
using CodeIngest.Embedding;
using CodeIngest.Storage;
using Microsoft.Extensions.Options;

namespace CodeIngest.Search;

public sealed class IndexShardGrain(ICodeStore store, IOptions<EmbeddingOptions> options) : Grain, IIndexShardGrain
{
    private static readonly TimeSpan PendingRetryPeriod = TimeSpan.FromSeconds(2);
    private ShardIndex _shard = null!;
    private DateTime _lastPendingRetry;
    private ModelIdentity _model = null!;

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

        _model = ConfiguredModel.Describe(options.Value);
        _shard = new ShardIndex(key[..slash], shard, Math.Max(1, options.Value.ShardsPerRepo), options.Value.PathWeight);
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

    public async Task<SearchCandidates> FindCandidatesAsync(float[]? query, string? symbolQuery, int k, SearchFilter filter, CancellationToken cancellationToken = default)
    {
        await RefreshIfDueAsync(cancellationToken);
        var index = _shard.Index!;
        return new SearchCandidates(
            query is null ? [] : index.Search(query, k, filter).Select(ToMatch).ToList(),
            symbolQuery is null ? [] : index.SearchSymbols(symbolQuery, k, filter).Select(ToMatch).ToList());
    }

    public async Task<IndexShardStats> RefreshAsync(CancellationToken cancellationToken = default)
    {
        _lastPendingRetry = DateTime.UtcNow;
        return await _shard.RefreshAsync(store, _model.ModelId, _model.MaxTokens, _model.Dimension, cancellationToken);
    }

    private async Task RefreshIfDueAsync(CancellationToken cancellationToken)
    {
        var retryPending = DateTime.UtcNow - _lastPendingRetry >= PendingRetryPeriod;
        if (retryPending)
        {
            _lastPendingRetry = DateTime.UtcNow;
        }

        await _shard.RefreshAsync(store, _model.ModelId, _model.MaxTokens, _model.Dimension, cancellationToken, retryPending);
    }

    private static ChunkMatch ToMatch((IndexEntry Entry, double Score) hit) =>
        new(hit.Entry.Repo, hit.Entry.ChunkId, hit.Entry.Path, hit.Entry.Language, hit.Entry.Symbol, hit.Entry.StartLine, hit.Entry.EndLine, hit.Score);
}
