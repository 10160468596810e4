// One description that every embedding model loads through (issue 6): which ONNX file, which
// tokenizer and its files, how the model's output becomes one vector per text (pooling,
// normalisation), its dimension, its window and its input names. Stored as a small JSON file
// next to the model; relative paths resolve against that file's folder. Where the model runs
// (CPU or CUDA) is not part of the bundle: see EmbeddingOptions.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeIngest.Embedding;

/// <summary>How the model's output is turned into one vector per text.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Pooling>))]
public enum Pooling
{
    /// <summary>The model already outputs one vector per text ([batch, dimension]).</summary>
    None,

    /// <summary>Mean of the token vectors under the attention mask ([batch, tokens, dimension]).</summary>
    Mean,

    /// <summary>The first token's vector ([batch, tokens, dimension]).</summary>
    Cls,
}

/// <summary>Tokenizer kinds a bundle can name.</summary>
public static class TokenizerKinds
{
    /// <summary>SentencePiece unigram vocabulary as a JSON list of [piece, score] (Universal Sentence Encoder Lite, TF.js).</summary>
    public const string UseSentencePiece = "use-sentencepiece";

    /// <summary>BERT WordPiece vocabulary, one token per line (vocab.txt).</summary>
    public const string WordPiece = "wordpiece";

    /// <summary>A Hugging Face tokenizer.json whose model is WordPiece (BERT-style sentence transformers).</summary>
    public const string TokenizerJson = "tokenizer-json";

    /// <summary>Every kind a bundle may name.</summary>
    public static readonly IReadOnlyList<string> All = [UseSentencePiece, WordPiece, TokenizerJson];
}

/// <summary>The tokenizer of a bundle: its kind, its files (relative to the bundle file) and, for WordPiece, whether text is lower-cased first (null: vocab.txt lower-cases, tokenizer.json follows its normalizer).</summary>
public sealed record TokenizerSpec(string Kind, IReadOnlyList<string> Files, bool? LowerCase = null);

/// <summary>Names of the model's inputs and output; a null input is not fed.</summary>
public sealed record ModelInputNames(
    string InputIds = "input_ids",
    string? AttentionMask = "attention_mask",
    string? TokenTypeIds = null,
    string Output = "embedding");

/// <summary>An embedding model: ONNX file, tokenizer, pooling, normalisation, dimension, window.</summary>
public sealed record ModelBundle(
    string Id,
    string OnnxPath,
    TokenizerSpec Tokenizer,
    Pooling Pooling,
    bool Normalize,
    int Dimension,
    int MaxTokens,
    ModelInputNames Inputs)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The folder relative paths resolve against (the bundle file's folder); empty when built in code.</summary>
    [JsonIgnore]
    public string BaseDirectory { get; init; } = "";

    /// <summary>The ONNX file as an absolute path.</summary>
    [JsonIgnore]
    public string OnnxFullPath => Path.GetFullPath(Path.Combine(BaseDirectory, OnnxPath));

    /// <summary>The tokenizer's files as absolute paths.</summary>
    public IReadOnlyList<string> TokenizerFullPaths() =>
        Tokenizer.Files.Select(f => Path.GetFullPath(Path.Combine(BaseDirectory, f))).ToList();

    /// <summary>Reads a bundle description from a JSON file and checks it.</summary>
    public static ModelBundle Load(string path)
    {
        var full = Path.GetFullPath(path);
        ModelBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize<ModelBundle>(File.ReadAllText(full), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"model bundle '{full}' is not valid: {ex.Message}", ex);
        }

        if (bundle is null)
        {
            throw new InvalidDataException($"model bundle '{full}' is empty");
        }

        bundle = bundle with { BaseDirectory = Path.GetDirectoryName(full)! };
        bundle.Validate(full);
        return bundle;
    }

    /// <summary>Writes this description as JSON (paths as given, normally relative to the file).</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    private void Validate(string source)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Id))
        {
            problems.Add("id is missing");
        }

        if (string.IsNullOrWhiteSpace(OnnxPath))
        {
            problems.Add("onnxPath is missing");
        }
        else if (!File.Exists(OnnxFullPath))
        {
            problems.Add($"onnx file '{OnnxFullPath}' does not exist");
        }

        if (Tokenizer is null || string.IsNullOrWhiteSpace(Tokenizer.Kind))
        {
            problems.Add("tokenizer.kind is missing");
        }
        else if (!TokenizerKinds.All.Contains(Tokenizer.Kind))
        {
            problems.Add($"tokenizer.kind '{Tokenizer.Kind}' is not supported (accepted: {string.Join(", ", TokenizerKinds.All)})");
        }
        else if (Tokenizer.Files is not { Count: 1 })
        {
            problems.Add($"tokenizer.files must name exactly one file for kind '{Tokenizer.Kind}'");
        }
        else
        {
            foreach (var file in TokenizerFullPaths().Where(f => !File.Exists(f)))
            {
                problems.Add($"tokenizer file '{file}' does not exist");
            }
        }

        if (Dimension <= 0)
        {
            problems.Add("dimension must be positive");
        }

        if (MaxTokens <= 0)
        {
            problems.Add("maxTokens must be positive");
        }

        if (Pooling == Pooling.None && Tokenizer?.Kind is TokenizerKinds.WordPiece or TokenizerKinds.TokenizerJson)
        {
            problems.Add("pooling 'none' expects a model that outputs one vector per text; BERT-style models output token vectors: use 'mean' or 'cls'");
        }

        if (Inputs is null || string.IsNullOrWhiteSpace(Inputs.InputIds) || string.IsNullOrWhiteSpace(Inputs.Output))
        {
            problems.Add("inputs.inputIds and inputs.output are required");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"model bundle '{source}': {string.Join("; ", problems)}");
        }
    }
}

