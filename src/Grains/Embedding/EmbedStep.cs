// embed (researcher: runs models): the code-aware text windows of every chunk of the snapshot, keyed
// by (model id, SHA-256 of the text), and the words of every distinct path (keyed the same way; the
// index adds a chunk's path vector to its window vectors); texts whose vector is already stored — from
// an earlier ingest, another branch, another repository, or the same file before a rename — are not
// embedded again. The rest, chunk windows and path texts in one order, shortest first (less padding
// per batch), go in requests of whole batches to the embedding grains (placed on gpu silos), at most
// two requests in flight per worker (enough queued texts that the silo's batcher never waits for the
// next request); each grain embeds and stores its vectors (checking the store once more, for vectors
// another ingest stored meanwhile). Index shards pick the vectors up on their next refresh. The
// result carries where the stage's time went (read, text, lookup, embed seconds; the batcher's
// tokenize and ONNX Runtime seconds and padded tokens, silo totals over the stage, other callers'
// texts included; the workers' lookup and store seconds; JIT compilation in the process meanwhile).
using System.Diagnostics;
using System.Globalization;
using CodeIngest.Dag;
using CodeIngest.Storage;
using Microsoft.Extensions.Options;

namespace CodeIngest.Embedding;

public sealed class EmbedStep(IOptions<EmbeddingOptions> options) : IDagStep
{
    public const string StepName = "embed";

    public string Name => StepName;

