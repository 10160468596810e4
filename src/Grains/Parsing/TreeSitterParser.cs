// Parses one file with tree-sitter and extracts its definitions with the grammar's tags query
// (queries/<language>/tags*.scm next to the application). Thread-safe: compiled queries are shared
// (a TSQuery is read-only once built), parsers and query cursors are pooled per caller.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using static CodeIngest.Parsing.TreeSitterNative;

namespace CodeIngest.Parsing;

public sealed unsafe class TreeSitterParser : IDisposable
{
    /// <summary>How long one file may take to parse before it is given up (the parse returns an error).</summary>
    public static readonly TimeSpan DefaultParseBudget = TimeSpan.FromSeconds(5);

    /// <summary>Largest file parsed by default (4 MiB); a larger one is refused before parsing, with that reason.</summary>
    public const long DefaultMaxFileBytes = 4L * 1024 * 1024;

    /// <summary>
    /// Most syntax-tree nodes kept by default (2 million). A tree-sitter node costs the runtime a few dozen
    /// bytes, so this bounds one file's tree to roughly 100 MB; a larger tree is dropped before extraction.
    /// </summary>
    public const int DefaultMaxTreeNodes = 2_000_000;

    private const string DefinitionPrefix = "definition.";

    private readonly string _queriesDirectory;
    private readonly TimeSpan _parseBudget;
    private readonly ulong _parseBudgetMicros;
    private readonly long _maxFileBytes;
    private readonly int _maxTreeNodes;
    private readonly SemaphoreSlim _batchGate;
    private readonly ConcurrentDictionary<string, Lazy<CompiledLanguage>> _languages = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Worker> _workers = [];
    private int _disposed;
    private readonly Lazy<string> _fingerprint;

