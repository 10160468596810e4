// Serves ISearchGrain: hybrid search over the silo's store and the index shard grains. Stateless, so
// each silo answers with a local activation; the vectors stay loaded in the shard grains.
using CodeIngest.Embedding;
using CodeIngest.Storage;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CodeIngest.Search;

[StatelessWorker]
public sealed class SearchGrain(ICodeStore store, IOptions<EmbeddingOptions> options) : Grain, ISearchGrain
{
    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchFilter filter, int limit, SearchMode mode, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("the search query is empty: pass one or more words to look for, or a question", nameof(query));
        }

        return new HybridSearch(store, new ShardVectorSearcher(GrainFactory, store, options.Value)).SearchAsync(query, filter ?? new SearchFilter(), limit, mode, cancellationToken);
    }
}
