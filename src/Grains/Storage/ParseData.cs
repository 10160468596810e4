// A file's full parse result (definitions with qualified names, signatures, docs and metrics;
// references; file metrics) as one JSON document stored next to the file row, so reading a
// snapshot back needs no per-definition or per-reference rows. The definitions table keeps the
// columns symbol look-up needs.
using System.Text.Json;
using System.Text.Json.Serialization;
using CodeIngest.Parsing;

namespace CodeIngest.Storage;

internal sealed record StoredParse(Definition[] Definitions, Reference[]? References, CodeMetrics? Metrics);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredParse))]
internal sealed partial class ParseDataJsonContext : JsonSerializerContext;

internal static class ParseData
{
    public static string Serialize(ParsedFile file) =>
        JsonSerializer.Serialize(new StoredParse(file.Definitions ?? [], file.References, file.Metrics), ParseDataJsonContext.Default.StoredParse);

    /// <summary>The stored parse, or null for a row written before parse data was stored (its definitions come from the definitions table).</summary>
    public static StoredParse? Deserialize(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, ParseDataJsonContext.Default.StoredParse);
}
