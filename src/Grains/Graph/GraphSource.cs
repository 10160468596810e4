// What the graph stage needs of one stored file, taken while its text is at hand: the definitions as
// symbol nodes, the references, the entry points the file declares, and the few facts of its text that
// import resolution reads (go.mod module, tsconfig paths, C# namespaces and identifiers, the Python
// `from … import …` statements on import lines). The text itself is not kept, so a snapshot's files can
// stream through the stage one at a time instead of being held in memory together.
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Graph;

public sealed class GraphSource
{
    private GraphSource(string path, string language, IReadOnlyList<SymbolNode> symbols, IReadOnlyList<Reference> references, IReadOnlyList<EntryPoint> entryPoints, ImportFacts facts)
    {
        Path = path;
        Language = language;
        Symbols = symbols;
        References = references;
        EntryPoints = entryPoints;
        Facts = facts;
    }

    public string Path { get; }

    public string Language { get; }

    /// <summary>The file's definitions in the parser's order.</summary>
    public IReadOnlyList<SymbolNode> Symbols { get; }

    public IReadOnlyList<Reference> References { get; }

    /// <summary>Entry points found in the file, before the report removes duplicates and sorts them.</summary>
    public IReadOnlyList<EntryPoint> EntryPoints { get; }

    internal ImportFacts Facts { get; }

    public static GraphSource From(StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var symbols = new SymbolNode[file.Definitions.Count];
        for (var i = 0; i < symbols.Length; i++)
        {
            var d = file.Definitions[i];
            symbols[i] = new SymbolNode(file.Path, d.QualifiedName ?? d.Name, d.Name, d.Kind, d.StartLine, d.EndLine);
        }

        return new GraphSource(file.Path, file.Language, symbols, file.References ?? [], ArchitectureAnalyzer.EntryPointsOf(file), ImportResolver.FactsOf(file));
    }
}
