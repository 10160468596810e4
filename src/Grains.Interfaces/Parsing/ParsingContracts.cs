// What parsing one file yields. Lines are 1-based and inclusive; bytes are UTF-8 offsets.
namespace CodeIngest.Parsing;

/// <summary>
/// A definition found in a file: a function, method, class, interface, struct, enum, module, constant…
/// <see cref="QualifiedName"/> joins the enclosing definitions' names with '.' (<c>Class.method</c>);
/// null means the same as <see cref="Name"/> (a top-level definition).
/// <see cref="Signature"/> is the declaration's header as written (up to the body), whitespace collapsed;
/// <see cref="Doc"/> the doc comment or docstring, comment markers removed.
/// </summary>
[GenerateSerializer, Immutable, Alias("codeingest.Definition")]
public sealed record Definition(
    string Name,
    string Kind,
    int StartLine,
    int EndLine,
    int StartByte,
    int EndByte,
    string? QualifiedName = null,
    string? Signature = null,
    string? Doc = null,
    CodeMetrics? Metrics = null);

/// <summary>
/// Size and complexity of a file or of one function: lines (all), code lines (not blank, not only comment),
/// comment lines, cyclomatic complexity (1 + branch points), maximum nesting depth of blocks, parameter count (0 for files),
/// cognitive complexity (branch points weighted by their nesting, as in SonarSource's definition).
/// </summary>
[GenerateSerializer, Immutable, Alias("codeingest.CodeMetrics")]
public sealed record CodeMetrics(int Lines, int CodeLines, int CommentLines, int Cyclomatic, int MaxNesting, int Parameters, int Cognitive = 0);

/// <summary>The kinds of <see cref="Reference"/>.</summary>
public static class ReferenceKinds
{
    /// <summary>An import, include, use or require; the target is the module or path as written (quotes removed).</summary>
    public const string Import = "import";

    /// <summary>A call; the target is the called name as written without receiver (<c>obj.save()</c> gives <c>save</c>).</summary>
    public const string Call = "call";

    /// <summary>Inheritance or implementation; the source is the deriving type, the target the base as written.</summary>
    public const string Inherit = "inherit";
}

/// <summary>
/// A reference from a file to something by name: an import, a call or an inheritance edge (<see cref="ReferenceKinds"/>).
/// <see cref="Source"/> is the qualified name of the innermost enclosing definition (null at file level);
/// <see cref="Receiver"/> is the text before the last '.' or '::' of a call or import target when there is one (<c>os.path</c> for <c>os.path.join</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("codeingest.Reference")]
public sealed record Reference(string Kind, string Target, int Line, string? Source = null, string? Receiver = null);

/// <summary>The outcome of parsing one file. <see cref="Error"/> is set when the file had syntax errors (what parsed is kept) or could not be parsed.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.ParsedFile")]
public sealed record ParsedFile(
    string Path,
    string Language,
    int Lines,
    Definition[] Definitions,
    string? Error,
    Reference[]? References = null,
    CodeMetrics? Metrics = null);

/// <summary>One file sent to a parse grain; the content travels in the message so any silo can parse it.</summary>
[GenerateSerializer, Immutable, Alias("codeingest.ParseRequest")]
public sealed record ParseRequest(string Path, string Language, byte[] Content);

/// <summary>Parses batches of files with tree-sitter. Keyed by batch id; placed on any silo.</summary>
[Alias("codeingest.IFileParseGrain")]
public interface IFileParseGrain : IGrainWithStringKey
{
    /// <summary>Parses every file of the batch; one result per request, in order.</summary>
    /// <remarks>
    /// A batch may legitimately take minutes: up to 64 files, each allowed the per-file parse budget
    /// (5 s by default), on a busy machine. The default 30 s response timeout failed whole parse stages
    /// on a loaded 2-core machine (load average 60); the stage's own timeout still bounds the wait, and
    /// a dead silo fails the call at once through membership.
    /// </remarks>
    [Alias("ParseBatch")]
    [ResponseTimeout("00:15:00")]
    Task<ParsedFile[]> ParseBatchAsync(ParseRequest[] files);
}