/// <summary>Where models run and where they are cached: configuration, not part of a bundle.</summary>
public sealed class EmbeddingOptions
{
    /// <summary>"cpu" (default) or "cuda".</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>CUDA device id when ExecutionProvider is "cuda".</summary>
    public int DeviceId { get; set; }

    /// <summary>Intra-op threads for ONNX Runtime; 0 lets it choose.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Texts per ONNX Runtime call.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>A model bundle file (JSON, see the README); null: the default model (Universal Sentence Encoder Lite).</summary>
    public string? BundlePath { get; set; }

    /// <summary>Whether ingestion runs the <c>embed</c> stage (off by default: on 2 CPU cores it embeds about 120 chunks/s).</summary>
    public bool Enabled { get; set; }

    /// <summary>How long a partial batch waits for more texts before it runs (latency bound of the batcher).</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Texts waiting in a silo's batcher before callers are made to wait (backpressure).</summary>
    public int MaxPendingTexts { get; set; } = 1024;

    /// <summary>Embedding grains the embed stage spreads its batches over.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Texts per request from the embed stage to an embedding grain.</summary>
    public int RequestSize { get; set; } = 64;

    /// <summary>Index shard grains per repository (chunks are assigned by a hash of their path).</summary>
    public int ShardsPerRepo { get; set; } = 2;

    /// <summary>Weight of a chunk's path vector in its index row, normalize(window + w·path); 0 to 2. Chunk texts hold no path
    /// (a renamed file keeps its vectors); the path's words are embedded once per distinct path.</summary>
    public float PathWeight { get; set; } = DefaultPathWeight;

    /// <summary>The path weight chosen with the retrieval test set (see bench/RESULTS.md).</summary>
    public const float DefaultPathWeight = 0.25f;

    /// <summary>Where downloaded and converted models live; null: $CODEINGEST_MODEL_CACHE, else ~/.cache/codeingest/models.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "CodeIngest:Embedding";

    /// <summary>The cache directory this configuration resolves to.</summary>
    public string ResolveCacheDirectory()
    {
        if (!string.IsNullOrWhiteSpace(CacheDirectory))
        {
            return Path.GetFullPath(CacheDirectory);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("CODEINGEST_MODEL_CACHE");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache", "codeingest", "models");
    }

    /// <summary>The cache directory under a data directory (used by hosts that have one).</summary>
    public static string CacheUnderDataDirectory(string dataDirectory) => Path.Combine(dataDirectory, "models");
}
