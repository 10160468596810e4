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

[Alias("codeingest.IEmbeddingGrain")]
public interface IEmbeddingGrain : IGrainWithIntegerKey
{
    /// <summary>The model this worker runs (loads its description, not the model itself).</summary>
    [Alias("GetModel")]
    Task<EmbeddingModelInfo> GetModelAsync(CancellationToken cancellationToken = default);

    /// <summary>Embeds the texts whose hash has no stored vector yet and stores them; returns how many were embedded.</summary>
    [Alias("EmbedAndStore")]
    Task<int> EmbedAndStoreAsync(IReadOnlyList<EmbedItem> items, CancellationToken cancellationToken = default);

    /// <summary>One vector per text (queries); nothing is stored.</summary>
    [Alias("Embed")]
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);

    /// <summary>The address of the silo this activation lives on (placement checks).</summary>
    [Alias("GetSilo")]
    Task<string> GetSiloAsync();
}
