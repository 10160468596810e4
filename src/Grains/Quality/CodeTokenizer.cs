// A language-agnostic lexer good enough for clone detection and Halstead counts: identifiers and
// keywords, numbers, string literals (one token each) and operators; comments and whitespace dropped.
// Comment syntax follows the file's language family (#, //, /* */, --, triple-quoted strings).
namespace CodeIngest.Quality;

public readonly record struct CodeToken(string Text, int Line, bool IsOperand);

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

    public static List<CodeToken> Tokenize(string text, string language)
    {
        var tokens = new List<CodeToken>();
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
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

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
                    var close = text.IndexOf(new string(c, 3), i + 3, StringComparison.Ordinal);
                    i = close < 0 ? text.Length : close + 3;
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
                tokens.Add(new CodeToken(text[start..i], startLine, true));
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

                var word = text[start..i];
                tokens.Add(new CodeToken(word, line, !Keywords.Contains(word)));
                continue;
            }

            if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '.' || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new CodeToken(text[start..i], line, true));
                continue;
            }

            // Operators: two-character ones kept whole.
            var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
            if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||" or "=>" or "->" or "::" or "+=" or "-=" or "*=" or "/=" or "++" or "--" or "<<" or ">>" or "**" or "??" or "?.")
            {
                tokens.Add(new CodeToken(two, line, false));
                i += 2;
                continue;
            }

            tokens.Add(new CodeToken(c.ToString(), line, false));
            i++;
        }

        return tokens;
    }

    private static int Count(string text, int start, int end)
    {
        var n = 0;
        for (var i = start; i < end && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                n++;
            }
        }

        return n;
    }
}
