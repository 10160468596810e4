// What the parser derives from a tree beyond the query matches: qualified names (Class.method),
// signatures, doc comments, which definition encloses each reference, and metrics per file and per
// function (lines, code and comment lines, cyclomatic and cognitive complexity, nesting, parameters).
// One pre-order walk of the tree classifies nodes by grammar symbol through a per-language table.
using System.Text;
using static CodeIngest.Parsing.TreeSitterNative;

namespace CodeIngest.Parsing;

/// <summary>A definition as matched by the query, before qualification and metrics.</summary>
internal struct RawDefinition
{
    public string Name;
    public string Kind;
    public int StartLine;
    public int EndLine;
    public int StartByte;
    public int EndByte;
    public TSNode Node;

    /// <summary>A type named by the query for a definition outside its type's body (a Go method's receiver, a Rust impl's type).</summary>
    public string? Qualifier;
}

/// <summary>A reference as matched by the query; its source is filled in from the enclosing definition.</summary>
internal struct RawReference
{
    public string Kind;
    public string Target;
    public int Line;
    public int Position;
    public string? Receiver;

    /// <summary>Set by the query (<c>@qualifier</c>) where the deriving type does not enclose the reference (a Rust <c>impl Trait for Type</c>).</summary>
    public string? Source;
}

/// <summary>How a grammar symbol counts for metrics.</summary>
internal enum NodeCategory : byte
{
    None,
    Comment,

    /// <summary>A decision that nests (if, loops, catch, ternary): +1 cyclomatic, +1 plus nesting cognitive.</summary>
    Branch,

    /// <summary>A decision that does not nest (else-if, case arms): +1 cyclomatic, +1 cognitive.</summary>
    FlatBranch,

    /// <summary>A structure that nests without deciding itself (switch, try, match).</summary>
    Nesting,

    /// <summary>A binary expression: +1 when its operator is a logical and/or.</summary>
    Binary,

    /// <summary>A node that is always a logical and/or (Python's boolean_operator).</summary>
    Logical,

    /// <summary>The anonymous token of a logical operator (&amp;&amp;, ||, and, or).</summary>
    LogicalToken,

    ParameterList,
}

/// <summary>Per-language classification of grammar symbols, built once per compiled language.</summary>
internal sealed class NodeTable
{
    // Decision node names across the grammars; a name only counts where the grammar has a named node
    // of that name (anonymous keyword tokens such as C's "if" never match).
    private static readonly string[] CommonBranches =
    [
        "if_statement", "if_expression", "for_statement", "for_in_statement", "for_of_statement", "for_range_loop",
        "enhanced_for_statement", "foreach_statement", "for_expression", "while_statement", "while_expression",
        "do_statement", "do_while_statement", "loop_expression", "repeat_statement", "c_style_for_statement",
        "catch_clause", "except_clause", "conditional_expression", "ternary_expression", "guard_statement",
        "if_let_expression", "while_let_expression",
    ];

    private static readonly string[] CommonFlatBranches =
    [
        "elif_clause", "else_if_clause", "elseif_statement", "elseif_clause", "case_clause", "switch_case",
        "case_statement", "switch_section", "switch_label", "expression_case", "type_case", "communication_case",
        "match_arm", "when_entry", "switch_entry", "switch_expression_arm", "case_item",
    ];

    private static readonly string[] CommonNesting =
    [
        "switch_statement", "switch_expression", "match_expression", "match_statement", "try_statement",
        "try_expression", "when_expression", "select_statement", "expression_switch_statement", "type_switch_statement",
    ];

    private static readonly string[] CommonBinary = ["binary_expression", "binary", "logical_expression", "binary_operator"];

    private static readonly string[] CommonParameterLists =
    [
        "parameters", "formal_parameters", "parameter_list", "method_parameters", "function_value_parameters",
        "lambda_parameters", "parameter_clause", "formal_parameter_list",
    ];

