// Builds the code graph of a snapshot from the parser's references: imports resolved to files,
// calls and inheritance resolved to definitions — same file first, then files the caller imports,
// then a definition whose name is unique in the repository. What cannot be resolved is kept, with
// its name, as an unresolved edge (confidence 0).
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Graph;

/// <summary>The edges and nodes of one snapshot's graph, and the entry points its files declare.</summary>
public sealed record CodeGraph(IReadOnlyList<string> Files, IReadOnlyList<SymbolNode> Symbols, IReadOnlyList<GraphEdge> Edges, IReadOnlyList<EntryPoint>? EntryPoints = null);

public static class GraphBuilder
{
    private static readonly HashSet<string> NotCallable = new(StringComparer.OrdinalIgnoreCase) { "namespace", "module", "package", "variable", "constant", "field", "property", "import", "heading", "section", "key" };
    private static readonly HashSet<string> TypeKinds = new(StringComparer.OrdinalIgnoreCase) { "class", "interface", "struct", "enum", "record", "trait", "type", "protocol", "object", "module", "mixin" };
    private static readonly HashSet<string> SelfReceivers = new(StringComparer.Ordinal) { "self", "this", "cls", "base", "super", "Self", "me" };

    public static CodeGraph Build(IReadOnlyList<StoredFile> files, CancellationToken cancellationToken = default)
    {
        var sources = new List<GraphSource>(files.Count);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sources.Add(GraphSource.From(file));
        }

