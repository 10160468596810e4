// P/Invoke bindings to libcodeingest_treesitter.so (tree-sitter 0.25 runtime + grammars), built by
// native/build-treesitter.sh. Only what the parser and the benchmark use. C bool is one byte and is
// returned here as byte to keep the stubs free of marshalling.
using System.Reflection;
using System.Runtime.InteropServices;

namespace CodeIngest.Parsing;

[StructLayout(LayoutKind.Sequential)]
internal struct TSPoint
{
    public uint Row;
    public uint Column;
}

/// <summary>32 bytes, passed by value: four context words, the subtree id and the tree.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TSNode
{
    public uint Context0;
    public uint Context1;
    public uint Context2;
    public uint Context3;
    public nint Id;
    public nint Tree;
}

/// <summary>40 bytes: the node, the capture index, then padding.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TSQueryCapture
{
    public TSNode Node;
    public uint Index;
}

/// <summary>16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TSQueryMatch
{
    public uint Id;
    public ushort PatternIndex;
    public ushort CaptureCount;
    public TSQueryCapture* Captures;
}

internal enum TSQueryPredicateStepType : uint
{
    Done = 0,
    Capture = 1,
    String = 2,
}

[StructLayout(LayoutKind.Sequential)]
internal struct TSQueryPredicateStep
{
    public TSQueryPredicateStepType Type;
    public uint ValueId;
}

[StructLayout(LayoutKind.Sequential)]
internal struct TSTreeCursor
{
    public nint Tree;
    public nint Id;
    public uint Context0;
    public uint Context1;
    public uint Context2;
}

/// <summary>A byte range (codeingest_walk.c's CodeIngestSpan).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CodeIngestSpan
{
    public uint Start;
    public uint End;
}

/// <summary>A decision or nesting event (codeingest_walk.c's CodeIngestEvent).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CodeIngestEvent
{
    public uint Position;
    public int Kind;
    public int Level;
}

/// <summary>What one native metrics walk found; the arrays belong to the native library (codeingest_walk_free).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CodeIngestWalk
{
    public CodeIngestSpan* Comments;
    public uint CommentCount;
    public uint CommentCapacity;
    public CodeIngestEvent* Events;
    public uint EventCount;
    public uint EventCapacity;
}

// [SuppressGCTransition] marks the node and cursor accessors: each is a few instructions over the tree (no
// allocation, no blocking, no callback into managed code), called once or more per node, so the GC transition
// would cost more than the call. Parsing, queries and anything that allocates keep the normal transition.
internal static unsafe partial class TreeSitterNative
{
    public const string LibraryName = "codeingest_treesitter";
    public const string LibraryFileName = "libcodeingest_treesitter.so";

    /// <summary>TSQuantifierZero: the capture does not occur in the pattern.</summary>
    public const int QuantifierZero = 0;

    private static readonly Lazy<nint> LazyLibrary = new(LoadLibrary);