    /// <param name="queriesDirectory">Folder holding <c>&lt;language&gt;/tags*.scm</c>; default <c>queries/</c> under the application directory.</param>
    /// <param name="parseBudget">Time limit per file; default <see cref="DefaultParseBudget"/>.</param>
    /// <param name="maxFileBytes">Largest file parsed; default <see cref="DefaultMaxFileBytes"/>.</param>
    /// <param name="maxTreeNodes">Most syntax-tree nodes per file; default <see cref="DefaultMaxTreeNodes"/>.</param>
    /// <param name="batchThreads">Most batches <see cref="ParseBatchAsync"/> parses at once (each on its own thread); default one per processor.</param>
    public TreeSitterParser(string? queriesDirectory = null, TimeSpan? parseBudget = null, long? maxFileBytes = null, int? maxTreeNodes = null, int? batchThreads = null)
    {
        BatchThreads = batchThreads ?? Environment.ProcessorCount;
        if (BatchThreads <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchThreads), BatchThreads, "The number of batch threads must be positive.");
        }

        _batchGate = new SemaphoreSlim(BatchThreads, BatchThreads);

        _maxFileBytes = maxFileBytes ?? DefaultMaxFileBytes;
        if (_maxFileBytes <= 0 || _maxFileBytes > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFileBytes), _maxFileBytes, $"The file size limit must be between 1 and {uint.MaxValue} bytes.");
        }

        _maxTreeNodes = maxTreeNodes ?? DefaultMaxTreeNodes;
        if (_maxTreeNodes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTreeNodes), _maxTreeNodes, "The tree node limit must be positive.");
        }

        _queriesDirectory = queriesDirectory ?? Path.Combine(AppContext.BaseDirectory, "queries");
        _parseBudget = parseBudget ?? DefaultParseBudget;
        if (_parseBudget <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(parseBudget), _parseBudget, "The parse budget must be positive.");
        }

        _parseBudgetMicros = Math.Max(1UL, (ulong)Math.Ceiling(_parseBudget.TotalMicroseconds));
        _fingerprint = new Lazy<string>(ComputeFingerprint);
    }

    /// <summary>Most batches <see cref="ParseBatchAsync"/> parses at once.</summary>
    public int BatchThreads { get; }

    /// <summary>
    /// Parses <paramref name="files"/> in order on a thread-pool thread and returns one result per request (as
    /// <see cref="Parse"/>). At most <see cref="BatchThreads"/> batches parse at once; a batch over that waits
    /// without holding a thread. Parsing is native CPU work: more parsing threads than cores would only add
    /// context switches and evict each other's parse tables from the caches, and the process's other work
    /// (reads, the store writer) would wait behind them.
    /// </summary>
    public Task<ParsedFile[]> ParseBatchAsync(IReadOnlyList<ParseRequest> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return ParseBatchGate.RunAsync(_batchGate, () =>
        {
            var results = new ParsedFile[files.Count];
            for (var i = 0; i < files.Count; i++)
            {
                var file = files[i];
                results[i] = Parse(file.Path, file.Language, file.Content);
            }

            return results;
        }, cancellationToken);
    }

    /// <summary>Bump when the C# extraction logic changes what a parse yields for the same bytes.</summary>
    private const string ExtractionVersion = "2026-11-23.4";

    /// <summary>
    /// Identifies what this parser yields for given bytes: the native library (grammars), the query
    /// files and the extraction code version. Equal fingerprints and equal content give equal results,
    /// so a re-ingest may reuse a stored parse instead of parsing again.
    /// </summary>
    public string Fingerprint => _fingerprint.Value;

    private string ComputeFingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(ExtractionVersion));
        var library = Path.Combine(AppContext.BaseDirectory, "libcodeingest_treesitter.so");
        if (File.Exists(library))
        {
            hash.AppendData(File.ReadAllBytes(library));
        }

        if (Directory.Exists(_queriesDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(_queriesDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(_queriesDirectory, file)));
                hash.AppendData(File.ReadAllBytes(file));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>
    /// Parses <paramref name="utf8Content"/> as <paramref name="language"/> (a name from <see cref="Languages"/>)
    /// and returns its definitions sorted by start byte. Never throws for bad input: an unknown language,
    /// invalid UTF-8, a parse over budget or syntax errors are reported in <see cref="ParsedFile.Error"/>
    /// (with syntax errors, what parsed is kept).
    /// </summary>
    public ParsedFile Parse(string path, string language, ReadOnlySpan<byte> utf8Content)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(language);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var lines = CountLines(utf8Content);
        var info = Languages.FromName(language);
        if (info is null)
        {
            return Failed(path, language, lines,
                $"unknown language '{language}'; supported: {string.Join(", ", Languages.All.Select(l => l.Name))}");
        }

        if (utf8Content.Length > _maxFileBytes)
        {
            return Failed(path, info.Name, lines, $"file too large to parse: {utf8Content.Length} bytes, the limit is {_maxFileBytes} bytes");
        }

        if (!Utf8.IsValid(utf8Content))
        {
            return Failed(path, info.Name, lines, $"content is not valid UTF-8 (first invalid byte at offset {FirstInvalidUtf8(utf8Content)})");
        }

        var compiled = GetLanguage(info);
        if (compiled.Error is not null)
        {
            return Failed(path, info.Name, lines, compiled.Error);
        }

        var worker = Rent();
        try
        {
            var tree = ParseTree(worker.Parser, compiled.Language, utf8Content);
            if (tree == 0)
            {
                // A halted parse leaves state behind for resumption; drop it.
                ts_parser_reset(worker.Parser);
                return Failed(path, info.Name, lines, $"parsing took longer than the budget of {_parseBudget.TotalMilliseconds:0} ms");
            }

            try
            {
                var root = ts_tree_root_node(tree);
                var nodes = ts_node_descendant_count(root);
                if (nodes > (uint)_maxTreeNodes)
                {
                    return Failed(path, info.Name, lines, $"syntax tree too large: {nodes} nodes, the limit is {_maxTreeNodes} nodes");
                }

                var error = ts_node_has_error(root) != 0 ? DescribeFirstError(root) : null;
                var (definitions, references, metrics) = Extract(compiled, worker.QueryCursor, root, utf8Content);
                return new ParsedFile(path, info.Name, lines, definitions, error, references, metrics);
            }
            finally
            {
                ts_tree_delete(tree);
            }
        }
        finally
        {
            Return(worker);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        while (_workers.TryTake(out var worker))
        {
            worker.Dispose();
        }

        foreach (var language in _languages.Values)
        {
            if (language.IsValueCreated)
            {
                language.Value.Dispose();
            }
        }
    }

    /// <summary>The project's own definitions query of a language, copied next to the grammars' queries.</summary>
    internal const string ProjectQueryFile = "codeingest.scm";

    /// <summary>The project's own references query of a language (imports, calls, inheritance), appended to the definitions query.</summary>
    internal const string ReferencesQueryFile = "references.scm";

    /// <summary>Where the project's references query starts in a combined query source.</summary>
    internal const string ReferencesMarker = "; codeingest: references start here";

    /// <summary>A line in the project's references query that makes it replace the grammar's reference patterns (calls) instead of adding to them.</summary>
    internal const string OwnReferencesDirective = "; codeingest: own-references";

    /// <summary>A line in the project's query that makes it replace the grammar's tags instead of adding to them.</summary>
    internal const string ReplaceTagsDirective = "; codeingest: replace-tags";

    /// <summary>
    /// The definitions query of a language: inherited files (<c>tags.&lt;other&gt;.scm</c>, e.g. JavaScript's for
    /// TypeScript) first, then its own <c>tags.scm</c>, then the project's <c>codeingest.scm</c> (which may say
    /// <see cref="ReplaceTagsDirective"/> to be used alone). Where two patterns tag the same node with the same
    /// name, the more specific kind wins (see <see cref="KindRank"/>), so the project's query can refine a kind.
    /// </summary>
    internal static string LoadTagsQuerySource(string queriesDirectory, string language)
    {
        var directory = Path.Combine(queriesDirectory, language);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"no queries for language '{language}' in {directory}");
        }

        var project = Path.Combine(directory, ProjectQueryFile);
        var projectSource = File.Exists(project) ? File.ReadAllText(project) : null;
        var files = new List<string>();
        if (projectSource is null || !projectSource.Contains(ReplaceTagsDirective, StringComparison.Ordinal))
        {
            files.AddRange(Directory.GetFiles(directory, "tags.*.scm")
                .Where(f => Path.GetFileName(f) != "tags.scm")
                .Order(StringComparer.Ordinal));
            files.Add(Path.Combine(directory, "tags.scm"));
        }

        var source = new StringBuilder();
        foreach (var file in files.Where(File.Exists))
        {
            source.Append(File.ReadAllText(file)).Append('\n');
        }

        source.Append(projectSource).Append('\n');
        var references = Path.Combine(directory, ReferencesQueryFile);
        if (!File.Exists(references) && Languages.FromName(language)?.ReferencesOf is { } shared)
        {
            // One references query for two grammars of the same language (TSX uses TypeScript's).
            references = Path.Combine(queriesDirectory, shared, ReferencesQueryFile);
        }

        if (File.Exists(references))
        {
            source.Append(ReferencesMarker).Append('\n').Append(File.ReadAllText(references)).Append('\n');
        }

        return source.ToString().Trim().Length > 0 ? source.ToString() : throw new FileNotFoundException($"no tags.scm or {ProjectQueryFile} for language '{language}' in {directory}");
    }

    /// <summary>
    /// The reference kind of a capture name: <c>@reference.call</c> (and Ruby's <c>@reference.send</c>) are calls,
    /// <c>@reference.import</c> imports, <c>@reference.inherit</c> inheritance; other reference captures of the
    /// grammars' tags (class, type, module mentions) are not kept.
    /// </summary>
    internal static string? ReferenceKind(string captureName) => captureName switch
    {
        "reference.call" or "reference.send" => ReferenceKinds.Call,
        "reference.import" => ReferenceKinds.Import,
        "reference.inherit" => ReferenceKinds.Inherit,
        _ => null,
    };

    /// <summary>Disables every pattern that captures neither a <c>@definition.*</c> node nor a kept reference (<see cref="ReferenceKind"/>): nothing would be kept from them.</summary>
    internal static void DisableNonDefinitionPatterns(nint query)
    {
        var captureCount = ts_query_capture_count(query);
        var definitionCaptures = Enumerable.Range(0, (int)captureCount)
            .Where(i => CaptureName(query, (uint)i) is var name && (name.StartsWith(DefinitionPrefix, StringComparison.Ordinal) || ReferenceKind(name) is not null))
            .Select(i => (uint)i)
            .ToArray();
        var patternCount = ts_query_pattern_count(query);
        for (uint pattern = 0; pattern < patternCount; pattern++)
        {
            if (!definitionCaptures.Any(c => ts_query_capture_quantifier_for_id(query, pattern, c) != QuantifierZero))
            {
                ts_query_disable_pattern(query, pattern);
            }
        }
    }

    /// <summary>Disables the reference patterns that come before <paramref name="referencesStart"/> (the grammar's tags), for a language whose project query names its own.</summary>
    internal static void DisableGrammarReferencePatterns(nint query, uint referencesStart, string?[] referenceKinds)
    {
        var captureCount = ts_query_capture_count(query);
        var patternCount = ts_query_pattern_count(query);
        for (uint pattern = 0; pattern < patternCount; pattern++)
        {
            if (ts_query_start_byte_for_pattern(query, pattern) >= referencesStart)
            {
                continue;
            }

            for (uint capture = 0; capture < captureCount; capture++)
            {
                if (referenceKinds[capture] is not null && ts_query_capture_quantifier_for_id(query, pattern, capture) != QuantifierZero)
                {
                    ts_query_disable_pattern(query, pattern);
                    break;
                }
            }
        }
    }

    internal static int CountLines(ReadOnlySpan<byte> content) =>
        content.IsEmpty ? 0 : content.Count((byte)'\n') + (content[^1] == (byte)'\n' ? 0 : 1);

    private static ParsedFile Failed(string path, string language, int lines, string error) =>
        new(path, language, lines, [], error);

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> content)
    {
        var offset = 0;
        while (offset < content.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(content[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    private CompiledLanguage GetLanguage(LanguageInfo info) =>
        _languages.GetOrAdd(info.Name, static (_, state) => new Lazy<CompiledLanguage>(
            () => CompiledLanguage.Create(state.info, state.directory)), (info, directory: _queriesDirectory)).Value;

    private Worker Rent() => _workers.TryTake(out var worker) ? worker : new Worker();

    private void Return(Worker worker)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            worker.Dispose();
        }
        else
        {
            _workers.Add(worker);
        }
    }

    private nint ParseTree(nint parser, nint language, ReadOnlySpan<byte> content)
    {
        if (ts_parser_set_language(parser, language) == 0)
        {
            throw new InvalidOperationException("The tree-sitter runtime rejected the grammar (ABI version mismatch).");
        }

        // The budget is checked by a progress callback written in C (native/codeingest_parse.c), so the
        // parse never calls back into managed code. A managed [UnmanagedCallersOnly] progress callback
        // crashed the Release runtime under load on 2026-11-23 ("Fatal error. Invalid Program: attempted
        // to call a UnmanagedCallersOnly method from managed code" with ts_parser_parse_with_options on
        // the stack); ParserLimitsTests halts parses on several threads under forced collections.
        byte empty = 0;
        fixed (byte* data = content)
        {
            return codeingest_parse_with_budget(parser, 0, data != null ? data : &empty, (uint)content.Length, InputEncodingUtf8, _parseBudgetMicros);
        }
    }

    // Depth-first walk into the subtrees that contain an error, stopping at the first ERROR or MISSING node.
    private static string DescribeFirstError(TSNode root)
    {
        var cursor = ts_tree_cursor_new(root);
        try
        {
            while (true)
            {
                var node = ts_tree_cursor_current_node(&cursor);
                var isMissing = ts_node_is_missing(node) != 0;
                if (isMissing || ts_node_is_error(node) != 0)
                {
                    var point = ts_node_start_point(node);
                    var where = $"syntax error at line {point.Row + 1}, column {point.Column + 1}";
                    return isMissing ? $"{where} (missing {Marshal.PtrToStringUTF8((nint)ts_node_type(node))})" : where;
                }

                if (ts_node_has_error(node) != 0 && ts_tree_cursor_goto_first_child(&cursor) != 0)
                {
                    continue;
                }

                while (ts_tree_cursor_goto_next_sibling(&cursor) == 0)
                {
                    if (ts_tree_cursor_goto_parent(&cursor) == 0)
                    {
                        var point = ts_node_start_point(root);
                        return $"syntax error at line {point.Row + 1}, column {point.Column + 1}";
                    }
                }
            }
        }
        finally
        {
            ts_tree_cursor_delete(&cursor);
        }
    }

    private static (Definition[] Definitions, Reference[] References, CodeMetrics Metrics) Extract(
        CompiledLanguage compiled, nint queryCursor, TSNode root, ReadOnlySpan<byte> content)
    {
        var raw = new List<RawDefinition>();
        var references = new List<RawReference>();
        if (compiled.Query != 0)
        {
            CollectMatches(compiled, queryCursor, root, content, raw, references);
        }

        return CodeAnalysis.Analyze(compiled.Name, compiled.Table, root, content, raw, references);
    }

    private static void CollectMatches(CompiledLanguage compiled, nint queryCursor, TSNode root, ReadOnlySpan<byte> content,
        List<RawDefinition> definitions, List<RawReference> references)
    {
        ts_query_cursor_exec(queryCursor, compiled.Query, root);
        var seen = new Dictionary<(int Start, int End, string Name), int>();
        var seenReferences = new Dictionary<(string Kind, int NameStart), int>();
        var definitionNames = new HashSet<int>();
        TSQueryMatch match;
        while (ts_query_cursor_next_match(queryCursor, &match) != 0)
        {
            var captures = new ReadOnlySpan<TSQueryCapture>(match.Captures, match.CaptureCount);
            string? kind = null, referenceKind = null;
            TSNode definitionNode = default, nameNode = default, qualifierNode = default, receiverNode = default;
            bool hasName = false, hasQualifier = false, hasReceiver = false;
            foreach (ref readonly var capture in captures)
            {
                if (kind is null && referenceKind is null && compiled.KindByCapture[capture.Index] is { } captureKind)
                {
                    kind = captureKind;
                    definitionNode = capture.Node;
                }
                else if (kind is null && referenceKind is null && compiled.ReferenceKindByCapture[capture.Index] is { } captureReference)
                {
                    referenceKind = captureReference;
                    definitionNode = capture.Node;
                }
                else if (!hasName && capture.Index == compiled.NameCapture)
                {
                    nameNode = capture.Node;
                    hasName = true;
                }
                else if (!hasQualifier && capture.Index == compiled.QualifierCapture)
                {
                    qualifierNode = capture.Node;
                    hasQualifier = true;
                }
                else if (!hasReceiver && capture.Index == compiled.ReceiverCapture)
                {
                    receiverNode = capture.Node;
                    hasReceiver = true;
                }
            }

            if ((kind is null && referenceKind is null) || !hasName)
            {
                continue;
            }

            if (compiled.PredicatesByPattern[match.PatternIndex] is { } predicates && !QueryPredicate.AllHold(predicates, captures, content))
            {
                continue;
            }

            if (kind is not null && compiled.Name is "c" or "cpp")
            {
                if (IsExportMacroSpecifier(definitionNode))
                {
                    continue;
                }

                nameNode = NameAfterMacro(nameNode, content);
            }

            var nameStart = (int)ts_node_start_byte(nameNode);
            if (referenceKind is not null)
            {
                var referenceName = Encoding.UTF8.GetString(content[nameStart..(referenceKind == ReferenceKinds.Import ? DottedPathEnd(nameNode, content) : (int)ts_node_end_byte(nameNode))]);
                var receiver = hasReceiver ? receiverNode : (TSNode?)null;
                var source = hasQualifier ? Text(content, qualifierNode) : null;
                var nameLine = (int)ts_node_start_point(nameNode).Row + 1;
                if (referenceKind == ReferenceKinds.Inherit && referenceName.AsSpan().Trim().ContainsAny(" \t\r\n"))
                {
                    // A word list names several bases (Perl's `use base qw(A B)`): one reference per word, at the word.
                    foreach (var (word, offset) in Words(referenceName))
                    {
                        var before = referenceName.AsSpan(0, offset);
                        AddReference(compiled.Name, referenceKind, word, nameStart + Encoding.UTF8.GetByteCount(before), nameLine + before.Count('\n'),
                            definitionNode, receiver, source, content, references, seenReferences);
                    }

                    continue;
                }

                AddReference(compiled.Name, referenceKind, referenceName, nameStart, nameLine, definitionNode, receiver, source, content, references, seenReferences);
                continue;
            }

            var name = Encoding.UTF8.GetString(content[nameStart..(int)ts_node_end_byte(nameNode)]);
            definitionNode = WidenDeclarator(definitionNode);
            var endNode = BodyAfterSignature(definitionNode);
            var startByte = (int)ts_node_start_byte(definitionNode);
            var endByte = (int)ts_node_end_byte(endNode);
            var startPoint = ts_node_start_point(definitionNode);
            var endPoint = ts_node_end_point(endNode);
            var definition = new RawDefinition
            {
                Name = name,
                Kind = kind!,
                StartLine = (int)startPoint.Row + 1,
                EndLine = EndLine(content, startByte, endByte, endPoint),
                StartByte = startByte,
                EndByte = endByte,
                Node = definitionNode,
                Qualifier = hasQualifier ? Text(content, qualifierNode) : null,
            };

            // The same node tagged twice (Rust: a method is also a function_item) keeps the more specific kind
            // and whichever match named the type it belongs to.
            if (seen.TryGetValue((startByte, endByte, name), out var existing))
            {
                var before = definitions[existing];
                if (KindRank(kind!) > KindRank(before.Kind))
                {
                    definition.Qualifier ??= before.Qualifier;
                    definitions[existing] = definition;
                }
                else if (before.Qualifier is null && definition.Qualifier is not null)
                {
                    before.Qualifier = definition.Qualifier;
                    definitions[existing] = before;
                }

                continue;
            }

            seen[(startByte, endByte, name)] = definitions.Count;
            definitions.Add(definition);
            definitionNames.Add(nameStart);
        }

        // A definition's own head parsed as a call (Elixir's "def greet(name)") is not a call.
        if (definitionNames.Count > 0)
        {
            references.RemoveAll(r => r.Kind == ReferenceKinds.Call && definitionNames.Contains(r.Position));
        }
    }

    // Where an imported path ends when the grammar splits it into sibling nodes joined by dots (Scala's
    // `import scala.collection.mutable` is three identifiers): the end of the last such sibling.
    private static int DottedPathEnd(TSNode first, ReadOnlySpan<byte> content)
    {
        var type = NodeType(first);
        var current = first;
        while (true)
        {
            var next = ts_node_next_named_sibling(current);
            if (ts_node_is_null(next) != 0 || !NodeType(next).SequenceEqual(type)
                || !content[(int)ts_node_end_byte(current)..(int)ts_node_start_byte(next)].Trim(" \t\r\n"u8).SequenceEqual("."u8))
            {
                return (int)ts_node_end_byte(current);
            }

            current = next;
        }
    }

    // C and C++ headers put attribute macros between the type and the name (`void __DEFAULT_FN_ATTRS\n__llwpcb(void *p)`):
    // the grammar takes the macro as the declarator and leaves the real name in an ERROR node before the parameters.
    // glibc also wraps the whole declarator (`double __NTH (atof (const char *p))`): there the name is the wrapped one.
    private static TSNode NameAfterMacro(TSNode name, ReadOnlySpan<byte> content)
    {
        var declarator = ts_node_parent(name);
        if (ts_node_is_null(declarator) != 0 || !NodeType(declarator).SequenceEqual("function_declarator"u8))
        {
            return name;
        }

        var macro = name;
        var error = ts_node_next_named_sibling(name);
        if (ts_node_is_null(error) == 0 && ts_node_is_error(error) != 0 && ts_node_named_child_count(error) == 1
            && NodeType(ts_node_named_child(error, 0)).SequenceEqual("identifier"u8))
        {
            macro = ts_node_named_child(error, 0);
        }

        // Only a macro-looking name (__NTH, ALL_CAPS) wraps a declarator; `int f(handler (int))` stays f.
        var macroName = content[(int)ts_node_start_byte(macro)..(int)ts_node_end_byte(macro)];
        if (!macroName.StartsWith("__"u8) && macroName.ContainsAnyInRange((byte)'a', (byte)'z'))
        {
            return macro;
        }

        var parameters = ChildByField(declarator, "parameters"u8);
        if (ts_node_is_null(parameters) == 0 && ts_node_named_child_count(parameters) == 1)
        {
            var only = ts_node_named_child(parameters, 0);
            var type = ChildByField(only, "type"u8);
            var inner = ChildByField(only, "declarator"u8);
            if (NodeType(only).SequenceEqual("parameter_declaration"u8) && ts_node_is_null(type) == 0 && NodeType(type).SequenceEqual("type_identifier"u8)
                && ts_node_end_byte(type) > ts_node_start_byte(type) && ts_node_is_null(inner) == 0 && NodeType(inner).SequenceEqual("abstract_function_declarator"u8))
            {
                return type;
            }
        }

        return macro;
    }

    // `class V8_EXPORT Name {…}` parses as a function definition Name whose type is a class named V8_EXPORT: the
    // project's query tags Name as the class; the macro is no class.
    private static bool IsExportMacroSpecifier(TSNode node)
    {
        var type = NodeType(node);
        if (!type.SequenceEqual("class_specifier"u8) && !type.SequenceEqual("struct_specifier"u8))
        {
            return false;
        }

        var parent = ts_node_parent(node);
        if (ts_node_is_null(parent) != 0 || !NodeType(parent).SequenceEqual("function_definition"u8))
        {
            return false;
        }

        var declarator = ChildByField(parent, "declarator"u8);
        var body = ChildByField(parent, "body"u8);
        return ts_node_is_null(declarator) == 0 && NodeType(declarator).SequenceEqual("identifier"u8)
            && ts_node_is_null(body) == 0 && NodeType(body).SequenceEqual("compound_statement"u8);
    }

    // The whitespace-separated words of a text, with their character offsets.
    private static IEnumerable<(string Word, int Offset)> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var blank = i == text.Length || char.IsWhiteSpace(text[i]);
            if (!blank && start < 0)
            {
                start = i;
            }
            else if (blank && start >= 0)
            {
                yield return (text[start..i], start);
                start = -1;
            }
        }
    }

    private static void AddReference(string language, string kind, string name, int nameStart, int line, TSNode referenceNode, TSNode? receiverNode, string? source,
        ReadOnlySpan<byte> content, List<RawReference> references, Dictionary<(string Kind, int NameStart), int> seen)
    {
        string target;
        string? receiver;
        if (kind == ReferenceKinds.Import)
        {
            target = CodeAnalysis.CleanImport(name);
            receiver = CodeAnalysis.ImportReceiver(language, target);
        }
        else
        {
            // A base type with type arguments (Kotlin's Comparable<Shape>) is the base type.
            target = kind == ReferenceKinds.Inherit && name.IndexOf('<') is > 0 and var generic ? name[..generic].TrimEnd() : name;

            // Make's `$(call name,args)` gives the name and its arguments as one text: the name ends at the first comma.
            if (language == "make" && kind == ReferenceKinds.Call && target.IndexOf(',') is >= 0 and var comma)
            {
                target = target[..comma].Trim();
            }

            receiver = receiverNode is { } explicitReceiver
                ? Text(content, explicitReceiver)
                : kind == ReferenceKinds.Call ? CodeAnalysis.ReceiverBefore(content, (int)ts_node_start_byte(referenceNode), nameStart) : null;
        }

        // Operators some grammars tag as calls (OCaml's *. or :=) and definition keywords parsed as calls (Elixir's def) are not calls users look for.
        if (target.Length == 0 || (kind == ReferenceKinds.Call && (!target.Any(c => char.IsLetter(c) || c == '_') || NotCalls.Contains((language, target)))))
        {
            return;
        }

        var reference = new RawReference
        {
            Kind = kind,
            Target = target,
            Line = line,
            Position = nameStart,
            Receiver = receiver,
            Source = source,
        };

        // Two patterns matching the same name (the grammar's tags and the project's query) count once; the one that knows the receiver wins.
        if (seen.TryGetValue((kind, nameStart), out var existing))
        {
            if (references[existing].Receiver is null && receiver is not null)
            {
                references[existing] = reference;
            }

            return;
        }

        seen[(kind, nameStart)] = references.Count;
        references.Add(reference);
    }

    private static readonly HashSet<(string Language, string Name)> NotCalls =
    [
        .. new[]
        {
            "def", "defp", "defmodule", "defmacro", "defmacrop", "defstruct", "defprotocol", "defimpl", "defdelegate", "defguard",
            "defguardp", "defexception", "defoverridable", "moduledoc", "doc", "spec", "type", "typep", "opaque", "callback",
            "alias", "import", "require", "use", "quote", "unquote", "behaviour", "behavior", "impl",
        }.Select(n => ("elixir", n)),
    ];

    private static string Text(ReadOnlySpan<byte> content, TSNode node) =>
        Encoding.UTF8.GetString(content[(int)ts_node_start_byte(node)..(int)ts_node_end_byte(node)]);

    // C and C++ tag a function by its function_declarator (name and parameters only). Use the
    // enclosing function_definition instead so the range covers the body, as for other languages.
    private static TSNode WidenDeclarator(TSNode node)
    {
        if (!NodeType(node).SequenceEqual("function_declarator"u8))
        {
            return node;
        }

        var parent = ts_node_parent(node);
        while (ts_node_is_null(parent) == 0 && NodeType(parent).EndsWith("_declarator"u8))
        {
            parent = ts_node_parent(parent);
        }

        return ts_node_is_null(parent) == 0 && NodeType(parent).SequenceEqual("function_definition"u8) ? parent : node;
    }

    // The last line of a definition: the line of its last non-blank byte. Some grammars (Make rules,
    // Markdown sections) end a node after the blank lines that follow it; a node that ends at column 0
    // ends with the previous line's newline.
    private static int EndLine(ReadOnlySpan<byte> content, int startByte, int endByte, TSPoint endPoint)
    {
        var last = endByte;
        while (last > startByte && content[last - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            last--;
        }

        var trimmedNewlines = content[last..endByte].Count((byte)'\n');
        if (trimmedNewlines == 0)
        {
            return endPoint.Column == 0 && endByte > startByte ? (int)endPoint.Row : (int)endPoint.Row + 1;
        }

        // endPoint.Row counts every newline before endByte; drop those in the trimmed tail.
        return (int)endPoint.Row - trimmedNewlines + 1;
    }

    // Dart puts a function's body next to its signature rather than under it: the range runs to the body's end.
    private static TSNode BodyAfterSignature(TSNode node)
    {
        var next = ts_node_next_named_sibling(node);
        return ts_node_is_null(next) == 0 && NodeType(next).SequenceEqual("function_body"u8) ? next : node;
    }

    // When two patterns tag the same node with the same name, the higher rank wins: a function in a class
    // body is a method, a class with an enum body is an enum, a Go type with a struct body is a struct,
    // a Rust type alias (which the grammar tags as a class) is a type.
    private static int KindRank(string kind) => kind switch
    {
        "function" => 0,
        "class" => 1,
        "type" => 2,
        _ => 3,
    };

    private sealed class Worker : IDisposable
    {
        public nint Parser { get; } = ts_parser_new();

        public nint QueryCursor { get; } = ts_query_cursor_new();

        public void Dispose()
        {
            ts_parser_delete(Parser);
            ts_query_cursor_delete(QueryCursor);
        }
    }

    private sealed class CompiledLanguage : IDisposable
    {
        private CompiledLanguage(string? error) => Error = error;

        /// <summary>Why the language cannot be used (missing query, library or grammar); null when it can.</summary>
        public string? Error { get; }

        public nint Language { get; private init; }

        public nint Query { get; private init; }

        /// <summary>Per capture id: the definition kind for <c>@definition.*</c> captures, otherwise null.</summary>
        public string?[] KindByCapture { get; private init; } = [];

        /// <summary>Per capture id: the reference kind for kept <c>@reference.*</c> captures (<see cref="ReferenceKind"/>), otherwise null.</summary>
        public string?[] ReferenceKindByCapture { get; private init; } = [];

        public uint NameCapture { get; private init; } = uint.MaxValue;

        /// <summary><c>@qualifier</c>: the type a definition outside its type's body belongs to (Go receivers, Rust impls).</summary>
        public uint QualifierCapture { get; private init; } = uint.MaxValue;

        /// <summary><c>@receiver</c>: the object a call is made on, when the query names it.</summary>
        public uint ReceiverCapture { get; private init; } = uint.MaxValue;

        public string Name { get; private init; } = "";

        public NodeTable Table { get; private init; } = null!;

        public QueryPredicate[]?[] PredicatesByPattern { get; private init; } = [];

        public static CompiledLanguage Create(LanguageInfo info, string queriesDirectory)
        {
            string? source;
            nint language;
            try
            {
                source = info.Definitions ? LoadTagsQuerySource(queriesDirectory, info.Name) : null;
                language = TreeSitterNative.Language(info.Grammar);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or InvalidOperationException or BadImageFormatException)
            {
                return new CompiledLanguage($"{info.Name} cannot be parsed here: {ex.Message}");
            }

            if (source is null)
            {
                // A data or markup language: parsed (syntax errors are reported) but nothing is extracted.
                return new CompiledLanguage(null) { Language = language, Name = info.Name, Table = NodeTable.Create(language, info.Name) };
            }

            var bytes = Encoding.UTF8.GetBytes(source);
            uint errorOffset, errorType;
            nint query;
            fixed (byte* p = bytes)
            {
                query = ts_query_new(language, p, (uint)bytes.Length, &errorOffset, &errorType);
            }

            if (query == 0)
            {
                var near = Encoding.UTF8.GetString(bytes, (int)errorOffset, Math.Min(40, bytes.Length - (int)errorOffset));
                return new CompiledLanguage($"the tags query of {info.Name} does not compile (error {errorType} at offset {errorOffset}, near '{near}')");
            }

            var captureCount = ts_query_capture_count(query);
            var kinds = new string?[captureCount];
            var referenceKinds = new string?[captureCount];
            uint nameCapture = uint.MaxValue, qualifierCapture = uint.MaxValue, receiverCapture = uint.MaxValue;
            for (uint i = 0; i < captureCount; i++)
            {
                var captureName = CaptureName(query, i);
                if (captureName.StartsWith(DefinitionPrefix, StringComparison.Ordinal))
                {
                    kinds[i] = captureName[DefinitionPrefix.Length..];
                }
                else if (ReferenceKind(captureName) is { } referenceKind)
                {
                    referenceKinds[i] = referenceKind;
                }
                else if (captureName == "name")
                {
                    nameCapture = i;
                }
                else if (captureName == "qualifier")
                {
                    qualifierCapture = i;
                }
                else if (captureName == "receiver")
                {
                    receiverCapture = i;
                }
            }

            DisableNonDefinitionPatterns(query);
            var marker = source.IndexOf(ReferencesMarker, StringComparison.Ordinal);
            if (marker >= 0 && source.IndexOf(OwnReferencesDirective, marker, StringComparison.Ordinal) >= 0)
            {
                DisableGrammarReferencePatterns(query, (uint)Encoding.UTF8.GetByteCount(source.AsSpan(0, marker)), referenceKinds);
            }
            var patternCount = ts_query_pattern_count(query);
            var predicates = new QueryPredicate[]?[patternCount];
            for (uint pattern = 0; pattern < patternCount; pattern++)
            {
                if (!QueryPredicate.TryParse(query, pattern, out predicates[pattern]))
                {
                    // A predicate this runtime cannot evaluate (e.g. a regex .NET rejects): drop the pattern rather than over-report.
                    ts_query_disable_pattern(query, pattern);
                }
            }

            return new CompiledLanguage(null)
            {
                Language = language,
                Query = query,
                KindByCapture = kinds,
                ReferenceKindByCapture = referenceKinds,
                NameCapture = nameCapture,
                QualifierCapture = qualifierCapture,
                ReceiverCapture = receiverCapture,
                Name = info.Name,
                Table = NodeTable.Create(language, info.Name),
                PredicatesByPattern = predicates,
            };
        }

        public void Dispose()
        {
            if (Query != 0)
            {
                ts_query_delete(Query);
            }
        }
    }
}

/// <summary>Runs CPU-bound work on the thread pool once the gate lets it in (outside the parser's unsafe context, which cannot await).</summary>
internal static class ParseBatchGate
{
    public static async Task<T> RunAsync<T>(SemaphoreSlim gate, Func<T> work, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
