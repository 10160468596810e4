// Embedding workers: grains placed on silos whose metadata says gpu=true (a placement filter; see
// src/Grains/Placement), keyed by worker index. Each forwards texts to its silo's batcher, which
// runs the configured model with ONNX Runtime in batches bounded by size and latency.
namespace CodeIngest.Embedding;

/// <summary>A text to embed and the content key its vector is stored under.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.EmbedItem")]
public sealed record EmbedItem(string Hash, string Text);

/// <summary>The model a silo's embedding workers run.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.EmbeddingModelInfo")]
public sealed record EmbeddingModelInfo(string ModelId, int Dimension, int MaxTokens);

/// <summary>What one EmbedAndStore request did: texts embedded, the hashes it skipped because their vector was stored
/// meanwhile (another ingest), and seconds spent looking up stored hashes, waiting for the silo's batcher (tokenization and
/// ONNX Runtime) and writing the vectors.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.EmbedStoreResult")]
public sealed record EmbedStoreResult(int Embedded, IReadOnlyList<string> AlreadyStored, double LookupSeconds, double EmbedSeconds, double StoreSeconds);

/// <summary>A silo batcher's totals since it started: texts and ONNX Runtime calls, seconds spent tokenizing and in ONNX
/// Runtime, and the tokens it fed (without and with each batch's padding).</summary>
[GenerateSerializer, Immutable, Alias("codeingest.EmbeddingBatcherStats")]
public sealed record EmbeddingBatcherStats(string Silo, long Texts, long Batches, double TokenizeSeconds, double RunSeconds, long Tokens, long PaddedTokens);

[Alias("codeingest.IEmbeddingGrain")]
public interface IEmbeddingGrain : IGrainWithIntegerKey
{
    // Response timeouts: the first call may fetch and convert the default model (minutes), and a request
    // waits behind the silo's batcher (its backpressure) for every text queued before it, which on a
    // busy CPU silo outlasts the default 30 s. The caller's cancellation token and the stage's
    // timeout still bound the wait.

    /// <summary>The model this worker runs (loads its description, not the model itself).</summary>
    [Alias("GetModel")]
    [ResponseTimeout("00:10:00")]
    Task<EmbeddingModelInfo> GetModelAsync(CancellationToken cancellationToken = default);

    /// <summary>Embeds the texts whose hash has no stored vector yet and stores them; returns how many were embedded.</summary>
    [Alias("EmbedAndStore")]
    [ResponseTimeout("00:10:00")]
    Task<EmbedStoreResult> EmbedAndStoreAsync(IReadOnlyList<EmbedItem> items, CancellationToken cancellationToken = default);

    /// <summary>One vector per text (queries); nothing is stored.</summary>
    [Alias("Embed")]
    [ResponseTimeout("00:10:00")]
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);

    /// <summary>The totals of this worker's silo batcher.</summary>
    [Alias("GetBatcherStats")]
    Task<EmbeddingBatcherStats> GetBatcherStatsAsync();

    /// <summary>The address of the silo this activation lives on (placement checks).</summary>
    [Alias("GetSilo")]
    Task<string> GetSiloAsync();
}
