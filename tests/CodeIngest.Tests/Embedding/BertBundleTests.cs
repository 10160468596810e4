// The BERT path of model bundles, run for real without a pretrained BERT (none is downloadable here):
// a small BERT-shaped ONNX graph written by this project's OnnxWriter with fixed pseudo-random weights
// (word + token type + position embeddings, layer norm, one masked self-attention layer with residual
// and layer norm; inputs input_ids / attention_mask / token_type_ids, output last_hidden_state), a
// WordPiece vocab.txt and the same vocabulary as a Hugging Face tokenizer.json. ONNX Runtime's pooled
// vectors (mean and CLS, normalised) are compared with the same network computed here with plain
// loops, independently of ONNX Runtime; the token ids with ids worked out by hand.
using System.Text.Json;
using CodeIngest.Embedding;
using Xunit;

namespace CodeIngest.Tests.Embedding;

public sealed class BertBundleTests : IDisposable
{
    private const int Width = 8;
    private const int Positions = 16;

    private static readonly string[] Vocab =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "parse", "the", "file", "header", "##s", "read", "json", "config", "un", "##known", ",", "."];

    private readonly string _folder = Directory.CreateTempSubdirectory("codeingest-bert-").FullName;
    private readonly Weights _weights = new(seed: 1234, Vocab.Length);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WordPiece_ids_match_the_hand_worked_ids_for_vocab_txt_and_tokenizer_json()
    {
        var bundle = WriteBundle(Pooling.Mean, TokenizerKinds.WordPiece);
        var json = WriteBundle(Pooling.Mean, TokenizerKinds.TokenizerJson);
        using var fromVocab = new OnnxEmbedder(bundle);
        using var fromJson = new OnnxEmbedder(json);

        // "Parse the file headers." → [CLS] parse the file header ##s . [SEP]; "unknowns" → un ##known ##s.
        int[] expected = [2, 5, 6, 7, 8, 9, 16, 3];
        Assert.Equal(expected, fromVocab.Tokenizer.Encode("Parse the file headers.", 128));
        Assert.Equal(expected, fromJson.Tokenizer.Encode("Parse the file headers.", 128));
        Assert.Equal([2, 13, 14, 9, 3], fromVocab.Tokenizer.Encode("unknowns", 128));
        Assert.Equal([2, 1, 3], fromVocab.Tokenizer.Encode("zebra", 128));

        // The window keeps [CLS] and [SEP]: 5 tokens → [CLS] + 3 + [SEP].
        Assert.Equal([2, 5, 6, 7, 3], fromVocab.Tokenizer.Encode("Parse the file headers.", 5));
    }

    [Theory]
    [InlineData(Pooling.Mean)]
    [InlineData(Pooling.Cls)]
    public void Onnx_runtime_vectors_match_an_independent_computation(Pooling pooling)
    {
        var bundle = WriteBundle(pooling, TokenizerKinds.WordPiece);
        using var embedder = new OnnxEmbedder(bundle, new EmbeddingOptions { BatchSize = 3 });
        string[] texts = ["parse the file", "read json config, parse the file headers.", "unknowns", "the"];

        // One batch of 3 (padded to its longest text) and one of 1.
        var vectors = embedder.Embed(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            var ids = embedder.Tokenizer.Encode(texts[i], bundle.MaxTokens);
            var expected = Reference(ids, pooling);
            var actual = vectors[i];
            Assert.Equal(Width, actual.Length);
            for (var d = 0; d < Width; d++)
            {
                Assert.True(Math.Abs(expected[d] - actual[d]) < 1e-4, $"text {i} dim {d}: expected {expected[d]}, ONNX Runtime gave {actual[d]}");
            }
        }

        // Different texts give different vectors (the graph is not constant).
        Assert.True(Math.Abs(vectors[0][0] - vectors[2][0]) + Math.Abs(vectors[0][1] - vectors[2][1]) > 1e-3);
    }

    [Fact]
    public void A_bundle_with_an_unsupported_tokenizer_or_pooling_is_refused_with_what_is_accepted()
    {
        var bundle = WriteBundle(Pooling.Mean, TokenizerKinds.WordPiece);
        var path = Path.Combine(_folder, "bad.json");
        (bundle with { Tokenizer = new TokenizerSpec("bpe", ["vocab.txt"]) }).Save(path);
        var error = Assert.Throws<InvalidDataException>(() => ModelBundle.Load(path));
        Assert.Contains("'bpe' is not supported", error.Message);
        Assert.Contains("wordpiece", error.Message);

        (bundle with { Pooling = Pooling.None }).Save(path);
        Assert.Contains("use 'mean' or 'cls'", Assert.Throws<InvalidDataException>(() => ModelBundle.Load(path)).Message);
    }

    [Fact]
    public void Cuda_without_the_cuda_build_of_onnx_runtime_fails_naming_the_package()
    {
        var bundle = WriteBundle(Pooling.Mean, TokenizerKinds.WordPiece);
        var error = Assert.Throws<InvalidOperationException>(() => new OnnxEmbedder(bundle, new EmbeddingOptions { ExecutionProvider = "cuda" }));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", error.Message);
    }

    private ModelBundle WriteBundle(Pooling pooling, string tokenizerKind)
    {
        File.WriteAllLines(Path.Combine(_folder, "vocab.txt"), Vocab);
        var tokenizerJson = new
        {
            version = "1.0",
            normalizer = new { type = "BertNormalizer", lowercase = true },
            model = new { type = "WordPiece", unk_token = "[UNK]", vocab = Vocab.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i) },
        };
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), JsonSerializer.Serialize(tokenizerJson));
        File.WriteAllBytes(Path.Combine(_folder, "tiny-bert.onnx"), _weights.ToOnnx());
        var bundle = new ModelBundle(
            "tiny-bert-test",
            "tiny-bert.onnx",
            new TokenizerSpec(tokenizerKind, [tokenizerKind == TokenizerKinds.WordPiece ? "vocab.txt" : "tokenizer.json"]),
            pooling,
            Normalize: true,
            Dimension: Width,
            MaxTokens: Positions,
            new ModelInputNames("input_ids", "attention_mask", "token_type_ids", "last_hidden_state"));
        var path = Path.Combine(_folder, $"bundle-{pooling}-{tokenizerKind}.json");
        bundle.Save(path);
        return ModelBundle.Load(path);
    }

    /// <summary>The network for one unpadded text, with plain loops; pooled and normalised as the bundle says.</summary>
    private float[] Reference(int[] ids, Pooling pooling)
    {
        var w = _weights;
        var t = ids.Length;
        var x = new double[t, Width];
        for (var i = 0; i < t; i++)
        {
            for (var d = 0; d < Width; d++)
            {
                x[i, d] = w.Word[(ids[i] * Width) + d] + w.Type[d] + w.Position[(i * Width) + d];
            }
        }

        x = LayerNorm(x, w.Gamma0, w.Beta0);
        var q = MatMul(x, w.Q);
        var k = MatMul(x, w.K);
        var v = MatMul(x, w.V);
        var context = new double[t, Width];
        for (var i = 0; i < t; i++)
        {
            var scores = new double[t];
            for (var j = 0; j < t; j++)
            {
                for (var d = 0; d < Width; d++)
                {
                    scores[j] += q[i, d] * k[j, d];
                }

                scores[j] /= Math.Sqrt(Width);
            }

            var max = scores.Max();
            var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
            var sum = exp.Sum();
            for (var j = 0; j < t; j++)
            {
                for (var d = 0; d < Width; d++)
                {
                    context[i, d] += exp[j] / sum * v[j, d];
                }
            }
        }

        var projected = MatMul(context, w.O);
        var h = new double[t, Width];
        for (var i = 0; i < t; i++)
        {
            for (var d = 0; d < Width; d++)
            {
                h[i, d] = x[i, d] + projected[i, d];
            }
        }

        h = LayerNorm(h, w.Gamma1, w.Beta1);
        var pooled = new double[Width];
        for (var d = 0; d < Width; d++)
        {
            if (pooling == Pooling.Cls)
            {
                pooled[d] = h[0, d];
            }
            else
            {
                for (var i = 0; i < t; i++)
                {
                    pooled[d] += h[i, d] / t;
                }
            }
        }

        var norm = Math.Sqrt(pooled.Sum(p => p * p));
        return pooled.Select(p => (float)(p / norm)).ToArray();
    }

    private static double[,] MatMul(double[,] a, float[] b)
    {
        var rows = a.GetLength(0);
        var result = new double[rows, Width];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < Width; j++)
            {
                for (var d = 0; d < Width; d++)
                {
                    result[i, j] += a[i, d] * b[(d * Width) + j];
                }
            }
        }

        return result;
    }

    private static double[,] LayerNorm(double[,] a, float[] gamma, float[] beta)
    {
        var rows = a.GetLength(0);
        var result = new double[rows, Width];
        for (var i = 0; i < rows; i++)
        {
            double mean = 0, variance = 0;
            for (var d = 0; d < Width; d++)
            {
                mean += a[i, d] / Width;
            }

            for (var d = 0; d < Width; d++)
            {
                variance += (a[i, d] - mean) * (a[i, d] - mean) / Width;
            }

            for (var d = 0; d < Width; d++)
            {
                result[i, d] = ((a[i, d] - mean) / Math.Sqrt(variance + 1e-12) * gamma[d]) + beta[d];
            }
        }

        return result;
    }

    /// <summary>Fixed pseudo-random weights and the ONNX graph that uses them.</summary>
    private sealed class Weights
    {
        public Weights(int seed, int vocab)
        {
            var random = new Random(seed);
            float[] Next(int count, double scale = 0.5, double offset = 0) =>
                Enumerable.Range(0, count).Select(_ => (float)(offset + ((random.NextDouble() - 0.5) * 2 * scale))).ToArray();
            Word = Next(vocab * Width);
            TypeTable = Next(2 * Width);
            Position = Next(Positions * Width);
            Gamma0 = Next(Width, 0.2, 1);
            Beta0 = Next(Width, 0.1);
            Q = Next(Width * Width);
            K = Next(Width * Width);
            V = Next(Width * Width);
            O = Next(Width * Width);
            Gamma1 = Next(Width, 0.2, 1);
            Beta1 = Next(Width, 0.1);
        }

        public float[] Word { get; }

        public float[] TypeTable { get; }

        /// <summary>Row 0 of the token type table (every token has type 0).</summary>
        public float[] Type => TypeTable[..Width];

        public float[] Position { get; }

        public float[] Gamma0 { get; }

        public float[] Beta0 { get; }

        public float[] Q { get; }

        public float[] K { get; }

        public float[] V { get; }

        public float[] O { get; }

        public float[] Gamma1 { get; }

        public float[] Beta1 { get; }

        public byte[] ToOnnx()
        {
            var g = new OnnxGraphBuilder("tiny-bert");
            g.Input(new OnnxValueInfo("input_ids", OnnxDataType.Int64, [null, null], ["batch", "tokens"]));
            g.Input(new OnnxValueInfo("attention_mask", OnnxDataType.Int64, [null, null], ["batch", "tokens"]));
            g.Input(new OnnxValueInfo("token_type_ids", OnnxDataType.Int64, [null, null], ["batch", "tokens"]));
            string Matrix(string name, float[] values, long rows) => g.Initializer(OnnxTensor.Floats(name, [rows, Width], values));
            string Vector(string name, float[] values) => g.Initializer(OnnxTensor.Floats(name, [Width], values));
            var axis0 = new OnnxAttribute("axis", Int: 0);
            var word = g.Op("Gather", [Matrix("word", Word, Word.Length / Width), "input_ids"], axis0);
            var type = g.Op("Gather", [Matrix("type", TypeTable, 2), "token_type_ids"], axis0);
            var tokens = g.Op("Gather", [g.Op("Shape", ["input_ids"]), g.Initializer(OnnxTensor.Int64s("one_scalar", [], [1]))], axis0);
            var positions = g.Op("Range", [g.Initializer(OnnxTensor.Int64s("zero_scalar", [], [0])), tokens, "one_scalar"]);
            var position = g.Op("Gather", [Matrix("position", Position, Positions), positions], axis0);
            var embedded = g.Op("Add", [g.Op("Add", [word, type]), position]);
            var epsilon = new OnnxAttribute("epsilon", Float: 1e-12f);
            var lastAxis = new OnnxAttribute("axis", Int: -1);
            var x = g.Op("LayerNormalization", [embedded, Vector("gamma0", Gamma0), Vector("beta0", Beta0)], lastAxis, epsilon);
            var q = g.Op("MatMul", [x, Matrix("q", Q, Width)]);
            var k = g.Op("MatMul", [x, Matrix("k", K, Width)]);
            var v = g.Op("MatMul", [x, Matrix("v", V, Width)]);
            var scores = g.Op("Div", [g.Op("MatMul", [q, g.Op("Transpose", [k], new OnnxAttribute("perm", Ints: [0, 2, 1]))]), g.Constant("sqrt_width", MathF.Sqrt(Width))]);
            var mask = g.Op("Cast", ["attention_mask"], new OnnxAttribute("to", Int: (long)OnnxDataType.Float));
            var maskAdd = g.Op("Mul", [g.Op("Sub", [g.Constant("one", 1f), mask]), g.Constant("minus_large", -10000f)]);
            var masked = g.Op("Add", [scores, g.Op("Unsqueeze", [maskAdd, g.Constant("axis1", [1L])])]);
            var context = g.Op("MatMul", [g.Op("Softmax", [masked], lastAxis), v]);
            var residual = g.Op("Add", [x, g.Op("MatMul", [context, Matrix("o", O, Width)])]);
            var hidden = g.Op("LayerNormalization", [residual, Vector("gamma1", Gamma1), Vector("beta1", Beta1)], lastAxis, epsilon);
            g.Alias(hidden, "last_hidden_state");
            g.Output(new OnnxValueInfo("last_hidden_state", OnnxDataType.Float, [null, null, Width], ["batch", "tokens", null]));
            return g.ToModel("codeingest-tests", "1");
        }
    }
}