    // Languages whose grammars name decisions differently: added to the common names.
    private static readonly Dictionary<string, (string[] Branches, string[] Flat, string[] Nesting)> PerLanguage = new(StringComparer.Ordinal)
    {
        ["ruby"] = (["if", "unless", "while", "until", "for", "rescue", "conditional", "if_modifier", "unless_modifier", "while_modifier", "until_modifier"], ["elsif", "when"], ["case", "begin"]),
        ["python"] = ([], [], ["with_statement"]),
        ["elixir"] = ([], ["stab_clause"], []),
        ["lua"] = ([], [], []),
        ["bash"] = ([], [], ["case_statement"]),
        ["php"] = (["else_if_clause"], [], []),
        ["perl"] = (["conditional_statement", "loop_statement", "for_statement_1", "for_statement_2", "cstyle_for_statement"], ["elsif"], []),
        ["haskell"] = ([], ["alternative", "guards"], ["case"]),
        ["ocaml"] = (["if_expression", "for_expression", "while_expression"], ["match_case"], ["match_expression", "try_expression"]),
        ["julia"] = (["if_statement", "for_statement", "while_statement", "ternary_expression"], ["elseif_clause"], ["try_statement"]),
        ["scala"] = (["if_expression", "while_expression", "for_expression"], ["case_clause"], ["match_expression", "try_expression"]),
        ["kotlin"] = (["if_expression", "for_statement", "while_statement", "do_while_statement", "catch_block"], ["when_entry"], ["when_expression", "try_expression"]),
        ["swift"] = (["if_statement", "for_statement", "while_statement", "repeat_while_statement", "guard_statement", "catch_block"], ["switch_entry"], ["switch_statement", "do_statement"]),
        ["r"] = (["if_statement", "for_statement", "while_statement", "repeat_statement"], [], []),
        ["powershell"] = (["if_statement", "for_statement", "foreach_statement", "while_statement", "do_statement", "catch_clause"], ["elseif_clause", "switch_clause"], ["switch_statement", "try_statement"]),
        ["dart"] = (["if_statement", "for_statement", "while_statement", "do_statement", "catch_clause", "conditional_expression"], ["switch_statement_case"], ["switch_statement", "try_statement"]),
        ["zig"] = (["IfStatement", "ForStatement", "WhileStatement", "IfExpr", "ForExpr", "WhileExpr"], ["SwitchProng"], ["SwitchExpr"]),
    };

    private readonly NodeCategory[] _bySymbol;

    private NodeTable(NodeCategory[] bySymbol) => _bySymbol = bySymbol;

    public NodeCategory this[ushort symbol] => symbol < _bySymbol.Length ? _bySymbol[symbol] : NodeCategory.None;

    /// <summary>The category of every symbol, indexed by symbol (what the native walk reads).</summary>
    public ReadOnlySpan<NodeCategory> Categories => _bySymbol;

    public static unsafe NodeTable Create(nint language, string languageName)
    {
        var extra = PerLanguage.GetValueOrDefault(languageName);
        var named = new Dictionary<string, NodeCategory>(StringComparer.Ordinal);
        void Add(IEnumerable<string>? names, NodeCategory category)
        {
            foreach (var name in names ?? [])
            {
                named[name] = category;
            }
        }

        Add(CommonNesting, NodeCategory.Nesting);
        Add(extra.Nesting, NodeCategory.Nesting);
        Add(CommonBranches, NodeCategory.Branch);
        Add(extra.Branches, NodeCategory.Branch);
        Add(CommonFlatBranches, NodeCategory.FlatBranch);
        Add(extra.Flat, NodeCategory.FlatBranch);
        Add(CommonBinary, NodeCategory.Binary);
        Add(CommonParameterLists, NodeCategory.ParameterList);
        named["boolean_operator"] = NodeCategory.Logical;
        if (languageName == "bash")
        {
            // Bash's case_statement is the whole case; its arms are case_item.
            named["case_statement"] = NodeCategory.Nesting;
        }

        var count = ts_language_symbol_count(language);
        var table = new NodeCategory[count];
        for (uint symbol = 0; symbol < count; symbol++)
        {
            var pointer = ts_language_symbol_name(language, (ushort)symbol);
            if (pointer == null)
            {
                continue;
            }

            var name = Encoding.UTF8.GetString(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(pointer));
            var type = ts_language_symbol_type(language, (ushort)symbol);
            if (type == 1)
            {
                table[symbol] = name is "&&" or "||" or "and" or "or" or "-and" or "-or" ? NodeCategory.LogicalToken : NodeCategory.None;
                continue;
            }

            if (type != 0)
            {
                continue;
            }

            table[symbol] = name.Contains("comment", StringComparison.OrdinalIgnoreCase)
                ? NodeCategory.Comment
                : named.GetValueOrDefault(name);
        }

        return new NodeTable(table);
    }
}

