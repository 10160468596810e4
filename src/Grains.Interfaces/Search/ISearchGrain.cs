// Hybrid code search as a grain: a stateless worker on every silo runs the lexical query on the
// silo's store, asks the repository's index shard grains for vector and symbol-name candidates and
// fuses them. Clients (the CLI joined to a running silo, the SDK) search through it, so the shards'
// loaded vectors serve every search instead of being loaded again per process.
namespace CodeIngest.Search;

/// <summary>Which rankings a search uses.</summary>
[GenerateSerializer, Alias("codeingest.SearchMode")]
public enum SearchMode
{
    /// <summary>Lexical only (BM25 / full text): the behaviour before vectors existed.</summary>
    Lexical,

    /// <summary>Vector only (cosine of the query's embedding with chunk windows).</summary>
    Vector,

    /// <summary>Lexical, vector and symbol-name rankings fused (RRF).</summary>
    Hybrid,
}

[Alias("codeingest.ISearchGrain")]
public interface ISearchGrain : IGrainWithIntegerKey
{
    /// <summary>The best <paramref name="limit"/> hits (1 to 1000) for the query under the filter and mode.</summary>
    [Alias("Search")]
    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchFilter filter, int limit, SearchMode mode, CancellationToken cancellationToken = default);
}
