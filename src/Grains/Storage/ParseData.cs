// A file's full parse result (definitions with qualified names, signatures, docs and metrics;
// references; file metrics) as one value stored next to the file row, so reading a snapshot back
// needs no per-definition or per-reference rows. The definitions table keeps the columns symbol
// look-up needs.
//
// Stored format (written since the parse-store change): a compact binary encoding, about a third of
// the JSON's size and several times faster to write and read. Rows written earlier hold JSON text and
// stay readable: a stored value that starts with '{' is JSON, one that starts with FormatMarker is binary.
//
// Binary layout (integers are LEB128 varints, zig-zag for signed values; strings are indexes into the
// file's string table, 0 meaning null):
//   FormatMarker, FormatVersion,
//   definition count, reference count + 1 (0: references were null), file metrics (flag 0/1, then 7 ints),
//   string count, then each string as byte length + UTF-8 bytes,
//   per definition: name, kind, start line, end line - start line, start byte, end byte - start byte,
//                   qualified name, signature, doc, metrics (flag, then 7 ints),
//   per reference: kind, target, line, source, receiver.
// The counts and file metrics come first so file statistics can be read without decoding the rest.
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CodeIngest.Parsing;

namespace CodeIngest.Storage;

internal sealed record StoredParse(Definition[] Definitions, Reference[]? References, CodeMetrics? Metrics);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredParse))]
internal sealed partial class ParseDataJsonContext : JsonSerializerContext;

/// <summary>The stored parse data was neither JSON nor this build's binary format (or was cut short).</summary>
public sealed class CorruptParseDataException(string message) : Exception(message);

internal static class ParseData
{
    /// <summary>First byte of the binary format: not '{' (JSON) and not a valid first byte of UTF-8 text.</summary>
    public const byte FormatMarker = 0xC1;

    public const byte FormatVersion = 1;

    /// <summary>The old format (JSON text); still read, no longer written.</summary>
    public static string Serialize(ParsedFile file) =>
        JsonSerializer.Serialize(new StoredParse(file.Definitions ?? [], file.References, file.Metrics), ParseDataJsonContext.Default.StoredParse);

    /// <summary>The stored parse, or null for a row written before parse data was stored (its definitions come from the definitions table).</summary>
    public static StoredParse? Deserialize(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, ParseDataJsonContext.Default.StoredParse);

    /// <summary>The binary encoding of the file's definitions, references and metrics.</summary>
    public static byte[] Encode(ParsedFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var definitions = file.Definitions ?? [];
        var references = file.References;
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var table = new List<string>();

        int Index(string? value)
        {
            if (value is null)
            {
                return 0;
            }

            if (!strings.TryGetValue(value, out var index))
            {
                table.Add(value);
                strings[value] = index = table.Count;
            }

            return index;
        }

        // Body first (it fills the string table), header and table after, then one copy.
        var body = new ArrayBufferWriter<byte>(64 + (definitions.Length * 24) + ((references?.Length ?? 0) * 8));
        foreach (var d in definitions)
        {
            WriteUnsigned(body, (uint)Index(d.Name));
            WriteUnsigned(body, (uint)Index(d.Kind));
            WriteSigned(body, d.StartLine);
            WriteSigned(body, d.EndLine - d.StartLine);
            WriteSigned(body, d.StartByte);
            WriteSigned(body, d.EndByte - d.StartByte);
            WriteUnsigned(body, (uint)Index(d.QualifiedName));
            WriteUnsigned(body, (uint)Index(d.Signature));
            WriteUnsigned(body, (uint)Index(d.Doc));
            WriteMetrics(body, d.Metrics);
        }

        foreach (var r in references ?? [])
        {
            WriteUnsigned(body, (uint)Index(r.Kind));
            WriteUnsigned(body, (uint)Index(r.Target));
            WriteSigned(body, r.Line);
            WriteUnsigned(body, (uint)Index(r.Source));
            WriteUnsigned(body, (uint)Index(r.Receiver));
        }

        var head = new ArrayBufferWriter<byte>(64 + (table.Count * 16));
        head.Write<byte>([FormatMarker, FormatVersion]);
        WriteUnsigned(head, (uint)definitions.Length);
        WriteUnsigned(head, references is null ? 0u : (uint)references.Length + 1);
        WriteMetrics(head, file.Metrics);
        WriteUnsigned(head, (uint)table.Count);
        foreach (var s in table)
        {
            var span = head.GetSpan(5 + Encoding.UTF8.GetMaxByteCount(s.Length));
            var length = Encoding.UTF8.GetBytes(s, span[5..]);
            var prefix = VarintLength((uint)length);
            WriteUnsignedTo(span, (uint)length);
            if (prefix < 5)
            {
                span.Slice(5, length).CopyTo(span[prefix..]);
            }

            head.Advance(prefix + length);
        }

        var result = new byte[head.WrittenCount + body.WrittenCount];
        head.WrittenSpan.CopyTo(result);
        body.WrittenSpan.CopyTo(result.AsSpan(head.WrittenCount));
        return result;
    }

