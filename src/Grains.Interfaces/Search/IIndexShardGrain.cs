// Vector index shards: a repository's chunks split by a hash of their path into a fixed number of
// shards, each an in-memory exact top-k index keyed "{repo}/{shard}".
namespace CodeIngest.Search;

/// <summary>Which chunks a search may return: repository, language (exact), path glob (`*`, `**`, `?`).</summary>
[GenerateSerializer, Immutable, Alias("codeingest.SearchFilter")]
public sealed record SearchFilter(string? Repo = null, string? Language = null, string? PathGlob = null);

/// <summary>A chunk a vector or symbol-name search found, with its score (higher is better).</summary>
[GenerateSerializer, Immutable, Alias("codeingest.ChunkMatch")]
public sealed record ChunkMatch(string Repo, long ChunkId, string Path, string Language, string? Symbol, int StartLine, int EndLine, double Score);

/// <summary>What a shard holds after a refresh.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.IndexShardStats")]
public sealed record IndexShardStats(string? SnapshotId, int Chunks, int Vectors, int PendingWindows, int FetchedVectors);

/// <summary>A shard's (or a merged) vector and symbol-name candidates for one query.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.SearchCandidates")]
public sealed record SearchCandidates(IReadOnlyList<ChunkMatch> Vector, IReadOnlyList<ChunkMatch> Symbols);

[Alias("codeingest.IIndexShardGrain")]
public interface IIndexShardGrain : IGrainWithStringKey
{
    /// <summary>The k chunks whose vectors are closest (cosine) to the query vector.</summary>
    [Alias("Search")]
    Task<IReadOnlyList<ChunkMatch>> SearchAsync(float[] query, int k, SearchFilter filter, CancellationToken cancellationToken = default);

    /// <summary>The k chunks whose symbol name (and file name) best match the query's words.</summary>
    [Alias("SearchSymbols")]
    Task<IReadOnlyList<ChunkMatch>> SearchSymbolsAsync(string query, int k, SearchFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Both candidate lists in one call (one freshness check): vector matches when <paramref name="query"/> is set,
    /// symbol-name matches when <paramref name="symbolQuery"/> is set; k of each.</summary>
    [Alias("FindCandidates")]
    Task<SearchCandidates> FindCandidatesAsync(float[]? query, string? symbolQuery, int k, SearchFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Loads what changed since the last load: a new snapshot's chunks and vectors not held yet.</summary>
    [Alias("Refresh")]
    Task<IndexShardStats> RefreshAsync(CancellationToken cancellationToken = default);
}
