// An embedding worker. [GpuPlacementFilter] keeps its activations on silos with gpu=true (fallback
// configured in CodeIngest:Placement), RandomPlacement picks among them. Reentrant: calls from many
// callers interleave so the silo's batcher can merge their texts into full batches.
using System.Diagnostics;
using CodeIngest.Placement;
using CodeIngest.Storage;
using Orleans.Concurrency;
using Orleans.Placement;

namespace CodeIngest.Embedding;

#pragma warning disable ORLEANSEXP004 // placement filters are experimental in Orleans 10
[GpuPlacementFilter]
#pragma warning restore ORLEANSEXP004
[RandomPlacement]
[Reentrant]
public sealed class EmbeddingGrain(EmbeddingService service, ICodeStore store) : Grain, IEmbeddingGrain
{
    public async Task<EmbeddingModelInfo> GetModelAsync(CancellationToken cancellationToken = default)
    {
        var bundle = await service.GetBundleAsync();
        return new EmbeddingModelInfo(bundle.Id, bundle.Dimension, bundle.MaxTokens);
    }

    public async Task<EmbedStoreResult> EmbedAndStoreAsync(IReadOnlyList<EmbedItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var bundle = await service.GetBundleAsync();
        var clock = Stopwatch.StartNew();
        var distinct = items.DistinctBy(i => i.Hash, StringComparer.Ordinal).ToList();
        var stored = await store.FindEmbeddedHashesAsync(bundle.Id, distinct.Select(i => i.Hash).ToList(), cancellationToken);
        var missing = distinct.Where(i => !stored.Contains(i.Hash)).ToList();
        var lookup = clock.Elapsed.TotalSeconds;
        var alreadyStored = stored.Count == 0 ? [] : distinct.Where(i => stored.Contains(i.Hash)).Select(i => i.Hash).ToList();
        if (missing.Count == 0)
        {
            return new EmbedStoreResult(0, alreadyStored, lookup, 0, 0);
        }

        clock.Restart();
        var vectors = await service.EmbedAsync(missing.Select(i => i.Text).ToList(), cancellationToken);
        var embed = clock.Elapsed.TotalSeconds;
        clock.Restart();
        await store.SaveEmbeddingsAsync(bundle.Id, missing.Select((item, i) => new ChunkEmbedding(item.Hash, vectors[i])).ToList(), cancellationToken);
        return new EmbedStoreResult(missing.Count, alreadyStored, lookup, embed, clock.Elapsed.TotalSeconds);
    }

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        service.EmbedAsync(texts, cancellationToken);

    public Task<EmbeddingBatcherStats> GetBatcherStatsAsync() => Task.FromResult(service.Stats(RuntimeIdentity));

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
