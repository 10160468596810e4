// The text embedded for a chunk, made for a sentence encoder that knows English better than code:
// a header with the symbol's name split into words and its kind and the doc comment, then the
// chunk's body with every identifier split (camelCase, PascalCase, snake_case, acronyms) and
// punctuation dropped. A body longer than the model's window is cut into overlapping windows, each
// repeating the header. Each window is keyed by the SHA-256 of its text: with the model id that is
// the key under which its vector is stored, so an unchanged chunk is never embedded twice.
// The path is not part of a chunk's text, so a renamed or moved file keeps its vectors: the path's
// words are embedded on their own (PathWindow, once per distinct path text, same table) and the
// index combines the two vectors (VectorIndex.Combine).
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CodeIngest.Storage;

namespace CodeIngest.Embedding;

/// <summary>One window of a chunk's embedded text and its content key.</summary>
public sealed record EmbeddingWindow(string Hash, string Text);

public static partial class EmbeddingText
{
    /// <summary>Words repeated between consecutive windows.</summary>
    public const int OverlapWords = 12;

    /// <summary>At most this many windows per chunk (chunks are at most ~120 lines already).</summary>
    public const int MaxWindows = 8;

    /// <summary>Words a window may hold for a model with <paramref name="maxTokens"/> tokens (split words average about 1.3 tokens).</summary>
    public static int WordsPerWindow(int maxTokens) => Math.Max(16, maxTokens * 3 / 4);

    /// <summary>The windows of a chunk's embedded text (at least one).</summary>
    public static IReadOnlyList<EmbeddingWindow> Windows(CodeChunk chunk, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var header = Header(chunk);
        var headerWords = header.Length == 0 ? 0 : header.Count(c => c == ' ') + 1;
        var budget = Math.Max(8, WordsPerWindow(maxTokens) - headerWords);
        var body = SplitWords(chunk.Text);
        var windows = new List<EmbeddingWindow>();
        var start = 0;
        do
        {
            var count = Math.Min(budget, body.Count - start);
            var words = string.Join(' ', body.Skip(start).Take(count));
            var text = count == 0 ? header : header.Length == 0 ? words : header + " | " + words;
            windows.Add(new EmbeddingWindow(Hash(text), text));
            if (start + count >= body.Count)
            {
                break;
            }

            start += Math.Max(1, budget - OverlapWords);
        }
        while (windows.Count < MaxWindows);

        return windows;
    }

    /// <summary>The text embedded for a path: its words ("src/Storage/SqliteCodeStore.cs" → "src storage sqlite code store cs"),
    /// keyed like a chunk window; null when the path has no word.</summary>
    public static EmbeddingWindow? PathWindow(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var words = SplitWords(path);
        if (words.Count == 0)
        {
            return null;
        }

        var text = string.Join(' ', words);
        return new EmbeddingWindow(Hash(text), text);
    }

    /// <summary>Symbol words and kind, and the doc comment: "save chunks async (method) | Replaces the snapshot's chunks" (no path:
    /// a chunk's text, and so its key, does not change when its file is renamed).</summary>
    public static string Header(CodeChunk chunk)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(chunk.Symbol))
        {
            parts.Add(string.Join(' ', SplitWords(chunk.Symbol)) + (chunk.Kind is { Length: > 0 } kind ? $" ({kind})" : string.Empty));
        }

        var doc = DocComment(chunk.Text);
        if (doc.Length > 0)
        {
            parts.Add(doc);
        }

        return string.Join(" | ", parts);
    }

    /// <summary>The first comment or docstring of the text, as plain words (at most 40).</summary>
    public static string DocComment(string text)
    {
        var lines = new List<string>();
        var seen = 0;
        foreach (var raw in text.Split('\n'))
        {
            // A doc comment opens the chunk (leading comment) or follows its first line (docstring).
            if (lines.Count == 0 && seen++ >= 4)
            {
                break;
            }

            var line = raw.Trim();
            var stripped = CommentMarker().Replace(line, string.Empty).Trim();
            var isComment = line.StartsWith("//", StringComparison.Ordinal) || line.StartsWith('#') || line.StartsWith("/*", StringComparison.Ordinal)
                || line.StartsWith('*') || line.StartsWith("\"\"\"", StringComparison.Ordinal) || line.StartsWith("'''", StringComparison.Ordinal)
                || line.StartsWith("--", StringComparison.Ordinal);
            if (isComment)
            {
                if (stripped.Length > 0)
                {
                    lines.Add(stripped);
                }
            }
            else if (lines.Count > 0)
            {
                break;
            }

            if (lines.Count >= 6)
            {
                break;
            }
        }

        var words = XmlTag().Replace(string.Join(' ', lines), " ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(40));
    }

    /// <summary>Identifiers split into lower-case words and other words kept, punctuation dropped: "parseHTTPHeader(raw_bytes)" → parse http header raw bytes.</summary>
    public static List<string> SplitWords(string text)
    {
        var result = new List<string>();
        foreach (Match identifier in Identifier().Matches(text))
        {
            foreach (Match word in WordInIdentifier().Matches(identifier.Value))
            {
                result.Add(word.Value.ToLowerInvariant());
            }
        }

        return result;
    }

    /// <summary>The content key of an embedded text (SHA-256, hex).</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex(@"[\p{L}\p{N}_]+")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+")]
    private static partial Regex WordInIdentifier();

    [GeneratedRegex(@"^(///?|#+|/\*+|\*+/?|""""""|'''|--)|(\*/|""""""|''')$")]
    private static partial Regex CommentMarker();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex XmlTag();
}