internal static unsafe class CodeAnalysis
{
    private const int MaxSignatureLength = 300;
    private const int MaxDocLength = 2000;
    private const int MaxReceiverLength = 200;

    // Languages whose imports name modules with '.' or '::' (not file paths), so the part before the last separator is a receiver.
    private static readonly HashSet<string> DottedImports = new(StringComparer.Ordinal)
    {
        "python", "java", "csharp", "kotlin", "scala", "rust", "haskell", "julia", "elixir", "perl", "php", "swift", "ocaml",
    };

    private static readonly HashSet<string> FunctionKinds = new(StringComparer.Ordinal) { "function", "method", "constructor" };

    private enum EventKind : byte
    {
        Branch,
        Flat,
        Nesting,
    }

    private readonly record struct Event(int Position, EventKind Kind, int Level);

    /// <summary>
    /// Qualifies, documents and measures <paramref name="raw"/> definitions and attributes <paramref name="rawReferences"/>
    /// to their innermost enclosing definition. Definitions come back sorted by start byte (outer first).
    /// </summary>
    public static (Definition[] Definitions, Reference[] References, CodeMetrics Metrics) Analyze(
        string language, NodeTable table, TSNode root, ReadOnlySpan<byte> content, List<RawDefinition> raw, List<RawReference> rawReferences)
    {
        raw.Sort(static (a, b) => a.StartByte != b.StartByte ? a.StartByte.CompareTo(b.StartByte) : b.EndByte.CompareTo(a.EndByte));

        // Function-like definitions (by start) and the nesting level at which each starts, recorded during the walk.
        var functions = new List<int>();
        for (var i = 0; i < raw.Count; i++)
        {
            if (FunctionKinds.Contains(raw[i].Kind))
            {
                functions.Add(i);
            }
        }

        var baseLevels = new int[functions.Count];
        var comments = new List<(int Start, int End)>();
        var events = new List<Event>();
        Walk(table, root, comments, events, functions, raw, baseLevels);

        var lineCount = TreeSitterParser.CountLines(content);
        var (codePrefix, commentPrefix) = LineFlags(content, lineCount, comments);

        // Qualified names: the enclosing definition's qualified name, a dot, the name.
        var scopeEnds = ScopeEnds(raw, content.Length);
        var qualified = new string[raw.Count];
        var stack = new Stack<int>();
        for (var i = 0; i < raw.Count; i++)
        {
            while (stack.Count > 0 && scopeEnds[stack.Peek()] <= raw[i].StartByte)
            {
                stack.Pop();
            }

            var definition = raw[i];
            qualified[i] = definition.Qualifier is { } qualifier ? qualifier + "." + definition.Name
                : stack.Count > 0 ? qualified[stack.Peek()] + "." + definition.Name
                : definition.Name;
            stack.Push(i);
        }

        // Events go to the innermost enclosing function; file totals take them all.
        var perFunction = new (int Cyclomatic, int Cognitive, int MaxNesting)[functions.Count];
        int fileDecisions = 0, fileCognitive = 0, fileNesting = 0;
        var functionStack = new Stack<int>();
        var next = 0;
        foreach (var e in events)
        {
            while (next < functions.Count && raw[functions[next]].StartByte <= e.Position)
            {
                while (functionStack.Count > 0 && raw[functions[functionStack.Peek()]].EndByte <= raw[functions[next]].StartByte)
                {
                    functionStack.Pop();
                }

                functionStack.Push(next++);
            }

            while (functionStack.Count > 0 && raw[functions[functionStack.Peek()]].EndByte <= e.Position)
            {
                functionStack.Pop();
            }

            var owner = functionStack.Count > 0 ? functionStack.Peek() : -1;
            var depth = Math.Max(0, e.Level - (owner >= 0 ? baseLevels[owner] : 0));
            var decision = e.Kind != EventKind.Nesting ? 1 : 0;
            var cognitive = e.Kind switch { EventKind.Branch => 1 + depth, EventKind.Flat => 1, _ => 0 };
            var nesting = e.Kind != EventKind.Flat ? depth + 1 : 0;
            fileDecisions += decision;
            fileCognitive += cognitive;
            fileNesting = Math.Max(fileNesting, nesting);
            if (owner >= 0)
            {
                ref var metrics = ref perFunction[owner];
                metrics.Cyclomatic += decision;
                metrics.Cognitive += cognitive;
                metrics.MaxNesting = Math.Max(metrics.MaxNesting, nesting);
            }
        }

        var functionIndex = new Dictionary<int, int>();
        for (var f = 0; f < functions.Count; f++)
        {
            functionIndex[functions[f]] = f;
        }

        var definitions = new Definition[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            var d = raw[i];
            CodeMetrics? metrics = null;
            if (functionIndex.TryGetValue(i, out var f))
            {
                var start = Math.Clamp(d.StartLine, 1, Math.Max(1, lineCount));
                var end = Math.Clamp(d.EndLine, start, Math.Max(start, lineCount));
                metrics = new CodeMetrics(
                    end - start + 1,
                    codePrefix[end] - codePrefix[start - 1],
                    commentPrefix[end] - commentPrefix[start - 1],
                    1 + perFunction[f].Cyclomatic,
                    perFunction[f].MaxNesting,
                    CountParameters(table, d.Node),
                    perFunction[f].Cognitive);
            }

            definitions[i] = new Definition(d.Name, d.Kind, d.StartLine, d.EndLine, d.StartByte, d.EndByte,
                qualified[i], Signature(d.Node, content), Doc(language, table, d.Node, content), metrics);
        }

        var references = AttributeReferences(raw, scopeEnds, qualified, rawReferences);
        var fileMetrics = new CodeMetrics(lineCount, codePrefix[lineCount], commentPrefix[lineCount], 1 + fileDecisions, fileNesting, 0, fileCognitive);
        return (definitions, references, fileMetrics);
    }

