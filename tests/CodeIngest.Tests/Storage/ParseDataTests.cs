using System.Text;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

/// <summary>The binary parse-data encoding: exact round trip, the old JSON still read, corrupt data rejected clearly.</summary>
public sealed class ParseDataTests
{
    private static readonly ParsedFile Sample = new(
        "src/a.py",
        "python",
        40,
        [
            new("Ünïcode", "class", 1, 40, 0, 1200, null, "class Ünïcode(Base):", "Doc with \"quotes\"\nand lines.", new CodeMetrics(40, 30, 5, 7, 3, 0, 9)),
            new("run", "method", 3, 3, 20, 20, "Ünïcode.run", null, null, null),
            new("big", "function", 100_000, 2_000_000, 300_000_000, int.MaxValue, "big", "def big()", "", new CodeMetrics(0, 0, 0, 1, 0, 255, 0)),
        ],
        "syntax error at line 3",
        [new(ReferenceKinds.Import, "os.path", 1), new(ReferenceKinds.Call, "join", 4, "Ünïcode.run", "os.path"), new(ReferenceKinds.Call, "join", 5, "Ünïcode.run", "os.path")],
        new CodeMetrics(40, 30, 5, 8, 3, 0, 9));

    [Fact]
    public void Binary_encoding_round_trips_every_field()
    {
        var encoded = ParseData.Encode(Sample);
        var decoded = ParseData.Decode(encoded, withReferences: true)!;

        Assert.Equal(ParseData.FormatMarker, encoded[0]);
        Assert.Equal(Sample.Definitions, decoded.Definitions);
        Assert.Equal(Sample.References!, decoded.References!);
        Assert.Equal(Sample.Metrics, decoded.Metrics);
        Assert.True(encoded.Length < Encoding.UTF8.GetByteCount(ParseData.Serialize(Sample)) / 2, "binary should be far smaller than the JSON");

        Assert.Null(ParseData.Decode(encoded, withReferences: false)!.References);
        Assert.Equal((3, (int?)30), ParseData.Summary(encoded));
    }

    [Fact]
    public void Null_and_empty_references_and_missing_metrics_are_kept_apart()
    {
        var none = ParseData.Decode(ParseData.Encode(new ParsedFile("a", "c", 0, [], null)), withReferences: true)!;
        var empty = ParseData.Decode(ParseData.Encode(new ParsedFile("a", "c", 0, [], null, [])), withReferences: true)!;

        Assert.Null(none.References);
        Assert.NotNull(empty.References);
        Assert.Empty(empty.References);
        Assert.Null(none.Metrics);
        Assert.Equal((0, (int?)null), ParseData.Summary(ParseData.Encode(new ParsedFile("a", "c", 0, [], null))));
    }

    [Fact]
    public void Json_written_by_an_older_build_is_still_read()
    {
        var json = Encoding.UTF8.GetBytes(ParseData.Serialize(Sample));

        var decoded = ParseData.Decode(json, withReferences: true)!;

        Assert.Equal(Sample.Definitions, decoded.Definitions);
        Assert.Equal(Sample.References!, decoded.References!);
        Assert.Equal((3, (int?)30), ParseData.Summary(json));
        Assert.Null(ParseData.Decode([], withReferences: true));
    }

    [Fact]
    public void Corrupt_binary_data_fails_with_a_message_saying_what_is_wrong()
    {
        var encoded = ParseData.Encode(Sample);

        var cut = Assert.Throws<CorruptParseDataException>(() => ParseData.Decode(encoded.AsSpan(0, encoded.Length - 3), withReferences: true));
        Assert.Contains("cut short", cut.Message);

        var newer = (byte[])encoded.Clone();
        newer[1] = 99;
        var version = Assert.Throws<CorruptParseDataException>(() => ParseData.Decode(newer, withReferences: true));
        Assert.Contains("format version 99", version.Message);
    }

    [Fact]
    public void Prepared_file_hashes_the_bytes_as_read_and_keeps_valid_utf8_as_is()
    {
        var content = Encoding.UTF8.GetBytes("def f(): pass\n");
        var prepared = PreparedParsedFile.Create(new ParsedFileContent(Sample, content));

        Assert.Same(content, prepared.Utf8Text);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), prepared.Hash);
        Assert.Equal(Sample.Definitions, ParseData.Decode(prepared.ParseData, withReferences: true)!.Definitions);
    }
}
