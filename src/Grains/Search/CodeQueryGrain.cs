// Serves ICodeQueryGrain from the silo's code store. Stateless and reentrant-free: each silo runs
// local activations, so reads go to the nearest silo and scale with the cluster.
using CodeIngest.Dag;
using CodeIngest.Storage;
using Orleans.Concurrency;

namespace CodeIngest.Search;

[StatelessWorker]
public sealed class CodeQueryGrain(ICodeStore store) : Grain, ICodeQueryGrain
{
    /// <summary>The most any one read returns.</summary>
    public const int MaxLimit = 10_000;

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string? repo, int limit)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("the search query is empty: pass one or more words to look for", nameof(query));
        }

        return store.SearchAsync(query, repo, Math.Clamp(limit, 1, MaxLimit));
    }

    public Task<IReadOnlyList<SymbolHit>> FindSymbolsAsync(string? name, string? repo, string? kind, int limit) =>
        store.FindSymbolsAsync(string.IsNullOrWhiteSpace(name) ? null : name, repo, kind, limit <= 0 ? int.MaxValue : limit);

    public Task<IReadOnlyList<RepoInfo>> ListReposAsync() => store.ListReposAsync();

    public async Task<IReadOnlyList<JobView>> HistoryAsync(int limit)
    {
        var jobs = await store.ListJobsAsync(Math.Clamp(limit, 1, MaxLimit));
        return [.. jobs.Select(j => JobViewJson.Deserialize(j.ViewJson)).OfType<JobView>()];
    }
}
