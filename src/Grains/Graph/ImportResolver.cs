// Resolves an import as written to files of the repository, per language: relative paths, Python
// packages and modules, Go import paths under go.mod, JS/TS with extensions, index files and
// tsconfig paths, Java packages, Rust crate paths, C# namespaces (through the namespaces files
// declare and the type names the importing file uses), C/C++ includes. Anything else falls back to
// a unique match of the import's path components against the ends of file paths.
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeIngest.Storage;

namespace CodeIngest.Graph;

/// <summary>One resolved target of an import.</summary>
public sealed record ResolvedImport(string Path, string Resolution, double Confidence);

public sealed partial class ImportResolver
{
    private static readonly string[] ScriptExtensions = [".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];
    private static readonly HashSet<string> TypeKinds = new(StringComparer.OrdinalIgnoreCase) { "class", "interface", "struct", "enum", "record", "trait", "type", "delegate" };

    private readonly Dictionary<string, GraphSource> _files;

    // Module key (path without extension; a package's index/__init__/mod file also under its directory),
    // every component-aligned suffix of it -> files.
    private readonly Dictionary<string, List<string>> _bySuffix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byDirectory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byFileName = new(StringComparer.Ordinal);
    private readonly List<(string Directory, string Module)> _goModules = [];
    private readonly List<TsPaths> _tsConfigs = [];
    private readonly Dictionary<string, List<string>> _csharpNamespaceFiles = new(StringComparer.Ordinal);

    /// <summary>
    /// When set, every look-up a resolution makes is recorded here as a key (see <see cref="KeysOf"/>): the result of resolving a
    /// file's imports can only change when a file whose keys meet these is added, removed or changed.
    /// </summary>
    internal HashSet<string>? Probes { get; set; }

    public ImportResolver(IReadOnlyList<GraphSource> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        _files = files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var directory = DirectoryOf(file.Path);
            Add(_byDirectory, directory, file.Path);
            Add(_byFileName, FileName(file.Path), file.Path);
            foreach (var key in ModuleKeys(file.Path))
            {
                var parts = key.Split('/');
                for (var i = 0; i < parts.Length; i++)
                {
                    Add(_bySuffix, string.Join('/', parts[i..]), file.Path);
                }
            }

            var facts = file.Facts;
            if (facts.GoModule is { } module)
            {
                _goModules.Add((directory, module));
            }
            else if (facts.TsConfig is { } paths)
            {
                _tsConfigs.Add(paths);
            }

            foreach (var ns in facts.CSharpNamespaces)
            {
                Add(_csharpNamespaceFiles, ns, file.Path);
            }
        }

        // Longest module path first, so a nested go.mod wins over its parent's.
        _goModules.Sort((a, b) => b.Module.Length.CompareTo(a.Module.Length));
    }

    /// <summary>What resolution needs of a file's text; read once, while the text is at hand.</summary>
    internal static ImportFacts FactsOf(StoredFile file)
    {
        var facts = new ImportFacts();
        var name = FileName(file.Path);
        if (name == "go.mod" && GoModuleRegex().Match(file.Text) is { Success: true } module)
        {
            facts.GoModule = module.Groups[1].Value.Trim();
        }
        else if (name.StartsWith("tsconfig", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) && TsPaths.TryRead(file.Path, file.Text, out var paths))
        {
            facts.TsConfig = paths;
        }
        else if (file.Language == "csharp")
        {
            facts.CSharpNamespaces = CSharpNamespacesDeclaredIn(file.Text);
            facts.TypeNames = file.Definitions.Where(d => TypeKinds.Contains(d.Kind)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
            facts.Identifiers = IdentifierRegex().Matches(file.Text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        }

        if (file.Language == "python" && file.References is { Count: > 0 } references)
        {
            List<int>? lineStarts = null;
            foreach (var reference in references)
            {
                if (reference.Kind != Parsing.ReferenceKinds.Import || reference.Line <= 0 || facts.PythonFrom?.ContainsKey(reference.Line) == true)
                {
                    continue;
                }

                lineStarts ??= LineStarts(file.Text);
                if (reference.Line > lineStarts.Count)
                {
                    continue;
                }

                var start = lineStarts[reference.Line - 1];
                while (start < file.Text.Length && file.Text[start] is ' ' or '\t')
                {
                    start++;
                }

                var statement = PythonFromRegex().Match(file.Text, start);
                if (statement.Success && statement.Index == start)
                {
                    (facts.PythonFrom ??= [])[reference.Line] = (statement.Groups[1].Value, statement.Groups[2].Value);
                }
            }
        }

        return facts;
    }

    private static List<int> LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var at = text.IndexOf('\n'); at >= 0; at = text.IndexOf('\n', at + 1))
        {
            starts.Add(at + 1);
        }

        return starts;
    }