    /// <summary>True when the stored value is this build's binary format (otherwise it is JSON text).</summary>
    public static bool IsBinary(ReadOnlySpan<byte> stored) => stored.Length > 0 && stored[0] == FormatMarker;

    /// <summary>
    /// Decodes a stored value of either format: binary, or the UTF-8 bytes of the old JSON. Null or empty: no parse data
    /// (a row written before parse data was stored). <paramref name="withReferences"/> false skips the references.
    /// </summary>
    public static StoredParse? Decode(ReadOnlySpan<byte> stored, bool withReferences)
    {
        if (stored.IsEmpty)
        {
            return null;
        }

        if (!IsBinary(stored))
        {
            var json = JsonSerializer.Deserialize(stored, ParseDataJsonContext.Default.StoredParse);
            return json is null || withReferences ? json : json with { References = null };
        }

        var reader = Reader.Open(stored);
        var definitionCount = reader.Count();
        var referenceCount = (int)reader.Unsigned();
        var fileMetrics = reader.Metrics();
        var table = new string[reader.Count() + 1];
        for (var i = 1; i < table.Length; i++)
        {
            table[i] = reader.Utf8(reader.Count());
        }

        var definitions = new Definition[definitionCount];
        for (var i = 0; i < definitions.Length; i++)
        {
            var name = reader.String(table)!;
            var kind = reader.String(table)!;
            var startLine = reader.Signed();
            var endLine = startLine + reader.Signed();
            var startByte = reader.Signed();
            var endByte = startByte + reader.Signed();
            definitions[i] = new Definition(name, kind, startLine, endLine, startByte, endByte, reader.String(table), reader.String(table), reader.String(table), reader.Metrics());
        }

        Reference[]? references = null;
        if (withReferences && referenceCount > 0)
        {
            references = new Reference[referenceCount - 1];
            for (var i = 0; i < references.Length; i++)
            {
                references[i] = new Reference(reader.String(table)!, reader.String(table)!, reader.Signed(), reader.String(table), reader.String(table));
            }
        }

        return new StoredParse(definitions, references, fileMetrics);
    }

    /// <summary>The definition count and the file's code lines, read from the head of a stored value of either format.</summary>
    public static (int Definitions, int? CodeLines) Summary(ReadOnlySpan<byte> stored)
    {
        if (!IsBinary(stored))
        {
            var parse = Decode(stored, withReferences: false);
            return (parse?.Definitions.Length ?? 0, parse?.Metrics?.CodeLines);
        }

        var reader = Reader.Open(stored);
        var definitions = reader.Count();
        reader.Unsigned();
        return (definitions, reader.Metrics()?.CodeLines);
    }

    private static void WriteMetrics(IBufferWriter<byte> writer, CodeMetrics? metrics)
    {
        if (metrics is null)
        {
            WriteUnsigned(writer, 0);
            return;
        }

        WriteUnsigned(writer, 1);
        WriteSigned(writer, metrics.Lines);
        WriteSigned(writer, metrics.CodeLines);
        WriteSigned(writer, metrics.CommentLines);
        WriteSigned(writer, metrics.Cyclomatic);
        WriteSigned(writer, metrics.MaxNesting);
        WriteSigned(writer, metrics.Parameters);
        WriteSigned(writer, metrics.Cognitive);
    }

    private static void WriteSigned(IBufferWriter<byte> writer, int value) => WriteUnsigned(writer, (uint)((value << 1) ^ (value >> 31)));

