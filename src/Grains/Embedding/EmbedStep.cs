// embed (researcher: runs models): the code-aware text windows of every chunk of the snapshot, keyed
// by (model id, SHA-256 of the text), and the words of every distinct path (keyed the same way; the
// index adds a chunk's path vector to its window vectors); texts whose vector is already stored — from
// an earlier ingest, another branch, another repository, or the same file before a rename — are not
// embedded again. The rest go in requests of
// RequestSize texts, shortest first (less padding per batch), to the embedding grains (placed on gpu silos), at most two requests in flight
// per worker; each grain embeds and stores its vectors. Index shards pick the vectors up on their
// next refresh.
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
        var model = await grains.GetGrain<IEmbeddingGrain>(0).GetModelAsync(cancellationToken);
        var chunks = await store.GetChunksAsync(context.JobId, cancellationToken);
        var (chunkWindows, pathWindows) = Texts(chunks, model.MaxTokens);
        var windows = chunkWindows.Concat(pathWindows).ToList();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in windows.Chunk(2000))
        {
            stored.UnionWith(await store.FindEmbeddedHashesAsync(model.ModelId, batch.Select(w => w.Hash).ToList(), cancellationToken));
        }

        // Chunk windows and path texts go in separate requests and are counted apart: a renamed file
        // embeds its new path's words (one short text) and none of its chunks.
        var size = Math.Max(1, settings.RequestSize);
        // Shortest texts first: a batch is padded to its longest text, so batches of similar lengths waste
        // less of the model's work than batches in file order.
        var missingChunks = chunkWindows.Where(w => !stored.Contains(w.Hash)).OrderBy(w => w.Text.Length).Select(w => new EmbedItem(w.Hash, w.Text)).ToList();
        var missingPaths = pathWindows.Where(w => !stored.Contains(w.Hash)).Select(w => new EmbedItem(w.Hash, w.Text)).ToList();
        var total = missingChunks.Count + missingPaths.Count;
        await context.ReportProgressAsync(0.05, $"{total} of {windows.Count} texts to embed");
        var requests = missingChunks.Chunk(size).Select(r => (Items: r, IsPath: false))
            .Concat(missingPaths.Chunk(size).Select(r => (Items: r, IsPath: true))).ToList();
        var embeddedChunks = 0;
        var embeddedPaths = 0;
        var done = 0;
        using var slots = new SemaphoreSlim(workers * 2);
        var inFlight = new List<Task>();
        for (var i = 0; i < requests.Count; i++)
        {
            await slots.WaitAsync(cancellationToken);
            var (request, isPath) = requests[i];
            var worker = grains.GetGrain<IEmbeddingGrain>(i % workers);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var count = await worker.EmbedAndStoreAsync(request, cancellationToken);
                    Interlocked.Add(ref isPath ? ref embeddedPaths : ref embeddedChunks, count);
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
        return new Dictionary<string, string>
        {
            ["model"] = model.ModelId,
            ["chunks"] = chunks.Count.ToString(CultureInfo.InvariantCulture),
            ["embeddings"] = chunkWindows.Count.ToString(CultureInfo.InvariantCulture),
            ["embedded"] = embeddedChunks.ToString(CultureInfo.InvariantCulture),
            ["reused"] = (chunkWindows.Count - missingChunks.Count).ToString(CultureInfo.InvariantCulture),
            ["paths"] = pathWindows.Count.ToString(CultureInfo.InvariantCulture),
            ["paths_embedded"] = embeddedPaths.ToString(CultureInfo.InvariantCulture),
        };
    }
}
