// The code graph of one snapshot: file-level import edges and symbol-level call and inheritance
// edges, each with how it was resolved and how sure that resolution is.
namespace CodeIngest.Graph;

/// <summary>The kinds of <see cref="GraphEdge"/> (the same words as the parser's reference kinds).</summary>
public static class EdgeKinds
{
    public const string Import = "import";
    public const string Call = "call";
    public const string Inherit = "inherit";
}

/// <summary>How an edge's target was found, from most to least certain.</summary>
public static class Resolutions
{
    /// <summary>An import resolved to a file by path rules (relative path, package, go.mod, tsconfig paths).</summary>
    public const string Path = "path";

    /// <summary>A C# using directive resolved through the namespaces files declare.</summary>
    public const string Namespace = "namespace";

    /// <summary>A call or base type defined in the same file.</summary>
    public const string SameFile = "same-file";

    /// <summary>A call or base type defined in a file the calling file imports.</summary>
    public const string Imported = "imported";

    /// <summary>The only definition of that name in the repository.</summary>
    public const string UniqueName = "unique-name";

    /// <summary>Not found in the repository (a library, a builtin, or ambiguous); kept with its name.</summary>
    public const string Unresolved = "unresolved";
}

/// <summary>
/// One edge. Imports go file to file (<see cref="SourceSymbol"/> and <see cref="TargetSymbol"/> null);
/// calls and inheritance go from the enclosing definition (null: file level) to a definition.
/// <see cref="TargetPath"/> is null when unresolved; <see cref="TargetName"/> is the name as written.
/// </summary>
public sealed record GraphEdge(
    string Kind,
    string SourcePath,
    string? SourceSymbol,
    string? TargetPath,
    string? TargetSymbol,
    string TargetName,
    int Line,
    string Resolution,
    double Confidence)
{
    public bool IsResolved => TargetPath is not null;
}

/// <summary>A definition as a node of the symbol graph: its file and qualified name.</summary>
public sealed record SymbolNode(string Path, string QualifiedName, string Name, string Kind, int StartLine, int EndLine)
{
    public string Id => SymbolId(Path, QualifiedName);

    public static string SymbolId(string path, string qualifiedName) => path + "::" + qualifiedName;
}