    /// <summary>Files of the repository that <paramref name="target"/>, imported by <paramref name="from"/>, refers to (empty: external or not found).</summary>
    public IReadOnlyList<ResolvedImport> Resolve(GraphSource from, string target, int line = 0)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return [];
        }

        target = target.Trim().Trim('"', '\'', '`', '<', '>');
        var found = from.Language switch
        {
            "python" => PythonFrom(from, target, line) ?? Python(from, target),
            "javascript" or "typescript" or "tsx" => Script(from, target),
            "go" => Go(target),
            "csharp" => CSharp(from, target),
            "java" or "kotlin" or "scala" => Java(from, target),
            "rust" => Rust(from, target),
            "c" or "cpp" => Include(from, target),
            "ruby" => Ruby(from, target),
            _ => Fallback(from, target),
        };
        return found.Where(r => r.Path != from.Path).DistinctBy(r => r.Path).ToList();
    }

    /// <summary>
    /// <c>from pkg import a, b</c> records only <c>pkg</c>; the statement on that line says whether a and b are
    /// modules of the package (pkg/a.py) — then those are what the file depends on — or names inside pkg.
    /// </summary>
    private List<ResolvedImport>? PythonFrom(GraphSource from, string target, int line)
    {
        if (line <= 0 || from.Facts.PythonFrom?.GetValueOrDefault(line) is not { } statement || statement.Module != target)
        {
            return null;
        }

        var modules = new List<ResolvedImport>();
        foreach (var raw in statement.Names.Trim('(', ')', ' ', '\r').Split(','))
        {
            var name = raw.Trim().Split(' ')[0].Trim();
            if (name.Length == 0 || name == "*")
            {
                continue;
            }

            var child = target.EndsWith('.') ? target + name : target + "." + name;
            var exact = Python(from, child).Where(r => ModuleKeys(r.Path).Any(k => k.EndsWith(name, StringComparison.Ordinal))).ToList();
            modules.AddRange(exact);
        }

        return modules.Count > 0 ? modules : null;
    }

    private IEnumerable<ResolvedImport> Python(GraphSource from, string target)
    {
        var dots = target.TakeWhile(c => c == '.').Count();
        var rest = target[dots..].Replace('.', '/');
        if (dots > 0)
        {
            // from . import x / from ..pkg import y: relative to the importing file's package.
            var directory = DirectoryOf(from.Path);
            for (var i = 1; i < dots; i++)
            {
                directory = DirectoryOf(directory);
            }

            var module = Join(directory, rest);
            return Exact(module, ".py", "__init__.py") is { } hit ? [new(hit, Resolutions.Path, 1.0)] : [];
        }

        // Absolute: the module, else its parent package (from pkg.mod import name, where name is not a module).
        var parts = rest.Split('/');
        for (var take = parts.Length; take >= 1; take--)
        {
            var candidates = Lookup(string.Join('/', parts[..take]), from, "python");
            if (candidates.Count > 0)
            {
                return [new(Nearest(candidates, from.Path), Resolutions.Path, candidates.Count == 1 ? 1.0 : 0.8)];
            }
        }

        return [];
    }

    private IEnumerable<ResolvedImport> Script(GraphSource from, string target)
    {
        if (target.StartsWith('.') || target.StartsWith('/'))
        {
            var path = target.StartsWith('/') ? target.TrimStart('/') : Join(DirectoryOf(from.Path), target);
            return ScriptFile(path) is { } hit ? [new(hit, Resolutions.Path, 1.0)] : [];
        }

        Probe(TsConfigKey);
        foreach (var config in _tsConfigs)
        {
            foreach (var candidate in config.Candidates(target))
            {
                if (ScriptFile(candidate) is { } hit)
                {
                    return [new(hit, Resolutions.Path, 0.95)];
                }
            }
        }

        return [];
    }

    private string? ScriptFile(string path)
    {
        path = Normalize(path);
        if (HasFile(path))
        {
            return path;
        }

        // Compiled-extension imports in TypeScript ('./x.js' meaning './x.ts').
        var stem = Path.HasExtension(path) && ScriptExtensions.Contains(Path.GetExtension(path)) ? path[..^Path.GetExtension(path).Length] : path;
        foreach (var extension in ScriptExtensions)
        {
            if (HasFile(stem + extension))
            {
                return stem + extension;
            }
        }

        foreach (var extension in ScriptExtensions)
        {
            if (HasFile(path + "/index" + extension))
            {
                return path + "/index" + extension;
            }
        }

        return null;
    }

    private IEnumerable<ResolvedImport> Go(string target)
    {
        Probe(GoModuleKey);
        foreach (var (directory, module) in _goModules)
        {
            if (target == module || target.StartsWith(module + "/", StringComparison.Ordinal))
            {
                var packageDirectory = Join(directory, target[module.Length..].TrimStart('/'));
                Probe("d:" + packageDirectory);
                return _byDirectory.GetValueOrDefault(packageDirectory, [])
                    .Where(p => p.EndsWith(".go", StringComparison.Ordinal) && !p.EndsWith("_test.go", StringComparison.Ordinal))
                    .Select(p => new ResolvedImport(p, Resolutions.Path, 1.0));
            }
        }

        return [];
    }

    private IEnumerable<ResolvedImport> CSharp(GraphSource from, string target)
    {
        // using A.B brings namespace A.B into scope: the file depends on those files declaring A.B whose types it names.
        // Nothing else: a namespace no file declares (a library's) links nowhere, even when a parent namespace exists here.
        var used = from.Facts.Identifiers ?? [];
        var ns = target.Replace("static ", "", StringComparison.Ordinal).Split('=')[^1].Trim();
        Probe("ns:" + ns);
        if (_csharpNamespaceFiles.TryGetValue(ns, out var files))
        {
            return files.Where(p => _files[p].Facts.TypeNames?.Overlaps(used) == true)
                .Select(p => new ResolvedImport(p, Resolutions.Namespace, 0.8));
        }

        // using static A.B.Type / using Alias = A.B.Type: the files of namespace A.B that declare that type.
        var dot = ns.LastIndexOf('.');
        if (dot > 0 && Probe("ns:" + ns[..dot]) && _csharpNamespaceFiles.TryGetValue(ns[..dot], out var parentFiles))
        {
            var type = ns[(dot + 1)..];
            return parentFiles.Where(p => _files[p].Facts.TypeNames?.Contains(type) == true)
                .Select(p => new ResolvedImport(p, Resolutions.Namespace, 0.8));
        }

        return [];
    }

    /// <summary>C# files see the types of their own namespace (and its parents) without a using directive.</summary>
    public IEnumerable<ResolvedImport> ImplicitCSharpImports(GraphSource from)
    {
        ArgumentNullException.ThrowIfNull(from);
        var namespaces = from.Facts.CSharpNamespaces;
        if (namespaces.Length == 0)
        {
            return [];
        }

        var used = from.Facts.Identifiers ?? [];
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ns in namespaces)
        {
            for (var scope = ns; scope.Length > 0; scope = scope.Contains('.') ? scope[..scope.LastIndexOf('.')] : "")
            {
                scopes.Add(scope);
                Probe("ns:" + scope);
            }
        }

        return scopes.SelectMany(s => _csharpNamespaceFiles.GetValueOrDefault(s, []))
            .Where(p => p != from.Path && _files[p].Facts.TypeNames?.Overlaps(used) == true)
            .Distinct(StringComparer.Ordinal)
            .Select(p => new ResolvedImport(p, Resolutions.Namespace, 0.7));
    }

    private IEnumerable<ResolvedImport> Java(GraphSource from, string target)
    {
        var path = target.Replace("static ", "", StringComparison.Ordinal).Trim().Replace('.', '/');
        if (path.EndsWith("/*", StringComparison.Ordinal))
        {
            var package = path[..^2];
            Probe("d*:" + package);
            return _byDirectory.Where(d => d.Key == package || d.Key.EndsWith("/" + package, StringComparison.Ordinal))
                .SelectMany(d => d.Value).Where(p => SameFamily(from.Language, _files[p].Language))
                .Select(p => new ResolvedImport(p, Resolutions.Path, 0.9));
        }

        return Progressive(from, path.Split('/'), 1.0);
    }

    private IEnumerable<ResolvedImport> Rust(GraphSource from, string target)
    {
        var parts = target.Split("::", StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim('{', '}', ' ')).Where(p => p.Length > 0).ToList();
        if (parts.Count == 0)
        {
            return [];
        }

        if (parts[0] is "self" or "super")
        {
            // The importing module's own directory: src/net/client.rs is module net::client (src/net/client), mod.rs/lib.rs/main.rs their directory.
            var stem = Path.GetFileNameWithoutExtension(from.Path);
            var directory = stem is "mod" or "lib" or "main" ? DirectoryOf(from.Path) : Join(DirectoryOf(from.Path), stem);
            while (parts.Count > 0 && parts[0] == "super")
            {
                directory = DirectoryOf(directory);
                parts.RemoveAt(0);
            }

            if (parts.Count > 0 && parts[0] == "self")
            {
                parts.RemoveAt(0);
            }

            for (var take = parts.Count; take >= 1; take--)
            {
                if (Exact(Join(directory, string.Join('/', parts.Take(take))), ".rs", "mod.rs") is { } hit)
                {
                    return [new(hit, Resolutions.Path, 1.0)];
                }
            }

            return [];
        }

        if (parts[0] == "crate")
        {
            parts.RemoveAt(0);
        }

        return Progressive(from, [.. parts], 0.9);
    }

    private IEnumerable<ResolvedImport> Include(GraphSource from, string target)
    {
        var relative = Normalize(Join(DirectoryOf(from.Path), target));
        if (HasFile(relative))
        {
            return [new(relative, Resolutions.Path, 1.0)];
        }

        Probe("n:" + FileName(target));
        var matches = _byFileName.GetValueOrDefault(FileName(target), []).Where(p => p == target || p.EndsWith("/" + target, StringComparison.Ordinal)).ToList();
        return matches.Count > 0 ? [new(Nearest(matches, from.Path), Resolutions.Path, matches.Count == 1 ? 0.9 : 0.7)] : [];
    }

    private IEnumerable<ResolvedImport> Ruby(GraphSource from, string target)
    {
        var relative = Normalize(Join(DirectoryOf(from.Path), target));
        foreach (var candidate in new[] { relative, relative + ".rb" })
        {
            if (HasFile(candidate))
            {
                return [new(candidate, Resolutions.Path, 1.0)];
            }
        }

        return Fallback(from, target);
    }

    private IEnumerable<ResolvedImport> Fallback(GraphSource from, string target)
    {
        if (target.StartsWith("./", StringComparison.Ordinal) || target.StartsWith("../", StringComparison.Ordinal))
        {
            var relative = Normalize(Join(DirectoryOf(from.Path), target));
            var hit = HasFile(relative) ? relative : Probe("s:" + relative) ? _bySuffix.GetValueOrDefault(relative)?.FirstOrDefault(p => ModuleKeys(p).Contains(relative)) : null;
            return hit is null ? [] : [new(hit, Resolutions.Path, 1.0)];
        }

        var parts = SeparatorRegex().Split(target).Where(p => p.Length > 0).ToArray();
        return parts.Length == 0 ? [] : Progressive(from, parts, 0.7);
    }

    /// <summary>The longest prefix of <paramref name="parts"/> (at least one part) that names a module of the same language family.</summary>
    private IEnumerable<ResolvedImport> Progressive(GraphSource from, string[] parts, double confidence)
    {
        for (var take = parts.Length; take >= 1; take--)
        {
            var candidates = Lookup(string.Join('/', parts[..take]), from, from.Language);
            if (candidates.Count == 1)
            {
                return [new(candidates[0], Resolutions.Path, confidence)];
            }

            if (candidates.Count > 1)
            {
                return [new(Nearest(candidates, from.Path), Resolutions.Path, confidence * 0.8)];
            }
        }

        return [];
    }

    private List<string> Lookup(string key, GraphSource from, string language) =>
        Probe("s:" + key) && _bySuffix.TryGetValue(key, out var list) ? list.Where(p => p != from.Path && SameFamily(language, _files[p].Language)).Distinct(StringComparer.Ordinal).ToList() : [];

    private string? Exact(string module, string extension, string packageFile)
    {
        module = Normalize(module);
        if (HasFile(module + extension))
        {
            return module + extension;
        }

        var package = Join(module, packageFile);
        return HasFile(package) ? package : null;
    }

    // Look-ups of single files and of the probe record (always true, so it can lead a condition).
    private bool HasFile(string path)
    {
        Probe("f:" + path);
        return _files.ContainsKey(path);
    }

    private bool Probe(string key)
    {
        Probes?.Add(key);
        return true;
    }

    private const string GoModuleKey = "go.mod";
    private const string TsConfigKey = "tsconfig";

    /// <summary>
    /// The look-up keys whose answers depend on <paramref name="file"/> (its existence, language or facts): a resolution that
    /// probed none of them gives the same result with or without this version of the file.
    /// </summary>
    internal static IEnumerable<string> KeysOf(GraphSource file) => PathKeysOf(file.Path).Concat(FactKeysOf(file));

    /// <summary>The keys answered by a file's existence and language (its path, module names, folder, file name).</summary>
    internal static IEnumerable<string> PathKeysOf(string path)
    {
        yield return "f:" + path;
        foreach (var key in ModuleKeys(path))
        {
            var parts = key.Split('/');
            for (var i = 0; i < parts.Length; i++)
            {
                yield return "s:" + string.Join('/', parts[i..]);
            }
        }

        var directory = DirectoryOf(path);
        yield return "d:" + directory;
        var folders = directory.Split('/');
        for (var i = 0; i < folders.Length; i++)
        {
            yield return "d*:" + string.Join('/', folders[i..]);
        }

        yield return "n:" + FileName(path);
    }

    /// <summary>The keys answered by what a file's text declares (C# namespaces and their types, go.mod, tsconfig paths).</summary>
    internal static IEnumerable<string> FactKeysOf(GraphSource file)
    {
        foreach (var ns in file.Facts.CSharpNamespaces)
        {
            yield return "ns:" + ns;
        }

        if (file.Facts.GoModule is not null)
        {
            yield return GoModuleKey;
        }

        if (file.Facts.TsConfig is not null)
        {
            yield return TsConfigKey;
        }
    }

    private static string Family(string language) => language switch
    {
        "javascript" or "typescript" or "tsx" => "script",
        "c" or "cpp" => "c",
        "java" or "kotlin" or "scala" => "jvm",
        _ => language,
    };

    private static bool SameFamily(string a, string b) => Family(a) == Family(b);

    /// <summary>The keys a file is importable by: its path without extension, and its directory for package files.</summary>
    private static IEnumerable<string> ModuleKeys(string path)
    {
        var name = FileName(path);
        var dot = name.IndexOf('.', 1);
        var stem = dot > 0 ? name[..dot] : name;
        var directory = DirectoryOf(path);
        yield return Join(directory, stem);
        if (stem is "__init__" or "index" or "mod" or "lib" && directory.Length > 0)
        {
            yield return directory;
        }
    }

    /// <summary>Of several candidates, the one sharing the longest directory prefix with the importing file, then the shortest.</summary>
    private static string Nearest(List<string> candidates, string from) =>
        candidates.OrderByDescending(c => CommonPrefix(c, from)).ThenBy(c => c.Length).ThenBy(c => c, StringComparer.Ordinal).First();

    private static int CommonPrefix(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    internal static string DirectoryOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    private static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string Join(string directory, string relative) => directory.Length == 0 ? relative : relative.Length == 0 ? directory : directory + "/" + relative;

    /// <summary>Collapses '.' and '..' segments; a path escaping the root stays unmatched.</summary>
    internal static string Normalize(string path)
    {
        var stack = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (stack.Count == 0)
                {
                    return "../" + path;
                }

                stack.RemoveAt(stack.Count - 1);
            }
            else
            {
                stack.Add(part);
            }
        }

        return string.Join('/', stack);
    }

    private static void Add(Dictionary<string, List<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    [GeneratedRegex(@"\Gfrom\s+([.\w]+)\s+import\s+(\([^)]*\)|[^\n#]*)")]
    private static partial Regex PythonFromRegex();

    [GeneratedRegex(@"^\s*module\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex GoModuleRegex();

    /// <summary>
    /// The namespaces a C# file declares, nested block namespaces joined to their full name
    /// (<c>namespace A { namespace B { … } }</c> declares <c>A</c> and <c>A.B</c>). Braces are counted between the
    /// declarations to know which block namespaces are still open (braces inside strings or comments can mislead it).
    /// </summary>
    internal static string[] CSharpNamespacesDeclaredIn(string text)
    {
        var declared = new List<string>();
        var open = new List<(string Name, int Depth)>();
        int depth = 0, position = 0;
        foreach (Match match in CSharpNamespaceRegex().Matches(text))
        {
            for (; position < match.Index; position++)
            {
                depth += text[position] switch { '{' => 1, '}' => -1, _ => 0 };
            }

            while (open.Count > 0 && open[^1].Depth > depth)
            {
                open.RemoveAt(open.Count - 1);
            }

            var name = open.Count > 0 ? open[^1].Name + "." + match.Groups[1].Value : match.Groups[1].Value;
            declared.Add(name);
            var after = match.Index + match.Length;
            while (after < text.Length && char.IsWhiteSpace(text[after]))
            {
                after++;
            }

            if (after < text.Length && text[after] == '{')
            {
                open.Add((name, depth + 1));
            }
        }

        return declared.Distinct(StringComparer.Ordinal).ToArray();
    }

    [GeneratedRegex(@"^\s*namespace\s+([A-Za-z_][\w.]*)", RegexOptions.Multiline)]
    private static partial Regex CSharpNamespaceRegex();

    [GeneratedRegex(@"[A-Za-z_]\w*")]
    private static partial Regex IdentifierRegex();

    [GeneratedRegex(@"[./:\\]+")]
    private static partial Regex SeparatorRegex();

    /// <summary>compilerOptions.baseUrl and paths of one tsconfig file.</summary>
    internal sealed class TsPaths
    {
        private readonly string _baseDirectory;
        private readonly List<(string Pattern, string[] Replacements)> _paths = [];
        private readonly bool _hasBaseUrl;

        private TsPaths(string baseDirectory, bool hasBaseUrl)
        {
            _baseDirectory = baseDirectory;
            _hasBaseUrl = hasBaseUrl;
        }

        public static bool TryRead(string path, string text, out TsPaths paths)
        {
            paths = null!;
            try
            {
                using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                if (!document.RootElement.TryGetProperty("compilerOptions", out var options) || options.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                var directory = DirectoryOf(path);
                var hasBase = options.TryGetProperty("baseUrl", out var baseUrl) && baseUrl.ValueKind == JsonValueKind.String;
                paths = new TsPaths(Normalize(Join(directory, hasBase ? baseUrl.GetString()! : ".")), hasBase);
                if (options.TryGetProperty("paths", out var map) && map.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in map.EnumerateObject())
                    {
                        var replacements = entry.Value.ValueKind == JsonValueKind.Array
                            ? entry.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray()
                            : [];
                        paths._paths.Add((entry.Name, replacements));
                    }
                }

                return paths._hasBaseUrl || paths._paths.Count > 0;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        public IEnumerable<string> Candidates(string target)
        {
            foreach (var (pattern, replacements) in _paths)
            {
                var star = pattern.IndexOf('*');
                string? captured = null;
                if (star < 0 && pattern == target)
                {
                    captured = "";
                }
                else if (star >= 0 && target.Length >= pattern.Length - 1 && target.StartsWith(pattern[..star], StringComparison.Ordinal) && target.EndsWith(pattern[(star + 1)..], StringComparison.Ordinal))
                {
                    captured = target[star..(target.Length - (pattern.Length - star - 1))];
                }

                if (captured is not null)
                {
                    foreach (var replacement in replacements)
                    {
                        yield return Join(_baseDirectory, replacement.Replace("*", captured, StringComparison.Ordinal));
                    }
                }
            }

            if (_hasBaseUrl)
            {
                yield return Join(_baseDirectory, target);
            }
        }
    }
}

/// <summary>What import resolution reads from a file's text (see <see cref="ImportResolver.FactsOf"/>).</summary>
internal sealed class ImportFacts
{
    public string? GoModule { get; set; }

    public ImportResolver.TsPaths? TsConfig { get; set; }

    public string[] CSharpNamespaces { get; set; } = [];

    /// <summary>C#: the names of the types the file declares.</summary>
    public HashSet<string>? TypeNames { get; set; }

    /// <summary>C#: every identifier of the text (what the file may name).</summary>
    public HashSet<string>? Identifiers { get; set; }

    /// <summary>Python: line of an import → the <c>from X import names</c> statement that starts there.</summary>
    public Dictionary<int, (string Module, string Names)>? PythonFrom { get; set; }
}
