// Runs a model bundle with ONNX Runtime: tokenizes texts with the bundle's tokenizer, pads each
// batch to its longest text (at least one position), feeds input ids / attention mask / token
// type ids as the bundle names them, and pools and normalises the output as the bundle says.
// The execution provider comes from EmbeddingOptions: "cpu", or "cuda", which needs the CUDA
// build of ONNX Runtime (Microsoft.ML.OnnxRuntime.Gpu) and fails with a clear message without it.
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace CodeIngest.Embedding;

public sealed class OnnxEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly int _batchSize;

    public OnnxEmbedder(ModelBundle bundle, EmbeddingOptions? options = null)
    {
        options ??= new EmbeddingOptions();
        Bundle = bundle;
        Tokenizer = CreateTokenizer(bundle);
        _batchSize = Math.Max(1, options.BatchSize);
        _session = CreateSession(bundle.OnnxFullPath, options);
    }

    public ModelBundle Bundle { get; }

    public ITextTokenizer Tokenizer { get; }

    public int Dimension => Bundle.Dimension;

    /// <summary>Creates a session on the configured execution provider.</summary>
    public static InferenceSession CreateSession(string onnxPath, EmbeddingOptions options)
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (options.IntraOpThreads > 0)
            {
                sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
            }

            switch (options.ExecutionProvider.ToLowerInvariant())
            {
                case "cpu":
                    break;
                case "cuda":
                    var available = OrtEnv.Instance().GetAvailableProviders();
                    if (!available.Contains("CUDAExecutionProvider"))
                    {
                        throw new InvalidOperationException(
                            "execution provider 'cuda' is configured but this ONNX Runtime build has no CUDA provider " +
                            $"(available: {string.Join(", ", available)}); build with the Microsoft.ML.OnnxRuntime.Gpu package or use 'cpu'");
                    }

                    try
                    {
                        sessionOptions.AppendExecutionProvider_CUDA(options.DeviceId);
                    }
                    catch (OnnxRuntimeException ex)
                    {
                        throw new InvalidOperationException($"execution provider 'cuda' (device {options.DeviceId}) could not start: {ex.Message}", ex);
                    }

                    break;
                default:
                    throw new ArgumentException($"unknown execution provider '{options.ExecutionProvider}' (expected 'cpu' or 'cuda')", nameof(options));
            }

            return new InferenceSession(onnxPath, sessionOptions);
        }
        finally
        {
            sessionOptions.Dispose();
        }
    }

    /// <summary>One vector per text, in order.</summary>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        var result = new float[texts.Count][];
        var ids = new int[Math.Min(_batchSize, texts.Count)][];
        for (var start = 0; start < texts.Count; start += _batchSize)
        {
            var count = Math.Min(_batchSize, texts.Count - start);
            var batch = count == ids.Length ? ids : new int[count][];
            for (var i = 0; i < count; i++)
            {
                batch[i] = Tokenizer.Encode(texts[start + i], Bundle.MaxTokens);
            }

            var vectors = EmbedTokens(batch);
            Array.Copy(vectors, 0, result, start, count);
        }

        return result;
    }

    /// <summary>One vector per already tokenized text (one ONNX Runtime call).</summary>
    public float[][] EmbedTokens(IReadOnlyList<int[]> batch)
    {
        var rows = batch.Count;
        var width = Math.Max(1, batch.Max(t => t.Length));
        var inputIds = new long[rows * width];
        var mask = new long[rows * width];
        for (var r = 0; r < rows; r++)
        {
            var tokens = batch[r];
            for (var c = 0; c < tokens.Length; c++)
            {
                inputIds[(r * width) + c] = tokens[c];
                mask[(r * width) + c] = 1;
            }
        }

        long[] shape = [rows, width];
        var names = new List<string> { Bundle.Inputs.InputIds };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(inputIds, shape) };
        try
        {
            if (Bundle.Inputs.AttentionMask is { } maskName)
            {
                names.Add(maskName);
                values.Add(OrtValue.CreateTensorValueFromMemory(mask, shape));
            }

            if (Bundle.Inputs.TokenTypeIds is { } typeName)
            {
                names.Add(typeName);
                values.Add(OrtValue.CreateTensorValueFromMemory(new long[rows * width], shape));
            }

            using var outputs = _session.Run(_runOptions, names, values, [Bundle.Inputs.Output]);
            var output = outputs[0];
            var data = output.GetTensorDataAsSpan<float>();
            var outShape = output.GetTensorTypeAndShape().Shape;
            var result = new float[rows][];
            for (var r = 0; r < rows; r++)
            {
                var vector = new float[Bundle.Dimension];
                switch (Bundle.Pooling)
                {
                    case Pooling.None:
                        data.Slice(r * Bundle.Dimension, Bundle.Dimension).CopyTo(vector);
                        break;
                    case Pooling.Cls:
                        data.Slice((int)(r * outShape[1] * Bundle.Dimension), Bundle.Dimension).CopyTo(vector);
                        break;
                    case Pooling.Mean:
                        var tokens = Math.Max(1, batch[r].Length);
                        for (var t = 0; t < batch[r].Length; t++)
                        {
                            TensorPrimitives.Add(vector, data.Slice((int)(((r * outShape[1]) + t) * Bundle.Dimension), Bundle.Dimension), vector);
                        }

                        TensorPrimitives.Divide(vector, tokens, vector);
                        break;
                }

                if (Bundle.Normalize)
                {
                    var norm = TensorPrimitives.Norm(vector);
                    if (norm > 0)
                    {
                        TensorPrimitives.Divide(vector, norm, vector);
                    }
                }

                result[r] = vector;
            }

            return result;
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static ITextTokenizer CreateTokenizer(ModelBundle bundle) => bundle.Tokenizer.Kind switch
    {
        TokenizerKinds.UseSentencePiece => UseTokenizer.Load(bundle.TokenizerFullPaths().Single()),
        TokenizerKinds.WordPiece => WordPieceTokenizer.FromVocab(bundle.TokenizerFullPaths().Single(), bundle.Tokenizer.LowerCase ?? true),
        TokenizerKinds.TokenizerJson => WordPieceTokenizer.FromTokenizerJson(bundle.TokenizerFullPaths().Single(), bundle.Tokenizer.LowerCase),
        _ => throw new NotSupportedException($"tokenizer kind '{bundle.Tokenizer.Kind}' of model '{bundle.Id}' is not supported"),
    };
}