    /// <summary>The text before a call's name when it ends with a member separator, without it (<c>obj.save</c> gives <c>obj</c>).</summary>
    public static string? ReceiverBefore(ReadOnlySpan<byte> content, int referenceStart, int nameStart)
    {
        if (nameStart <= referenceStart)
        {
            return null;
        }

        var prefix = content[referenceStart..nameStart];
        int separator;
        if (prefix.EndsWith("?."u8) || prefix.EndsWith("::"u8) || prefix.EndsWith("->"u8))
        {
            separator = 2;
        }
        else if (prefix.EndsWith("."u8) || prefix.EndsWith(":"u8))
        {
            separator = 1;
        }
        else
        {
            return null;
        }

        var receiver = CollapseWhitespace(Encoding.UTF8.GetString(prefix[..^separator]));
        if (receiver.StartsWith("new ", StringComparison.Ordinal))
        {
            receiver = receiver[4..];
        }

        return receiver.Length == 0 ? null : receiver.Length > MaxReceiverLength ? receiver[..MaxReceiverLength] : receiver;
    }

    /// <summary>An import target as written, without quotes or angle brackets.</summary>
    public static string CleanImport(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && (trimmed[0] is '"' or '\'' or '`' or '<') && trimmed[^1] is '"' or '\'' or '`' or '>')
        {
            trimmed = trimmed[1..^1];
        }

