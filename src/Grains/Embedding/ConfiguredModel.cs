// The configured model's identity (id, window, dimension) without fetching or loading it: searches
// and index shards need it to find stored vectors, also on machines where the model is not cached.
namespace CodeIngest.Embedding;

/// <summary>Id, window and dimension of a model.</summary>
public sealed record ModelIdentity(string ModelId, int MaxTokens, int Dimension);

public static class ConfiguredModel
{
    /// <summary>Universal Sentence Encoder Lite's window (positions beyond it are dropped by the graph).</summary>
    public const int DefaultMaxTokens = 128;

    /// <summary>Universal Sentence Encoder Lite's output dimension.</summary>
    public const int DefaultDimension = 512;

    /// <summary>The default model's id (as its bundle names it).</summary>
    public static string DefaultModelId => $"{DefaultModel.Lock.Id}@{DefaultModel.Lock.Version}";

    /// <summary>The configured bundle's identity, or the default model's.</summary>
    public static ModelIdentity Describe(EmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.BundlePath))
        {
            var bundle = ModelBundle.Load(options.BundlePath);
            return new ModelIdentity(bundle.Id, bundle.MaxTokens, bundle.Dimension);
        }

        return new ModelIdentity(DefaultModelId, DefaultMaxTokens, DefaultDimension);
    }
}