    static TreeSitterNative()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(TreeSitterNative).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Another resolver is already set for this assembly; default probing (app directory) still applies.
        }
    }

    /// <summary>The handle of the loaded library (loaded on first use).</summary>
    public static nint Library => LazyLibrary.Value;

    /// <summary>The TSLanguage* of a grammar: calls <c>tree_sitter_&lt;grammar&gt;()</c>.</summary>
    public static nint Language(string grammar)
    {
        if (!NativeLibrary.TryGetExport(Library, "tree_sitter_" + grammar, out var export))
        {
            throw new InvalidOperationException($"{LibraryFileName} has no grammar 'tree_sitter_{grammar}'; rebuild it from native/grammars.lock.json.");
        }

        return ((delegate* unmanaged<nint>)export)();
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibraryName ? Library : 0;

    // The library is copied next to the application (see native/TreeSitter.targets); look there
    // first, then next to this assembly, then let the runtime probe.
    private static nint LoadLibrary()
    {
        foreach (var directory in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(TreeSitterNative).Assembly.Location) })
        {
            if (string.IsNullOrEmpty(directory))
            {
                continue;
            }

            var candidate = Path.Combine(directory, LibraryFileName);
            if (File.Exists(candidate))
            {
                return NativeLibrary.Load(candidate);
            }
        }

        return NativeLibrary.Load(LibraryName, typeof(TreeSitterNative).Assembly, null);
    }

    [LibraryImport(LibraryName)]
    public static partial nint ts_parser_new();

    [LibraryImport(LibraryName)]
    public static partial void ts_parser_delete(nint parser);

    [LibraryImport(LibraryName)]
    public static partial byte ts_parser_set_language(nint parser, nint language);

    [LibraryImport(LibraryName)]
    public static partial void ts_parser_reset(nint parser);

    [LibraryImport(LibraryName)]
    public static partial nint ts_parser_parse_string(nint parser, nint oldTree, byte* source, uint length);

    /// <summary>TSInputEncodingUTF8.</summary>
    public const uint InputEncodingUtf8 = 0;

    /// <summary>
    /// Our own C function (native/codeingest_parse.c): parses <paramref name="length"/> bytes through
    /// ts_parser_parse_with_options with a C progress callback that halts the parse once
    /// <paramref name="budgetMicros"/> (0: none) have passed on the monotonic clock. Returns the tree,
    /// or 0 when halted (call <see cref="ts_parser_reset"/> before the parser's next parse).
    /// </summary>
    [LibraryImport(LibraryName)]
    public static partial nint codeingest_parse_with_budget(nint parser, nint oldTree, byte* text, uint length, uint encoding, ulong budgetMicros);

    /// <summary>
    /// Our own C function (native/codeingest_walk.c): the metrics walk over the tree under <paramref name="root"/>
    /// (comments, decision and nesting events, each function's starting nesting level). Returns 0, or -1 when
    /// memory ran out; release <paramref name="walk"/> with <see cref="codeingest_walk_free"/> either way.
    /// </summary>
    [LibraryImport(LibraryName)]
    public static partial int codeingest_walk(TSNode root, byte* table, uint tableLength, uint* functionStarts, uint functionCount, int* baseLevels, CodeIngestWalk* walk);

    [LibraryImport(LibraryName)]
    public static partial void codeingest_walk_free(CodeIngestWalk* walk);

    [LibraryImport(LibraryName)]
    public static partial void ts_tree_delete(nint tree);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSNode ts_tree_root_node(nint tree);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial uint ts_node_descendant_count(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial uint ts_node_start_byte(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial uint ts_node_end_byte(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSPoint ts_node_start_point(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSPoint ts_node_end_point(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial byte ts_node_has_error(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial byte ts_node_is_error(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial byte ts_node_is_missing(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial byte* ts_node_type(TSNode node);

    [LibraryImport(LibraryName)]
    public static partial TSNode ts_node_parent(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSNode ts_node_next_named_sibling(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial byte ts_node_is_null(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial ushort ts_node_symbol(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSNode ts_node_prev_sibling(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSNode ts_node_child_by_field_name(TSNode node, byte* name, uint nameLength);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial uint ts_node_named_child_count(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSNode ts_node_named_child(TSNode node, uint index);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial uint ts_node_child_count(TSNode node);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSNode ts_node_child(TSNode node, uint index);

    [LibraryImport(LibraryName)]
    public static partial uint ts_language_symbol_count(nint language);

    [LibraryImport(LibraryName)]
    public static partial byte* ts_language_symbol_name(nint language, ushort symbol);

    /// <summary>TSSymbolType: 0 regular (named), 1 anonymous, 2 supertype, 3 auxiliary.</summary>
    [LibraryImport(LibraryName)]
    public static partial int ts_language_symbol_type(nint language, ushort symbol);

    /// <summary>The child of <paramref name="node"/> in field <paramref name="field"/> (UTF-8), or a null node.</summary>
    public static TSNode ChildByField(TSNode node, ReadOnlySpan<byte> field)
    {
        fixed (byte* name = field)
        {
            return ts_node_child_by_field_name(node, name, (uint)field.Length);
        }
    }

    /// <summary>The node's type name (UTF-8, static storage in the grammar).</summary>
    public static ReadOnlySpan<byte> NodeType(TSNode node) =>
        System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(ts_node_type(node));

    [LibraryImport(LibraryName)]
    public static partial TSTreeCursor ts_tree_cursor_new(TSNode node);

    [LibraryImport(LibraryName)]
    public static partial void ts_tree_cursor_delete(TSTreeCursor* cursor);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial TSNode ts_tree_cursor_current_node(TSTreeCursor* cursor);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial byte ts_tree_cursor_goto_first_child(TSTreeCursor* cursor);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial byte ts_tree_cursor_goto_next_sibling(TSTreeCursor* cursor);

    [LibraryImport(LibraryName)]
    [SuppressGCTransition]
    public static partial byte ts_tree_cursor_goto_parent(TSTreeCursor* cursor);

    [LibraryImport(LibraryName)]
    public static partial nint ts_query_new(nint language, byte* source, uint length, uint* errorOffset, uint* errorType);

    [LibraryImport(LibraryName)]
    public static partial void ts_query_delete(nint query);

    [LibraryImport(LibraryName)]
    public static partial uint ts_query_pattern_count(nint query);

    [LibraryImport(LibraryName)]
    public static partial uint ts_query_capture_count(nint query);

    [LibraryImport(LibraryName)]
    public static partial byte* ts_query_capture_name_for_id(nint query, uint index, uint* length);

    [LibraryImport(LibraryName)]
    public static partial byte* ts_query_string_value_for_id(nint query, uint index, uint* length);

    [LibraryImport(LibraryName)]
    public static partial int ts_query_capture_quantifier_for_id(nint query, uint patternIndex, uint captureIndex);

    [LibraryImport(LibraryName)]
    public static partial TSQueryPredicateStep* ts_query_predicates_for_pattern(nint query, uint patternIndex, uint* stepCount);

    [LibraryImport(LibraryName)]
    public static partial void ts_query_disable_pattern(nint query, uint patternIndex);

    [LibraryImport(LibraryName)]
    public static partial uint ts_query_start_byte_for_pattern(nint query, uint patternIndex);

    [LibraryImport(LibraryName)]
    public static partial nint ts_query_cursor_new();

    [LibraryImport(LibraryName)]
    public static partial void ts_query_cursor_delete(nint cursor);

    [LibraryImport(LibraryName)]
    public static partial void ts_query_cursor_exec(nint cursor, nint query, TSNode node);

    [LibraryImport(LibraryName)]
    public static partial byte ts_query_cursor_next_match(nint cursor, TSQueryMatch* match);

    /// <summary>A capture name or string literal of a query, decoded from UTF-8.</summary>
    public static string CaptureName(nint query, uint id)
    {
        uint length;
        var name = ts_query_capture_name_for_id(query, id, &length);
        return System.Text.Encoding.UTF8.GetString(name, (int)length);
    }

    public static string StringValue(nint query, uint id)
    {
        uint length;
        var value = ts_query_string_value_for_id(query, id, &length);
        return System.Text.Encoding.UTF8.GetString(value, (int)length);
    }
}
