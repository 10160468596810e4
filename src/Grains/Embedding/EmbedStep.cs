// embed (researcher: runs models): the code-aware text windows of every chunk of the snapshot, keyed
// by (model id, SHA-256 of the text); windows whose vector is already stored — from an earlier
// ingest, another branch or another repository — are not embedded again. The rest go in requests of
// RequestSize texts to the embedding grains (placed on gpu silos), at most two requests in flight
// per worker; each grain embeds and stores its vectors. Index shards pick the vectors up on their
// next refresh.
using System.Globalization;
using CodeIngest.Dag;
using Microsoft.Extensions.Options;

namespace CodeIngest.Embedding;

public sealed class EmbedStep(IOptions<EmbeddingOptions> options) : IDagStep
{
    public const string StepName = "embed";

    public string Name => StepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var grains = context.Tools.ModelRuntime();
        var store = context.Tools.Store;
        var settings = options.Value;
        var workers = Math.Max(1, settings.Workers);
        var model = await grains.GetGrain<IEmbeddingGrain>(0).GetModelAsync(cancellationToken);
        var chunks = await store.GetChunksAsync(context.JobId, cancellationToken);
        var windows = chunks.SelectMany(c => EmbeddingText.Windows(c.Chunk, model.MaxTokens))
            .DistinctBy(w => w.Hash, StringComparer.Ordinal).ToList();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in windows.Chunk(2000))
        {
            stored.UnionWith(await store.FindEmbeddedHashesAsync(model.ModelId, batch.Select(w => w.Hash).ToList(), cancellationToken));
        }

        var missing = windows.Where(w => !stored.Contains(w.Hash)).Select(w => new EmbedItem(w.Hash, w.Text)).ToList();
        await context.ReportProgressAsync(0.05, $"{missing.Count} of {windows.Count} windows to embed");
        var requests = missing.Chunk(Math.Max(1, settings.RequestSize)).ToList();
        var embedded = 0;
        var done = 0;
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
                    Interlocked.Add(ref embedded, await worker.EmbedAndStoreAsync(request, cancellationToken));
                    var finished = Interlocked.Add(ref done, request.Length);
                    await context.ReportProgressAsync(0.05 + (0.95 * finished / Math.Max(1, missing.Count)), $"{finished}/{missing.Count} windows embedded");
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
            ["embeddings"] = windows.Count.ToString(CultureInfo.InvariantCulture),
            ["embedded"] = embedded.ToString(CultureInfo.InvariantCulture),
            ["reused"] = (windows.Count - missing.Count).ToString(CultureInfo.InvariantCulture),
        };
    }
}