        return trimmed;
    }

    /// <summary>For a dotted or <c>::</c> import target (not a path), the part before the last separator.</summary>
    public static string? ImportReceiver(string language, string target)
    {
        if (!DottedImports.Contains(language) || target.Contains('/') || target.StartsWith('.') || target.Contains(' '))
        {
            return null;
        }

        var colons = target.LastIndexOf("::", StringComparison.Ordinal);
        var dot = target.LastIndexOf('.');
        var cut = colons > dot ? colons : dot;
        return cut > 0 ? target[..cut] : null;
    }

    // Where each definition's scope ends: its own end, except for a namespace or package declared by a
    // statement without a body (C#'s `namespace App;`, PHP's `namespace App;`, Perl's `package Foo;`,
    // Scala's `package demo`, Java's `package a.b;`, Kotlin's `package a.b`),
    // which holds everything up to the next such statement or the end of the file.
    private static int[] ScopeEnds(List<RawDefinition> raw, int contentLength)
    {
        var ends = new int[raw.Count];
        var open = -1;
        for (var i = 0; i < raw.Count; i++)
        {
            ends[i] = raw[i].EndByte;
            if (IsStatementScope(raw[i].Node))
            {
                if (open >= 0)
                {
                    ends[open] = raw[i].StartByte;
                }

                open = i;
                ends[i] = contentLength;
            }
        }

        return ends;
    }

    private static bool IsStatementScope(TSNode node)
    {
        var type = NodeType(node);
        if (type.SequenceEqual("file_scoped_namespace_declaration"u8) || type.SequenceEqual("package_declaration"u8) || type.SequenceEqual("package_header"u8))
        {
            return true;
        }

        if (!type.SequenceEqual("namespace_definition"u8) && !type.SequenceEqual("package_statement"u8) && !type.SequenceEqual("package_clause"u8))
        {
            return false;
        }

        var count = ts_node_named_child_count(node);
        for (uint i = 0; i < count; i++)
        {
            var child = NodeType(ts_node_named_child(node, i));
            if (child.SequenceEqual("compound_statement"u8) || child.SequenceEqual("block"u8) || child.SequenceEqual("declaration_list"u8) || child.SequenceEqual("template_body"u8))
            {
                return false;
            }
        }

        return true;
    }

    private static Reference[] AttributeReferences(List<RawDefinition> raw, int[] scopeEnds, string[] qualified, List<RawReference> rawReferences)
    {
        if (rawReferences.Count == 0)
        {
            return [];
        }

        rawReferences.Sort(static (a, b) => a.Position.CompareTo(b.Position));
        var result = new Reference[rawReferences.Count];
        var stack = new Stack<int>();
        var next = 0;
        for (var r = 0; r < rawReferences.Count; r++)
        {
            var reference = rawReferences[r];
            while (next < raw.Count && raw[next].StartByte <= reference.Position)
            {
                while (stack.Count > 0 && scopeEnds[stack.Peek()] <= raw[next].StartByte)
                {
                    stack.Pop();
                }

                stack.Push(next++);
            }

            while (stack.Count > 0 && scopeEnds[stack.Peek()] <= reference.Position)
            {
                stack.Pop();
            }

            // An inheritance edge sits inside the deriving type's own range: that type is its source.
            result[r] = new Reference(reference.Kind, reference.Target, reference.Line, reference.Source ?? (stack.Count > 0 ? qualified[stack.Peek()] : null), reference.Receiver);
        }

        return result;
    }

    // The whole-tree walk runs in C (native/codeingest_walk.c): comments (not descended into), decision and
    // nesting events with the nesting level where they occur, and the level at which each function starts.
    private static void Walk(NodeTable table, TSNode root, List<(int Start, int End)> comments, List<Event> events,
        List<int> functions, List<RawDefinition> raw, int[] baseLevels)
    {
        Span<uint> starts = functions.Count <= 256 ? stackalloc uint[functions.Count] : new uint[functions.Count];
        for (var i = 0; i < functions.Count; i++)
        {
            starts[i] = (uint)raw[functions[i]].StartByte;
        }

        CodeIngestWalk walk;
        int status;
        fixed (NodeCategory* categories = table.Categories)
        fixed (uint* functionStarts = starts)
        fixed (int* levels = baseLevels)
        {
            status = codeingest_walk(root, (byte*)categories, (uint)table.Categories.Length, functionStarts, (uint)functions.Count, levels, &walk);
        }

        try
        {
            if (status != 0)
            {
                throw new OutOfMemoryException("The native metrics walk ran out of memory.");
            }

            comments.EnsureCapacity((int)walk.CommentCount);
            for (var i = 0; i < walk.CommentCount; i++)
            {
                comments.Add(((int)walk.Comments[i].Start, (int)walk.Comments[i].End));
            }

            events.EnsureCapacity((int)walk.EventCount);
            for (var i = 0; i < walk.EventCount; i++)
            {
                var e = walk.Events[i];
                events.Add(new Event((int)e.Position, (EventKind)e.Kind, e.Level));
            }
        }
        finally
        {
            codeingest_walk_free(&walk);
        }
    }

    // Prefix sums over lines (1-based) of lines holding code (a non-blank byte outside comments) and lines holding a comment.
    private static (int[] Code, int[] Comment) LineFlags(ReadOnlySpan<byte> content, int lineCount, List<(int Start, int End)> comments)
    {
        var code = new bool[lineCount + 1];
        var comment = new bool[lineCount + 1];
        var line = 0;
        var next = 0;
        for (var pos = 0; pos < content.Length; pos++)
        {
            while (next < comments.Count && comments[next].End <= pos)
            {
                next++;
            }

            if (next < comments.Count && pos >= comments[next].Start)
            {
                comment[Math.Min(line, lineCount)] = true;
                if (content[pos] == (byte)'\n')
                {
                    line++;
                }

                continue;
            }

            var b = content[pos];
            if (b == (byte)'\n')
            {
                line++;
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\f' or (byte)'\v'))
            {
                code[Math.Min(line, lineCount)] = true;
            }
        }

        var codePrefix = new int[lineCount + 1];
        var commentPrefix = new int[lineCount + 1];
        for (var i = 1; i <= lineCount; i++)
        {
            codePrefix[i] = codePrefix[i - 1] + (code[i - 1] ? 1 : 0);
            commentPrefix[i] = commentPrefix[i - 1] + (comment[i - 1] ? 1 : 0);
        }

        return (codePrefix, commentPrefix);
    }

    private static int CountParameters(NodeTable table, TSNode node)
    {
        var list = FindParameterList(table, node, 0);
        if (ts_node_is_null(list) != 0)
        {
            return 0;
        }

        var count = 0;
        var children = ts_node_named_child_count(list);
        for (uint i = 0; i < children; i++)
        {
            if (table[ts_node_symbol(ts_node_named_child(list, i))] != NodeCategory.Comment)
            {
                count++;
            }
        }

        return count;
    }

    // The parameter list of a function: its "parameters" field, or the first parameter-list node among its
    // children outside the body (C and C++ keep it in the declarator; Go's receiver list comes first but is a field of its own).
    private static TSNode FindParameterList(NodeTable table, TSNode node, int depth)
    {
        var field = ChildByField(node, "parameters"u8);
        if (ts_node_is_null(field) == 0)
        {
            return field;
        }

        if (depth >= 3)
        {
            return default;
        }

        var body = ChildByField(node, "body"u8);
        var receiver = ChildByField(node, "receiver"u8);
        var count = ts_node_named_child_count(node);
        for (uint i = 0; i < count; i++)
        {
            var child = ts_node_named_child(node, i);
            if ((ts_node_is_null(body) == 0 && child.Id == body.Id) || (ts_node_is_null(receiver) == 0 && child.Id == receiver.Id))
            {
                continue;
            }

            if (table[ts_node_symbol(child)] == NodeCategory.ParameterList)
            {
                return child;
            }

            var nested = FindParameterList(table, child, depth + 1);
            if (ts_node_is_null(nested) == 0)
            {
                return nested;
            }
        }

        return default;
    }

    // The head of a definition: its text up to the body, or its first line when it has no body field.
    private static string? Signature(TSNode node, ReadOnlySpan<byte> content)
    {
        var start = (int)ts_node_start_byte(node);
        var end = (int)ts_node_end_byte(node);
        var body = ChildByField(node, "body"u8);
        if (ts_node_is_null(body) == 0 && (int)ts_node_start_byte(body) > start)
        {
            end = (int)ts_node_start_byte(body);
        }
        else
        {
            var newline = content[start..end].IndexOf((byte)'\n');
            if (newline >= 0)
            {
                end = start + newline;
            }
        }

        end = Math.Min(end, start + (MaxSignatureLength * 4));
        var text = CollapseWhitespace(Encoding.UTF8.GetString(content[start..end])).TrimEnd(' ', '{', ':', '=');
        if (text.EndsWith(" do", StringComparison.Ordinal) || text.EndsWith(" then", StringComparison.Ordinal))
        {
            text = text[..text.LastIndexOf(' ')];
        }

        if (text.Length > MaxSignatureLength)
        {
            text = text[..MaxSignatureLength];
        }

        return text.Length == 0 ? null : text;
    }

    // A doc comment: Python's docstring, otherwise the comments right above the definition (or above the
    // export/decorator/template wrapping it), attributes and annotations in between allowed.
    private static string? Doc(string language, NodeTable table, TSNode node, ReadOnlySpan<byte> content)
    {
        if (language == "python")
        {
            return Docstring(node, content);
        }

        var anchor = node;
        for (var up = 0; up < 2; up++)
        {
            var doc = CommentsAbove(table, anchor, content);
            if (doc is not null)
            {
                return doc;
            }

            var parent = ts_node_parent(anchor);
            if (ts_node_is_null(parent) != 0 || !IsWrapper(NodeType(parent)))
            {
                break;
            }

            anchor = parent;
        }

        return null;
    }

    private static bool IsWrapper(ReadOnlySpan<byte> type) =>
        type.SequenceEqual("export_statement"u8) || type.SequenceEqual("type_declaration"u8) || type.SequenceEqual("lexical_declaration"u8)
        || type.SequenceEqual("variable_declaration"u8) || type.SequenceEqual("const_declaration"u8) || type.SequenceEqual("decorated_definition"u8) || type.SequenceEqual("template_declaration"u8)
        || type.SequenceEqual("export_declaration"u8) || type.SequenceEqual("ambient_declaration"u8) || type.SequenceEqual("annotated_declaration"u8);

    private static string? CommentsAbove(NodeTable table, TSNode node, ReadOnlySpan<byte> content)
    {
        var parts = new List<string>();
        var current = node;
        var previous = ts_node_prev_sibling(current);
        while (ts_node_is_null(previous) == 0)
        {
            var gap = content[(int)ts_node_end_byte(previous)..(int)ts_node_start_byte(current)];
            if (gap.Count((byte)'\n') > 1 || gap.Trim(" \t\r\n"u8).Length > 0)
            {
                break;
            }

            var category = table[ts_node_symbol(previous)];
            var type = NodeType(previous);
            if (category == NodeCategory.Comment)
            {
                parts.Add(Encoding.UTF8.GetString(content[(int)ts_node_start_byte(previous)..(int)ts_node_end_byte(previous)]));
            }
            else if (!(type.SequenceEqual("attribute_item"u8) || type.SequenceEqual("attribute_list"u8) || type.SequenceEqual("decorator"u8)
                || type.SequenceEqual("annotation"u8) || type.SequenceEqual("marker_annotation"u8)))
            {
                break;
            }

            current = previous;
            previous = ts_node_prev_sibling(current);
        }

        if (parts.Count == 0)
        {
            return null;
        }

        parts.Reverse();
        var text = StripCommentMarkers(string.Join('\n', parts));
        return Trim(text.Replace("<summary>", "", StringComparison.Ordinal).Replace("</summary>", "", StringComparison.Ordinal));
    }

    private static string? Docstring(TSNode node, ReadOnlySpan<byte> content)
    {
        var body = ChildByField(node, "body"u8);
        if (ts_node_is_null(body) != 0 || ts_node_named_child_count(body) == 0)
        {
            return null;
        }

        var first = ts_node_named_child(body, 0);
        if (!NodeType(first).SequenceEqual("expression_statement"u8) || ts_node_named_child_count(first) == 0)
        {
            return null;
        }

        var literal = ts_node_named_child(first, 0);
        if (!NodeType(literal).SequenceEqual("string"u8))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(content[(int)ts_node_start_byte(literal)..(int)ts_node_end_byte(literal)]);
        text = text.TrimStart('r', 'R', 'u', 'U', 'b', 'B', 'f', 'F');
        foreach (var quote in new[] { "\"\"\"", "'''", "\"", "'" })
        {
            if (text.Length >= 2 * quote.Length && text.StartsWith(quote, StringComparison.Ordinal) && text.EndsWith(quote, StringComparison.Ordinal))
            {
                text = text[quote.Length..^quote.Length];
                break;
            }
        }

        return Trim(string.Join('\n', text.Split('\n').Select(l => l.Trim())));
    }

    private static string StripCommentMarkers(string text)
    {
        var lines = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            foreach (var prefix in new[] { "/**", "/*!", "/*", "///", "//!", "//", "#'", "##", "#", "--[[", "---", "--", ";;;", ";;", ";", "%", "{-|", "{-", "(**", "(*", "<#" })
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    line = line[prefix.Length..];
                    break;
                }
            }

            foreach (var suffix in new[] { "*/", "-}", "*)", "#>", "]]" })
            {
                if (line.EndsWith(suffix, StringComparison.Ordinal))
                {
                    line = line[..^suffix.Length];
                    break;
                }
            }

            line = line.Trim();
            if (line.StartsWith('*'))
            {
                line = line[1..].Trim();
            }

            lines.Add(line);
        }

        return string.Join('\n', lines);
    }

    private static string? Trim(string text)
    {
        text = text.Trim();
        if (text.Length > MaxDocLength)
        {
            text = text[..MaxDocLength];
        }

        return text.Length == 0 ? null : text;
    }

    private static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
