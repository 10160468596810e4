// Store methods for steps that read or write a whole snapshot without holding it in memory: the quality
// review and the index stage read the files one at a time; the index stage writes chunks batch by batch.
using System.Text.Json;
using System.Text.Json.Serialization;
using CodeIngest.Parsing;

namespace CodeIngest.Storage;

public partial interface ICodeStore
{
    /// <summary>
    /// The snapshot's files one at a time in path order (ordinal), as <see cref="GetFilesAsync"/> returns them but with
    /// empty <see cref="StoredFile.References"/>: for readers that need text, definitions and metrics only.
    /// </summary>
    IAsyncEnumerable<StoredFile> StreamFilesAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Removes every chunk of the snapshot (and its lexical index entries); run before <see cref="AppendChunksAsync"/> batches.</summary>
    Task ClearChunksAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Adds one batch of chunks to the snapshot (rows and lexical index) in one transaction.</summary>
    Task AppendChunksAsync(string snapshotId, IReadOnlyList<CodeChunk> chunks, CancellationToken cancellationToken = default);
}

/// <summary>The part of a stored parse that streaming readers use: the JSON's references are skipped, not materialised.</summary>
internal sealed record StoredParseOutline(Definition[] Definitions, CodeMetrics? Metrics);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredParseOutline))]
internal sealed partial class ParseOutlineJsonContext : JsonSerializerContext
{
    /// <summary>
    /// A stored file row's parse data (binary, or the old JSON as UTF-8 bytes): with references (graph readers) or only
    /// definitions and metrics (the rest). Null definitions: a row written before parse data was stored (its definitions
    /// come from the definitions table).
    /// </summary>
    public static (IReadOnlyList<Definition>? Definitions, IReadOnlyList<Reference> References, CodeMetrics? Metrics) Decode(ReadOnlySpan<byte> stored, bool withReferences)
    {
        if (stored.IsEmpty)
        {
            return (null, [], null);
        }

        if (ParseData.IsBinary(stored) || withReferences)
        {
            var full = ParseData.Decode(stored, withReferences);
            return (full?.Definitions, full?.References ?? [], full?.Metrics);
        }

        var outline = JsonSerializer.Deserialize(stored, Default.StoredParseOutline);
        return (outline?.Definitions, [], outline?.Metrics);
    }
}
