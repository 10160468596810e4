// What parsing one file yields. Lines are 1-based and inclusive; bytes are UTF-8 offsets.
namespace CodeIngest.Parsing;

/// <summary>A definition found in a file: a function, method, class, interface, module…</summary>
[GenerateSerializer, Immutable, Alias("codeingest.Definition")]
public sealed record Definition(
    string Name,
    string Kind,
    int StartLine,
    int EndLine,
    int StartByte,
    int EndByte);

/// <summary>The outcome of parsing one file. <see cref="Error"/> is set when the file had syntax errors (what parsed is kept) or could not be parsed.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.ParsedFile")]
public sealed record ParsedFile(
    string Path,
    string Language,
    int Lines,
    Definition[] Definitions,
    string? Error);

/// <summary>One file sent to a parse grain; the content travels in the message so any silo can parse it.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.ParseRequest")]
public sealed record ParseRequest(string Path, string Language, byte[] Content);

/// <summary>Parses batches of files with tree-sitter. Keyed by batch id; placed on any silo.</summary>
[Alias("codeingest.IFileParseGrain")]
public interface IFileParseGrain : IGrainWithStringKey
{
    /// <summary>Parses every file of the batch; one result per request, in order.</summary>
    [Alias("ParseBatch")]
    Task<ParsedFile[]> ParseBatchAsync(ParseRequest[] files);
}
