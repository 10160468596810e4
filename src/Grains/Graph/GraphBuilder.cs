// Builds the code graph of a snapshot from the parser's references: imports resolved to files,
// calls and inheritance resolved to definitions — same file first, then files the caller imports,
// then a definition whose name is unique in the repository. What cannot be resolved is kept, with
// its name, as an unresolved edge (confidence 0).
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Graph;

/// <summary>The edges and nodes of one snapshot's graph.</summary>
public sealed record CodeGraph(IReadOnlyList<string> Files, IReadOnlyList<SymbolNode> Symbols, IReadOnlyList<GraphEdge> Edges);

public static class GraphBuilder
{
    private static readonly HashSet<string> NotCallable = new(StringComparer.OrdinalIgnoreCase) { "namespace", "module", "package", "variable", "constant", "field", "property", "import", "heading", "section", "key" };
    private static readonly HashSet<string> TypeKinds = new(StringComparer.OrdinalIgnoreCase) { "class", "interface", "struct", "enum", "record", "trait", "type", "protocol", "object", "module", "mixin" };
    private static readonly HashSet<string> SelfReceivers = new(StringComparer.Ordinal) { "self", "this", "cls", "base", "super", "Self", "me" };

    public static CodeGraph Build(IReadOnlyList<StoredFile> files, CancellationToken cancellationToken = default)
    {
        var resolver = new ImportResolver(files);
        var symbols = new List<SymbolNode>();
        var byFile = new Dictionary<string, List<SymbolNode>>(StringComparer.Ordinal);
        var byName = new Dictionary<string, List<SymbolNode>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var list = byFile[file.Path] = [];
            foreach (var definition in file.Definitions)
            {
                var node = new SymbolNode(file.Path, definition.QualifiedName ?? definition.Name, definition.Name, definition.Kind, definition.StartLine, definition.EndLine);
                list.Add(node);
                symbols.Add(node);
                if (!byName.TryGetValue(node.Name, out var named))
                {
                    byName[node.Name] = named = [];
                }

                named.Add(node);
            }
        }

        var edges = new List<GraphEdge>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var references = file.References ?? [];
            var imported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var reference in references.Where(r => r.Kind == ReferenceKinds.Import))
            {
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

            foreach (var reference in references.Where(r => r.Kind is ReferenceKinds.Call or ReferenceKinds.Inherit))
            {
                var isInherit = reference.Kind == ReferenceKinds.Inherit;
                var name = BareName(reference.Target);
                if (name.Length == 0)
                {
                    continue;
                }

                var accept = isInherit ? (Func<SymbolNode, bool>)(s => TypeKinds.Contains(s.Kind)) : s => !NotCallable.Contains(s.Kind);
                var (target, resolution, confidence) = ResolveSymbol(file.Path, reference, name, accept, byFile, byName, imported);
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
        }

        return new CodeGraph(files.Select(f => f.Path).ToList(), symbols, edges);
    }

    private static (SymbolNode? Target, string Resolution, double Confidence) ResolveSymbol(
        string path,
        Reference reference,
        string name,
        Func<SymbolNode, bool> accept,
        Dictionary<string, List<SymbolNode>> byFile,
        Dictionary<string, List<SymbolNode>> byName,
        HashSet<string> imported)
    {
        var receiver = reference.Receiver;
        var selfCall = receiver is not null && SelfReceivers.Contains(receiver);
        var named = byName.GetValueOrDefault(name);
        if (named is null)
        {
            return (null, Resolutions.Unresolved, 0);
        }

        // 1. Same file. A call through self/this prefers a method of the caller's own class; a call through
        //    another receiver cannot mean one of this file's top-level functions.
        var local = named.Where(s => s.Path == path && accept(s) && (receiver is null || selfCall || s.QualifiedName != s.Name)).ToList();
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

        // 2. A file this file imports.
        var fromImports = named.Where(s => imported.Contains(s.Path) && accept(s)).ToList();
        if (fromImports.Count > 0)
        {
            // Top-level definitions first: `mod.f()` or an imported f() means the module's own f.
            var topLevel = fromImports.Where(s => s.QualifiedName == s.Name).ToList();
            var pick = topLevel.Count > 0 ? topLevel : fromImports;
            return (pick[0], Resolutions.Imported, pick.Count == 1 ? 0.9 : 0.6);
        }

        // 3. The only definition of that name anywhere.
        var anywhere = named.Where(accept).ToList();
        if (anywhere.Count == 1)
        {
            return (anywhere[0], Resolutions.UniqueName, receiver is null || selfCall ? 0.6 : 0.5);
        }

        return (null, Resolutions.Unresolved, 0);
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
