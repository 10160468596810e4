// A language-agnostic lexer good enough for clone detection and Halstead counts: identifiers and
// keywords, numbers, string literals (one token each) and operators; comments and whitespace dropped.
// Comment syntax follows the file's language family (#, //, /* */, --, triple-quoted strings).
// The scanner itself allocates nothing per token: Tokenize builds token strings for callers that want
// them, Hash keeps only a 64-bit hash and the line of each token (what the quality review needs).
using System.Runtime.CompilerServices;

namespace CodeIngest.Quality;

public readonly record struct CodeToken(string Text, int Line, bool IsOperand);

/// <summary>The tokens of one file as 64-bit hashes of their texts, with the line each token starts on (non-decreasing).</summary>
public sealed class HashedTokens(ulong[] hashes, int[] lines, int count)
{
    public int Count { get; } = count;

    public ReadOnlySpan<ulong> Hashes => hashes.AsSpan(0, Count);

    public ReadOnlySpan<int> Lines => lines.AsSpan(0, Count);

    /// <summary>Index of the first token on or after <paramref name="line"/> (Count when none).</summary>
    public int FirstAtOrAfter(int line)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (lines[mid] < line)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

public static class CodeTokenizer
{
    private static readonly HashSet<string> HashComment = new(StringComparer.Ordinal) { "python", "ruby", "bash", "perl", "r", "elixir", "julia", "yaml", "toml", "make", "powershell", "hcl" };
    private static readonly HashSet<string> DashComment = new(StringComparer.Ordinal) { "lua", "haskell", "sql" };
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "if", "else", "elif", "for", "foreach", "while", "do", "switch", "case", "default", "break", "continue", "return", "yield",
        "try", "catch", "except", "finally", "throw", "raise", "new", "delete", "def", "class", "struct", "interface", "enum",
        "function", "func", "fn", "var", "let", "const", "val", "public", "private", "protected", "internal", "static", "async",
        "await", "import", "from", "using", "package", "namespace", "in", "is", "as", "not", "and", "or", "lambda", "with",
        "pass", "void", "int", "string", "bool", "goto", "go", "defer", "select", "match", "when", "then", "end", "begin", "unless",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> KeywordLookup = Keywords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Receives each token as a range of the text.</summary>
    private interface ITokenSink
    {
        void Add(string text, int start, int length, int line, bool isOperand);
    }

    public static List<CodeToken> Tokenize(string text, string language)
    {
        var sink = new ListSink { Tokens = [] };
        Scan(text, language, ref sink);
        return sink.Tokens;
    }

    /// <summary>The tokens as 64-bit hashes of their texts plus their lines; equal texts give equal hashes in every process.</summary>
    public static HashedTokens Hash(string text, string language)
    {
        var sink = new HashSink { Hashes = new ulong[Math.Max(16, text.Length / 4)], Lines = new int[Math.Max(16, text.Length / 4)] };
        Scan(text, language, ref sink);
        return new HashedTokens(sink.Hashes, sink.Lines, sink.Count);
    }

    /// <summary>FNV-1a over the UTF-16 code units, finished with the SplitMix64 mixer so that nearby texts spread over all 64 bits.</summary>
    public static ulong HashText(ReadOnlySpan<char> text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        h ^= (ulong)text.Length;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }

    private static void Scan<TSink>(string text, string language, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        var hash = HashComment.Contains(language);
        var dash = DashComment.Contains(language);
        var slash = !hash || language is "php";
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if ((hash && c == '#') || (slash && c == '/' && next == '/') || (dash && c == '-' && next == '-'))
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end;
                continue;
            }

            if (slash && c == '/' && next == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                line += Count(text, i, end);
                i = end;
                continue;
            }

            if (c is '"' or '\'' or '`')
            {
                var start = i;
                var startLine = line;
                var triple = i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c;
                if (triple)
                {
                    var close = text.AsSpan(i + 3).IndexOf(c is '"' ? "\"\"\"" : c is '\'' ? "'''" : "```", StringComparison.Ordinal);
                    i = close < 0 ? text.Length : i + 3 + close + 3;
                }
                else
                {
                    i++;
                    while (i < text.Length && text[i] != c && (text[i] != '\n' || c == '`'))
                    {
                        i += text[i] == '\\' ? 2 : 1;
                    }

                    i = Math.Min(text.Length, i + 1);
                }

                line += Count(text, start, i);
                sink.Add(text, start, i - start, startLine, true);
                continue;
            }

            if (char.IsLetter(c) || c == '_' || c == '$' || c == '@')
            {
                var start = i;
                i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                sink.Add(text, start, i - start, line, !KeywordLookup.Contains(text.AsSpan(start, i - start)));
                continue;
            }

            if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '.' || text[i] == '_'))
                {
                    i++;
                }

                sink.Add(text, start, i - start, line, true);
                continue;
            }

            // Operators: two-character ones kept whole.
            if (i + 1 < text.Length && IsTwoCharacterOperator(c, next))
            {
                sink.Add(text, i, 2, line, false);
                i += 2;
                continue;
            }

            sink.Add(text, i, 1, line, false);
            i++;
        }
    }

    private static bool IsTwoCharacterOperator(char c, char next) => (c, next) switch
    {
        ('=', '=') or ('!', '=') or ('<', '=') or ('>', '=') or ('&', '&') or ('|', '|') or ('=', '>') or ('-', '>') or (':', ':') => true,
        ('+', '=') or ('-', '=') or ('*', '=') or ('/', '=') or ('+', '+') or ('-', '-') or ('<', '<') or ('>', '>') or ('*', '*') => true,
        ('?', '?') or ('?', '.') => true,
        _ => false,
    };

    private static int Count(string text, int start, int end) =>
        start >= end || start >= text.Length ? 0 : text.AsSpan(start, Math.Min(end, text.Length) - start).Count('\n');

    private struct ListSink : ITokenSink
    {
        public List<CodeToken> Tokens;

        public readonly void Add(string text, int start, int length, int line, bool isOperand) => Tokens.Add(new CodeToken(text.Substring(start, length), line, isOperand));
    }

    private struct HashSink : ITokenSink
    {
        public ulong[] Hashes;
        public int[] Lines;
        public int Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(string text, int start, int length, int line, bool isOperand)
        {
            if (Count == Hashes.Length)
            {
                Array.Resize(ref Hashes, Hashes.Length * 2);
                Array.Resize(ref Lines, Lines.Length * 2);
            }

            Hashes[Count] = HashText(text.AsSpan(start, length));
            Lines[Count] = line;
            Count++;
        }
    }
}