    private static void WriteUnsigned(IBufferWriter<byte> writer, uint value)
    {
        var span = writer.GetSpan(5);
        writer.Advance(WriteUnsignedTo(span, value));
    }

    private static int WriteUnsignedTo(Span<byte> span, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        return i;
    }

    private static int VarintLength(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = 2;

        public static Reader Open(ReadOnlySpan<byte> data) => data.Length >= 2 && data[1] == FormatVersion
            ? new Reader(data)
            : throw new CorruptParseDataException($"stored parse data has format version {(data.Length >= 2 ? data[1] : -1)}; this build reads version {FormatVersion} (and JSON)");

        public uint Unsigned()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                if (_position >= _data.Length)
                {
                    throw new CorruptParseDataException($"stored parse data is cut short at byte {_position} of {_data.Length}");
                }

                var b = _data[_position++];
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new CorruptParseDataException($"stored parse data has an over-long number before byte {_position}");
        }

        public int Signed()
        {
            var value = Unsigned();
            return (int)(value >> 1) ^ -(int)(value & 1);
        }

        /// <summary>A count or length: checked against the bytes left, so corrupt data fails clearly instead of allocating wildly.</summary>
        public int Count()
        {
            var value = Unsigned();
            if (value > (uint)(_data.Length - _position))
            {
                throw new CorruptParseDataException($"stored parse data claims {value} items or bytes at byte {_position} with only {_data.Length - _position} bytes left");
            }

            return (int)value;
        }

        public string Utf8(int length)
        {
            var value = Encoding.UTF8.GetString(_data.Slice(_position, length));
            _position += length;
            return value;
        }

        public string? String(string[] table)
        {
            var index = Unsigned();
            if (index >= (uint)table.Length)
            {
                throw new CorruptParseDataException($"stored parse data names string {index} of a table of {table.Length - 1}");
            }

            return index == 0 ? null : table[index];
        }

        public CodeMetrics? Metrics() => Unsigned() switch
        {
            0 => null,
            1 => new CodeMetrics(Signed(), Signed(), Signed(), Signed(), Signed(), Signed(), Signed()),
            var flag => throw new CorruptParseDataException($"stored parse data has metrics flag {flag} (0 or 1 expected)"),
        };
    }
}

/// <summary>
/// A parsed file with everything its rows need computed up front (content hash, parse data encoding, the text as valid
/// UTF-8), so the parse workers do that work in parallel and the single store writer only binds values.
/// </summary>
public sealed class PreparedParsedFile
{
    private PreparedParsedFile(ParsedFile file, string hash, byte[] utf8Text, byte[] parseData)
    {
        File = file;
        Hash = hash;
        Utf8Text = utf8Text;
        ParseData = parseData;
    }

    public ParsedFile File { get; }

    /// <summary>Lower-case hex SHA-256 of the bytes as read (the content address).</summary>
    public string Hash { get; }

    /// <summary>The text to store, as UTF-8: the bytes as read when they are valid UTF-8, otherwise their decoding with U+FFFD for invalid sequences.</summary>
    public byte[] Utf8Text { get; }

    /// <summary>The binary parse data (<see cref="Storage.ParseData.Encode"/>).</summary>
    public byte[] ParseData { get; }

    public static PreparedParsedFile Create(ParsedFileContent file) => Create(file, hash: null);

    /// <summary>As <see cref="Create(ParsedFileContent)"/>, with the content's hash when the caller already computed it (<see cref="HashContent"/>).</summary>
    public static PreparedParsedFile Create(ParsedFileContent file, string? hash)
    {
        ArgumentNullException.ThrowIfNull(file);
        var content = file.Content;
        hash ??= HashContent(content);
        var text = System.Text.Unicode.Utf8.IsValid(content) ? content : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content));
        return new PreparedParsedFile(file.File, hash, text, Storage.ParseData.Encode(file.File));
    }

    /// <summary>The content address: lower-case hex SHA-256 of the bytes.</summary>
    public static string HashContent(ReadOnlySpan<byte> content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));

    /// <summary>
    /// The same content and parse result stored under another path (a file whose bytes and language equal an already
    /// parsed one's): the rows share the hash, text and parse data, which hold no path.
    /// </summary>
    public PreparedParsedFile WithPath(string path) =>
        new(File with { Path = path }, Hash, Utf8Text, ParseData);
}
