// A minimal writer for the ONNX protobuf messages this project emits (ModelProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto). Field numbers follow onnx.proto
// (IR version 8). Only what the converters need: float/int64 initializers as raw_data, int,
// float, ints and tensor attributes, tensor-typed graph inputs and outputs.
using System.Buffers.Binary;
using System.Text;

namespace CodeIngest.Embedding;

/// <summary>ONNX TensorProto.DataType values used here.</summary>
internal enum OnnxDataType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
}

/// <summary>An initializer: name, dims, element type and little-endian raw bytes.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, OnnxDataType Type, byte[] Raw)
{
    public static OnnxTensor Floats(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var raw = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        }

        return new OnnxTensor(name, dims, OnnxDataType.Float, raw);
    }

    public static OnnxTensor Int64s(string name, long[] dims, ReadOnlySpan<long> values)
    {
        var raw = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        }

        return new OnnxTensor(name, dims, OnnxDataType.Int64, raw);
    }
}

/// <summary>A node attribute (int, float, ints or tensor).</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, long[]? Ints = null, OnnxTensor? Tensor = null);

/// <summary>A graph node.</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);

/// <summary>A graph input or output: name, element type, dims (null entries are symbolic, named by DimNames).</summary>
internal sealed record OnnxValueInfo(string Name, OnnxDataType Type, long?[] Dims, string?[] DimNames);

/// <summary>Builds a graph node by node and serialises it as an ONNX model.</summary>
internal sealed class OnnxGraphBuilder(string graphName)
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private int _counter;

    public void Input(OnnxValueInfo info) => _inputs.Add(info);

    public void Output(OnnxValueInfo info) => _outputs.Add(info);

    public string Initializer(OnnxTensor tensor)
    {
        _initializers.Add(tensor);
        return tensor.Name;
    }

    public string Constant(string name, float value) => Initializer(OnnxTensor.Floats(name, [], [value]));

    public string Constant(string name, long[] values) => Initializer(OnnxTensor.Int64s(name, [values.Length], values));

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Op(string opType, string[] inputs, params OnnxAttribute[] attributes)
    {
        var output = $"{opType.ToLowerInvariant()}_{_counter++}";
        _nodes.Add(new OnnxNode(opType, output, inputs, [output], attributes));
        return output;
    }

    /// <summary>Adds a node with several outputs.</summary>
    public string[] Ops(string opType, string[] inputs, int outputs, params OnnxAttribute[] attributes)
    {
        var id = _counter++;
        var names = Enumerable.Range(0, outputs).Select(i => $"{opType.ToLowerInvariant()}_{id}_{i}").ToArray();
        _nodes.Add(new OnnxNode(opType, $"{opType.ToLowerInvariant()}_{id}", inputs, names, attributes));
        return names;
    }

    /// <summary>Renames a value to a graph output name with an Identity node.</summary>
    public void Alias(string value, string name) => _nodes.Add(new OnnxNode("Identity", name, [value], [name], []));

    public byte[] ToModel(string producer, string producerVersion, long irVersion = 8, long opset = 17)
    {
        var graph = new ProtoWriter();
        foreach (var node in _nodes)
        {
            graph.Message(1, WriteNode(node));
        }

        graph.String(2, graphName);
        foreach (var tensor in _initializers)
        {
            graph.Message(5, WriteTensor(tensor));
        }

        foreach (var input in _inputs)
        {
            graph.Message(11, WriteValueInfo(input));
        }

        foreach (var output in _outputs)
        {
            graph.Message(12, WriteValueInfo(output));
        }

        var opsetId = new ProtoWriter();
        opsetId.String(1, "");
        opsetId.Varint(2, opset);

        var model = new ProtoWriter();
        model.Varint(1, irVersion);
        model.String(2, producer);
        model.String(3, producerVersion);
        model.Message(7, graph);
        model.Message(8, opsetId);
        return model.ToArray();
    }

    private static ProtoWriter WriteNode(OnnxNode node)
    {
        var w = new ProtoWriter();
        foreach (var input in node.Inputs)
        {
            w.String(1, input);
        }

        foreach (var output in node.Outputs)
        {
            w.String(2, output);
        }

        w.String(3, node.Name);
        w.String(4, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            w.Message(5, WriteAttribute(attribute));
        }

        return w;
    }

    private static ProtoWriter WriteAttribute(OnnxAttribute a)
    {
        // AttributeProto: name=1, f=2, i=3, t=5, ints=8, type=20 (FLOAT=1, INT=2, TENSOR=4, INTS=7).
        var w = new ProtoWriter();
        w.String(1, a.Name);
        if (a.Float is { } f)
        {
            w.Fixed32(2, f);
            w.Varint(20, 1);
        }
        else if (a.Int is { } i)
        {
            w.Varint(3, i);
            w.Varint(20, 2);
        }
        else if (a.Tensor is { } t)
        {
            w.Message(5, WriteTensor(t));
            w.Varint(20, 4);
        }
        else if (a.Ints is { } ints)
        {
            foreach (var v in ints)
            {
                w.Varint(8, v);
            }

            w.Varint(20, 7);
        }
        else
        {
            throw new InvalidOperationException($"attribute '{a.Name}' has no value");
        }

        return w;
    }

    private static ProtoWriter WriteTensor(OnnxTensor t)
    {
        // TensorProto: dims=1, data_type=2, name=8, raw_data=9.
        var w = new ProtoWriter();
        foreach (var d in t.Dims)
        {
            w.Varint(1, d);
        }

        w.Varint(2, (long)t.Type);
        w.String(8, t.Name);
        w.Bytes(9, t.Raw);
        return w;
    }

    private static ProtoWriter WriteValueInfo(OnnxValueInfo v)
    {
        // ValueInfoProto{name=1, type=2}; TypeProto{tensor_type=1}; Tensor{elem_type=1, shape=2};
        // TensorShapeProto{dim=1}; Dimension{dim_value=1, dim_param=2}.
        var shape = new ProtoWriter();
        for (var i = 0; i < v.Dims.Length; i++)
        {
            var dim = new ProtoWriter();
            if (v.Dims[i] is { } value)
            {
                dim.Varint(1, value);
            }
            else
            {
                dim.String(2, v.DimNames[i] ?? $"d{i}");
            }

            shape.Message(1, dim);
        }

        var tensorType = new ProtoWriter();
        tensorType.Varint(1, (long)v.Type);
        tensorType.Message(2, shape);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var w = new ProtoWriter();
        w.String(1, v.Name);
        w.Message(2, type);
        return w;
    }
}

/// <summary>Protobuf wire format: varints (type 0), fixed32 (type 5), length-delimited (type 2).</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public void Varint(int field, long value)
    {
        Tag(field, 0);
        WriteVarint((ulong)value);
    }

    public void Fixed32(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void Message(int field, ProtoWriter message) => Bytes(field, message._buffer.GetBuffer().AsSpan(0, (int)message._buffer.Length));

    public byte[] ToArray() => _buffer.ToArray();

    private void Tag(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.WriteByte((byte)value);
    }
}
