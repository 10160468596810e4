// Splits a parsed file into search chunks along its syntax tree: one chunk per outermost definition;
// a definition longer than maxLines gives its nested definitions their own chunks plus chunks for its
// own remaining lines (header, fields, closing brace), and a long definition without nested ones is cut
// into overlapping windows. Code outside every definition becomes remainder chunks (symbol null).
// Every non-blank line of the file ends up in at least one chunk.
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Indexing;

public static class Chunker
{
    /// <summary>Lines repeated between consecutive windows of a long definition, so a statement cut at a boundary is whole in one of them.</summary>
    public const int OverlapLines = 10;

    /// <summary>Recorded by the index stage; bump it whenever chunk boundaries or texts change, so a re-ingest re-chunks instead of carrying old chunks over.</summary>
    public const string Version = "1";

    public static IReadOnlyList<CodeChunk> Chunk(StoredFile file, int maxLines = 120)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);

        var lines = SplitLines(file.Text);
        if (lines.Length == 0)
        {
            return [];
        }

        var chunks = new List<CodeChunk>();
        var roots = BuildTree(file.Definitions, lines.Length);
        foreach (var root in roots)
        {
            EmitDefinition(file, lines, root, maxLines, chunks);
        }

        EmitGaps(file, lines, 1, lines.Length, roots, symbol: null, kind: null, maxLines, chunks);
        chunks.Sort((a, b) => a.StartLine != b.StartLine ? a.StartLine.CompareTo(b.StartLine) : b.EndLine.CompareTo(a.EndLine));
        return chunks;
    }

    private static string[] SplitLines(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var lines = text.Split('\n');
        var count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = lines[i].TrimEnd('\r');
        }

        return result;
    }

    private sealed class Node(Definition definition, int start, int end)
    {
        public Definition Definition { get; } = definition;

        public int Start { get; } = start;

        public int End { get; } = end;

        public List<Node> Children { get; } = [];

        public int Length => End - Start + 1;
    }

    /// <summary>Nests definitions by line range (clamped to the file); a definition is a child of the innermost earlier one that contains it.</summary>
    private static List<Node> BuildTree(IReadOnlyList<Definition> definitions, int lineCount)
    {
        var nodes = definitions
            .Select(d => new Node(d, Math.Max(1, d.StartLine), Math.Min(lineCount, d.EndLine)))
            .Where(n => n.Start <= n.End)
            .OrderBy(n => n.Start)
            .ThenByDescending(n => n.End)
            .ToList();

        var roots = new List<Node>();
        var stack = new Stack<Node>();
        foreach (var node in nodes)
        {
            while (stack.Count > 0 && !(stack.Peek().Start <= node.Start && node.End <= stack.Peek().End))
            {
                stack.Pop();
            }

            if (stack.Count == 0)
            {
                roots.Add(node);
            }
            else
            {
                stack.Peek().Children.Add(node);
            }

            stack.Push(node);
        }

        return roots;
    }

    private static void EmitDefinition(StoredFile file, string[] lines, Node node, int maxLines, List<CodeChunk> chunks)
    {
        var d = node.Definition;
        if (node.Length <= maxLines)
        {
            chunks.Add(MakeChunk(file, lines, node.Start, node.End, d.Name, d.Kind));
            return;
        }

        if (node.Children.Count == 0)
        {
            EmitWindows(file, lines, node.Start, node.End, d.Name, d.Kind, maxLines, chunks);
            return;
        }

        foreach (var child in node.Children)
        {
            EmitDefinition(file, lines, child, maxLines, chunks);
        }

        // The definition's own lines (header, fields, closing brace) carry its name so a search for the class finds them.
        EmitGaps(file, lines, node.Start, node.End, node.Children, d.Name, d.Kind, maxLines, chunks);
    }

    /// <summary>Chunks for the lines of [start, end] not covered by <paramref name="covered"/>; blank-only runs are skipped.</summary>
    private static void EmitGaps(StoredFile file, string[] lines, int start, int end, List<Node> covered, string? symbol, string? kind, int maxLines, List<CodeChunk> chunks)
    {
        var isCovered = new bool[end - start + 1];
        foreach (var node in covered)
        {
            for (var line = Math.Max(start, node.Start); line <= Math.Min(end, node.End); line++)
            {
                isCovered[line - start] = true;
            }
        }

        var line0 = start;
        while (line0 <= end)
        {
            if (isCovered[line0 - start])
            {
                line0++;
                continue;
            }

            var runEnd = line0;
            while (runEnd + 1 <= end && !isCovered[runEnd + 1 - start])
            {
                runEnd++;
            }

            // Trim blank lines at both ends of the run; an all-blank run yields nothing.
            var first = line0;
            var last = runEnd;
            while (first <= last && string.IsNullOrWhiteSpace(lines[first - 1]))
            {
                first++;
            }

            while (last >= first && string.IsNullOrWhiteSpace(lines[last - 1]))
            {
                last--;
            }

            if (first <= last)
            {
                EmitWindows(file, lines, first, last, symbol, kind, maxLines, chunks);
            }

            line0 = runEnd + 1;
        }
    }

    private static void EmitWindows(StoredFile file, string[] lines, int start, int end, string? symbol, string? kind, int maxLines, List<CodeChunk> chunks)
    {
        if (end - start + 1 <= maxLines)
        {
            chunks.Add(MakeChunk(file, lines, start, end, symbol, kind));
            return;
        }

        var overlap = Math.Min(OverlapLines, maxLines / 4);
        var step = maxLines - overlap;
        for (var windowStart = start; ; windowStart += step)
        {
            var windowEnd = Math.Min(end, windowStart + maxLines - 1);
            chunks.Add(MakeChunk(file, lines, windowStart, windowEnd, symbol, kind));
            if (windowEnd == end)
            {
                break;
            }
        }
    }

    private static CodeChunk MakeChunk(StoredFile file, string[] lines, int start, int end, string? symbol, string? kind) =>
        new(file.Path, file.Language, symbol, kind, start, end, string.Join('\n', lines, start - 1, end - start + 1));
}