    /// <summary>The distinct texts the stage embeds for a snapshot's chunks: their windows, and the words of their paths
    /// (a path text that equals a chunk window is left to the window).</summary>
    public static (List<EmbeddingWindow> ChunkWindows, List<EmbeddingWindow> PathWindows) Texts(IReadOnlyList<StoredChunk> chunks, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var chunkWindows = chunks.SelectMany(c => EmbeddingText.Windows(c.Chunk, maxTokens)).DistinctBy(w => w.Hash, StringComparer.Ordinal).ToList();
        var chunkHashes = chunkWindows.Select(w => w.Hash).ToHashSet(StringComparer.Ordinal);
        var pathWindows = chunks.Select(c => c.Chunk.Path).Distinct(StringComparer.Ordinal)
            .Select(EmbeddingText.PathWindow).OfType<EmbeddingWindow>()
            .Where(w => !chunkHashes.Contains(w.Hash)).DistinctBy(w => w.Hash, StringComparer.Ordinal).ToList();
        return (chunkWindows, pathWindows);
    }

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var grains = context.Tools.ModelRuntime();
        var store = context.Tools.Store;
        var settings = options.Value;
        var workers = Math.Max(1, settings.Workers);
        var clock = Stopwatch.StartNew();
        var model = await grains.GetGrain<IEmbeddingGrain>(0).GetModelAsync(cancellationToken);
        var modelSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var chunks = await store.GetChunksAsync(context.JobId, cancellationToken);
        var readSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var (chunkWindows, pathWindows) = Texts(chunks, model.MaxTokens);
        var windows = chunkWindows.Concat(pathWindows).ToList();
        var textSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in windows.Chunk(2000))
        {
            stored.UnionWith(await store.FindEmbeddedHashesAsync(model.ModelId, batch.Select(w => w.Hash).ToList(), cancellationToken));
        }

        var lookupSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();

        // Every text not stored yet, shortest first (a batch is padded to its longest text, so batches of similar
        // lengths waste less of the model's work than batches in file order), chunk windows and path texts in one
        // order. Requests are whole batches (RequestSize rounded up to a multiple of BatchSize) and the batcher keeps
        // a request's texts together, so ONNX Runtime gets the batches a plain loop over this order would make.
        // Chunk windows and path texts are counted apart: a renamed file embeds its new path's words (one short text)
        // and none of its chunks.
        var batchSize = Math.Max(1, settings.BatchSize);
        var size = (Math.Max(1, settings.RequestSize) + batchSize - 1) / batchSize * batchSize;
        var missingChunks = chunkWindows.Where(w => !stored.Contains(w.Hash)).ToList();
        var missingPaths = pathWindows.Where(w => !stored.Contains(w.Hash)).ToList();
        var pathHashes = missingPaths.Select(w => w.Hash).ToHashSet(StringComparer.Ordinal);
        var total = missingChunks.Count + missingPaths.Count;
        await context.ReportProgressAsync(0.05, $"{total} of {windows.Count} texts to embed");
        var requests = missingChunks.Concat(missingPaths).OrderBy(w => w.Text.Length)
            .Select(w => new EmbedItem(w.Hash, w.Text)).Chunk(size).ToList();
        var embeddedChunks = 0;
        var embeddedPaths = 0;
        var done = 0;
        long workerLookupTicks = 0, workerEmbedTicks = 0, workerStoreTicks = 0;
        var before = await BatcherStatsAsync(grains, workers);
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var prepareSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        using var slots = new SemaphoreSlim(workers * 2);
        var inFlight = new List<Task>();
        for (var i = 0; i < requests.Count; i++)
        {
            await slots.WaitAsync(cancellationToken);
            var request = requests[i];
            var worker = grains.GetGrain<IEmbeddingGrain>(i % workers);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var result = await worker.EmbedAndStoreAsync(request, cancellationToken);
                    var skipped = result.AlreadyStored.ToHashSet(StringComparer.Ordinal);
                    var paths = request.Count(item => pathHashes.Contains(item.Hash) && !skipped.Contains(item.Hash));
                    Interlocked.Add(ref embeddedPaths, paths);
                    Interlocked.Add(ref embeddedChunks, result.Embedded - paths);
                    Interlocked.Add(ref workerLookupTicks, TimeSpan.FromSeconds(result.LookupSeconds).Ticks);
                    Interlocked.Add(ref workerEmbedTicks, TimeSpan.FromSeconds(result.EmbedSeconds).Ticks);
                    Interlocked.Add(ref workerStoreTicks, TimeSpan.FromSeconds(result.StoreSeconds).Ticks);
                    var finished = Interlocked.Add(ref done, request.Length);
                    await context.ReportProgressAsync(0.05 + (0.95 * finished / Math.Max(1, total)), $"{finished}/{total} texts embedded");
                }
                finally
                {
                    slots.Release();
                }
            }, cancellationToken));
        }

        await Task.WhenAll(inFlight);
        var embedSeconds = clock.Elapsed.TotalSeconds;
        var jitSeconds = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalSeconds;
        var after = await BatcherStatsAsync(grains, workers);
        var batcher = after.Select(a => before.TryGetValue(a.Key, out var b)
            ? a.Value with { Texts = a.Value.Texts - b.Texts, Batches = a.Value.Batches - b.Batches, TokenizeSeconds = a.Value.TokenizeSeconds - b.TokenizeSeconds, RunSeconds = a.Value.RunSeconds - b.RunSeconds, Tokens = a.Value.Tokens - b.Tokens, PaddedTokens = a.Value.PaddedTokens - b.PaddedTokens }
            : a.Value).ToList();
        return new Dictionary<string, string>
        {
            ["model_seconds"] = Seconds(modelSeconds),
            ["read_seconds"] = Seconds(readSeconds),
            ["text_seconds"] = Seconds(textSeconds),
            ["lookup_seconds"] = Seconds(lookupSeconds),
            ["prepare_seconds"] = Seconds(prepareSeconds),
            ["embed_seconds"] = Seconds(embedSeconds),
            // JIT compilation in this process while the texts were embedded (tier-up of warm code competes with ONNX Runtime for
            // the cores; measured: it fades after the first few ingests of a silo).
            ["jit_seconds"] = Seconds(jitSeconds),
            ["worker_lookup_seconds"] = Seconds(TimeSpan.FromTicks(workerLookupTicks).TotalSeconds),
            ["worker_embed_seconds"] = Seconds(TimeSpan.FromTicks(workerEmbedTicks).TotalSeconds),
            ["worker_store_seconds"] = Seconds(TimeSpan.FromTicks(workerStoreTicks).TotalSeconds),
            ["batcher_texts"] = batcher.Sum(b => b.Texts).ToString(CultureInfo.InvariantCulture),
            ["batcher_batches"] = batcher.Sum(b => b.Batches).ToString(CultureInfo.InvariantCulture),
            ["batcher_tokens"] = batcher.Sum(b => b.Tokens).ToString(CultureInfo.InvariantCulture),
            ["batcher_padded_tokens"] = batcher.Sum(b => b.PaddedTokens).ToString(CultureInfo.InvariantCulture),
            ["tokenize_seconds"] = Seconds(batcher.Sum(b => b.TokenizeSeconds)),
            ["run_seconds"] = Seconds(batcher.Sum(b => b.RunSeconds)),
            ["model"] = model.ModelId,
            ["chunks"] = chunks.Count.ToString(CultureInfo.InvariantCulture),
            ["embeddings"] = chunkWindows.Count.ToString(CultureInfo.InvariantCulture),
            ["embedded"] = embeddedChunks.ToString(CultureInfo.InvariantCulture),
            ["reused"] = (chunkWindows.Count - missingChunks.Count).ToString(CultureInfo.InvariantCulture),
            ["paths"] = pathWindows.Count.ToString(CultureInfo.InvariantCulture),
            ["paths_embedded"] = embeddedPaths.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);

    // The batcher totals of the silos the workers live on (one entry per silo; several workers may share one).
    private static async Task<Dictionary<string, EmbeddingBatcherStats>> BatcherStatsAsync(IGrainFactory grains, int workers)
    {
        var stats = await Task.WhenAll(Enumerable.Range(0, workers).Select(i => grains.GetGrain<IEmbeddingGrain>(i).GetBatcherStatsAsync()));
        return stats.DistinctBy(s => s.Silo, StringComparer.Ordinal).ToDictionary(s => s.Silo, StringComparer.Ordinal);
    }
}