        return Build(sources, cancellationToken);
    }

    public static CodeGraph Build(IReadOnlyList<GraphSource> files, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var resolver = new ImportResolver(files);
        cancellationToken.ThrowIfCancellationRequested();
        var symbols = new SymbolIndex(files);
        var edges = new List<GraphEdge>();
        var entryPoints = new List<EntryPoint>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            entryPoints.AddRange(file.EntryPoints);
            edges.AddRange(EdgesOf(file, resolver, symbols, null));
        }

        return new CodeGraph(files.Select(f => f.Path).ToList(), symbols.All, edges, ArchitectureAnalyzer.DistinctEntryPoints(entryPoints));
    }

    /// <summary>Probe key of a call or base type named <paramref name="name"/>: its resolution depends on every definition of that name.</summary>
    internal static string NameKey(string name) => "c:" + name;

    /// <summary>
    /// The edges that leave one file, in the order a full build writes them: its imports (each resolved target, else one unresolved
    /// edge), the C# namespace imports it makes implicitly, then its calls and base types. With <paramref name="probes"/>, every
    /// look-up the resolution made is recorded there (import keys, see <see cref="ImportResolver.KeysOf"/>, and <see cref="NameKey"/>s).
    /// </summary>
    internal static List<GraphEdge> EdgesOf(GraphSource file, ImportResolver resolver, SymbolIndex symbols, HashSet<string>? probes)
    {
        var edges = new List<GraphEdge>();
        var references = file.References;
        var imported = new HashSet<string>(StringComparer.Ordinal);
        resolver.Probes = probes;
        try
        {
            foreach (var reference in references)
            {
                if (reference.Kind != ReferenceKinds.Import)
                {
                    continue;
                }

                var targets = resolver.Resolve(file, reference.Target, reference.Line);
                if (targets.Count == 0)
                {
                    edges.Add(new GraphEdge(EdgeKinds.Import, file.Path, null, null, null, reference.Target, reference.Line, Resolutions.Unresolved, 0));
                }

                foreach (var target in targets)
                {
                    imported.Add(target.Path);
                    edges.Add(new GraphEdge(EdgeKinds.Import, file.Path, null, target.Path, null, reference.Target, reference.Line, target.Resolution, target.Confidence));
                }
            }

            foreach (var implicitImport in resolver.ImplicitCSharpImports(file))
            {
                if (imported.Add(implicitImport.Path))
                {
                    edges.Add(new GraphEdge(EdgeKinds.Import, file.Path, null, implicitImport.Path, null, "(same namespace)", 0, implicitImport.Resolution, implicitImport.Confidence));
                }
            }
        }
        finally
        {
            resolver.Probes = null;
        }

        foreach (var reference in references)
        {
            if (reference.Kind is not (ReferenceKinds.Call or ReferenceKinds.Inherit))
            {
                continue;
            }

            var isInherit = reference.Kind == ReferenceKinds.Inherit;
            var name = BareName(reference.Target);
            if (name.Length == 0)
            {
                continue;
            }

            probes?.Add(NameKey(name));
            var (target, resolution, confidence) = symbols.Resolve(file.Path, reference, name, isInherit, imported);
            edges.Add(new GraphEdge(
                isInherit ? EdgeKinds.Inherit : EdgeKinds.Call,
                file.Path,
                reference.Source,
                target?.Path,
                target?.QualifiedName,
                reference.Target,
                reference.Line,
                resolution,
                confidence));
        }

        return edges;
    }

    /// <summary>
    /// Every definition by name and by (file, name), as positions in one list in file then definition order, so a look-up
    /// touches only the candidates it needs yet sees them in the order a scan of all definitions would.
    /// </summary>
    internal sealed class SymbolIndex
    {
        private readonly List<SymbolNode> _all = [];
        private readonly Dictionary<string, List<int>> _byName = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Path, string Name), List<int>> _byFileAndName = new();
        private readonly Dictionary<string, SymbolNode?> _uniqueCallable = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SymbolNode?> _uniqueType = new(StringComparer.Ordinal);

        public SymbolIndex(IReadOnlyList<GraphSource> files)
        {
            foreach (var file in files)
            {
                foreach (var node in file.Symbols)
                {
                    var position = _all.Count;
                    _all.Add(node);
                    Positions(_byName, node.Name).Add(position);
                    Positions(_byFileAndName, (node.Path, node.Name)).Add(position);
                }
            }
        }

        public IReadOnlyList<SymbolNode> All => _all;

        public (SymbolNode? Target, string Resolution, double Confidence) Resolve(string path, Reference reference, string name, bool isInherit, HashSet<string> imported)
        {
            if (!_byName.TryGetValue(name, out var named))
            {
                return (null, Resolutions.Unresolved, 0);
            }

            Func<SymbolNode, bool> accept = isInherit ? IsType : IsCallable;
            var receiver = reference.Receiver;
            var selfCall = receiver is not null && SelfReceivers.Contains(receiver);

            // 1. Same file. A call through self/this prefers a method of the caller's own class; a call through
            //    another receiver cannot mean one of this file's top-level functions.
            var local = new List<SymbolNode>();
            foreach (var position in _byFileAndName.GetValueOrDefault((path, name), []))
            {
                var s = _all[position];
                if (accept(s) && (receiver is null || selfCall || s.QualifiedName != s.Name))
                {
                    local.Add(s);
                }
            }

            if (selfCall && reference.Source is { } source && source.Contains('.'))
            {
                var owner = source[..source.LastIndexOf('.')];
                var own = local.Where(s => s.QualifiedName == owner + "." + name).ToList();
                if (own.Count > 0)
                {
                    local = own;
                }
            }

            if (local.Count == 1)
            {
                return (local[0], Resolutions.SameFile, 1.0);
            }

            if (local.Count > 1)
            {
                return (local[0], Resolutions.SameFile, 0.7);
            }

            // 2. A file this file imports (candidates in definition order, whichever side is smaller is walked).
            var fromImports = new List<SymbolNode>();
            if (imported.Count < named.Count)
            {
                var positions = new List<int>();
                foreach (var file in imported)
                {
                    if (_byFileAndName.TryGetValue((file, name), out var inFile))
                    {
                        positions.AddRange(inFile);
                    }
                }

                positions.Sort();
                fromImports.AddRange(positions.Select(p => _all[p]).Where(accept));
            }
            else
            {
                fromImports.AddRange(named.Select(p => _all[p]).Where(s => imported.Contains(s.Path) && accept(s)));
            }

            if (fromImports.Count > 0)
            {
                // Top-level definitions first: `mod.f()` or an imported f() means the module's own f.
                var topLevel = fromImports.Where(s => s.QualifiedName == s.Name).ToList();
                var pick = topLevel.Count > 0 ? topLevel : fromImports;
                return (pick[0], Resolutions.Imported, pick.Count == 1 ? 0.9 : 0.6);
            }

            // 3. The only definition of that name anywhere.
            var uniques = isInherit ? _uniqueType : _uniqueCallable;
            if (!uniques.TryGetValue(name, out var unique))
            {
                var accepted = named.Where(p => accept(_all[p])).Take(2).ToList();
                uniques[name] = unique = accepted.Count == 1 ? _all[accepted[0]] : null;
            }

            return unique is not null
                ? (unique, Resolutions.UniqueName, receiver is null || selfCall ? 0.6 : 0.5)
                : (null, Resolutions.Unresolved, 0);
        }

        private static bool IsCallable(SymbolNode s) => !NotCallable.Contains(s.Kind);

        private static bool IsType(SymbolNode s) => TypeKinds.Contains(s.Kind);

        private static List<int> Positions<TKey>(Dictionary<TKey, List<int>> map, TKey key)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            return list;
        }
    }

    /// <summary>The last name of a reference target: generic arguments, call parentheses and qualifiers removed.</summary>
    internal static string BareName(string target)
    {
        var text = target.Trim();
        foreach (var open in new[] { '<', '[', '(' })
        {
            var at = text.IndexOf(open);
            if (at > 0)
            {
                text = text[..at];
            }
        }

        var colons = text.LastIndexOf("::", StringComparison.Ordinal);
        var start = Math.Max(Math.Max(text.LastIndexOf('.'), text.LastIndexOf('\\')) + 1, colons >= 0 ? colons + 2 : 0);
        return text[start..].Trim();
    }
}
