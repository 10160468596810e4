using CodeIngest.Dag;

namespace CodeIngest.Search;

/// <summary>Read side of the code store for clients: search, symbols, repositories and job history. A stateless
/// worker on every silo, so a client reads through the cluster without a connection to the store of its own.</summary>
[Alias("codeingest.ICodeQueryGrain")]
public interface ICodeQueryGrain : IGrainWithIntegerKey
{
    /// <summary>Lexical search over the chunks of each repository's latest snapshot.</summary>
    [Alias("Search")]
    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string? repo, int limit);

    /// <summary>Definitions by name (exact, then prefix; null lists all), optionally only of one repository or kind.</summary>
    [Alias("FindSymbols")]
    Task<IReadOnlyList<SymbolHit>> FindSymbolsAsync(string? name, string? repo, string? kind, int limit);

    /// <summary>Every ingested repository with its latest snapshot.</summary>
    [Alias("ListRepos")]
    Task<IReadOnlyList<RepoInfo>> ListReposAsync();

    /// <summary>The most recent jobs, newest first, as their last persisted views.</summary>
    [Alias("History")]
    Task<IReadOnlyList<JobView>> HistoryAsync(int limit);
}
