// .gitignore semantics (no package): comments, negation, dir-only, anchoring, *, ?, **, classes.
using System.Text;
using System.Text.RegularExpressions;

namespace CodeIngest.Ingestion;

/// <summary>One ignore pattern, relative to the directory of the file that declared it (<see cref="BaseDirectory"/>, "" for the root).</summary>
internal sealed class IgnoreRule
{
    private readonly Regex _regex;

    private IgnoreRule(string baseDirectory, bool negate, bool directoryOnly, bool anchored, Regex regex)
    {
        BaseDirectory = baseDirectory;
        Negate = negate;
        DirectoryOnly = directoryOnly;
        Anchored = anchored;
        _regex = regex;
    }

    public string BaseDirectory { get; }

    public bool Negate { get; }

    public bool DirectoryOnly { get; }

    public bool Anchored { get; }

    /// <summary>Parses one line of an ignore file; null for blanks and comments.</summary>
    public static IgnoreRule? Parse(string line, string baseDirectory)
    {
        // Trailing spaces are ignored unless escaped.
        var end = line.Length;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r') && !(end >= 2 && line[end - 2] == '\\'))
        {
            end--;
        }

        var pattern = line[..end];
        if (pattern.Length == 0 || pattern[0] == '#')
        {
            return null;
        }

        var negate = false;
        if (pattern[0] == '!')
        {
            negate = true;
            pattern = pattern[1..];
        }
        else if (pattern.StartsWith("\\!", StringComparison.Ordinal) || pattern.StartsWith("\\#", StringComparison.Ordinal))
        {
            pattern = pattern[1..];
        }

        var directoryOnly = false;
        if (pattern.EndsWith('/'))
        {
            directoryOnly = true;
            pattern = pattern.TrimEnd('/');
        }

        if (pattern.Length == 0)
        {
            return null;
        }

        var anchored = pattern.Contains('/', StringComparison.Ordinal);
        pattern = pattern.TrimStart('/');
        if (pattern.Length == 0)
        {
            return null;
        }

        var regex = new Regex("^" + GlobToRegex(pattern) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        return new IgnoreRule(baseDirectory, negate, directoryOnly, anchored, regex);
    }

    /// <summary>Whether this rule matches <paramref name="relativePath"/> (relative to the walk root, '/' separators).</summary>
    public bool Matches(string relativePath, bool isDirectory)
    {
        if (DirectoryOnly && !isDirectory)
        {
            return false;
        }

        string subject;
        if (BaseDirectory.Length == 0)
        {
            subject = relativePath;
        }
        else if (relativePath.Length > BaseDirectory.Length && relativePath.StartsWith(BaseDirectory, StringComparison.Ordinal) && relativePath[BaseDirectory.Length] == '/')
        {
            subject = relativePath[(BaseDirectory.Length + 1)..];
        }
        else
        {
            return false;
        }

        if (!Anchored)
        {
            var slash = subject.LastIndexOf('/');
            subject = slash >= 0 ? subject[(slash + 1)..] : subject;
        }

        return _regex.IsMatch(subject);
    }

    internal static string GlobToRegex(string glob)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < glob.Length)
        {
            var c = glob[i];
            if (c == '*')
            {
                var atSegmentStart = i == 0 || glob[i - 1] == '/';
                if (i + 1 < glob.Length && glob[i + 1] == '*' && atSegmentStart && (i + 2 == glob.Length || glob[i + 2] == '/'))
                {
                    if (i + 2 == glob.Length)
                    {
                        // "**" at the end: everything below.
                        sb.Append(".*");
                        i += 2;
                    }
                    else
                    {
                        // "**/": zero or more directories.
                        sb.Append("(?:.*/)?");
                        i += 3;
                    }

                    continue;
                }

                while (i < glob.Length && glob[i] == '*')
                {
                    i++;
                }

                sb.Append("[^/]*");
                continue;
            }

            switch (c)
            {
                case '?':
                    sb.Append("[^/]");
                    i++;
                    break;
                case '\\' when i + 1 < glob.Length:
                    sb.Append(Regex.Escape(glob[i + 1].ToString()));
                    i += 2;
                    break;
                case '[':
                    var close = FindClassEnd(glob, i);
                    if (close < 0)
                    {
                        sb.Append("\\[");
                        i++;
                    }
                    else
                    {
                        sb.Append(ClassToRegex(glob[(i + 1)..close]));
                        i = close + 1;
                    }

                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    i++;
                    break;
            }
        }

        return sb.ToString();
    }

    private static int FindClassEnd(string glob, int open)
    {
        var j = open + 1;
        if (j < glob.Length && (glob[j] == '!' || glob[j] == '^'))
        {
            j++;
        }

        if (j < glob.Length && glob[j] == ']')
        {
            j++;
        }

        for (; j < glob.Length; j++)
        {
            if (glob[j] == '\\')
            {
                j++;
            }
            else if (glob[j] == ']')
            {
                return j;
            }
        }

        return -1;
    }

    private static string ClassToRegex(string body)
    {
        var sb = new StringBuilder("[");
        var k = 0;
        if (body.Length > 0 && (body[0] == '!' || body[0] == '^'))
        {
            sb.Append('^');
            k = 1;
        }

        for (; k < body.Length; k++)
        {
            var ch = body[k];
            if (ch == '\\' && k + 1 < body.Length)
            {
                sb.Append('\\').Append(body[++k]);
            }
            else if (ch is '[' or ']' or '^' or '\\')
            {
                sb.Append('\\').Append(ch);
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.Append(']').ToString();
    }
}

/// <summary>Ordered ignore rules; the last rule that matches a path decides (a negated rule re-includes).</summary>
internal sealed class IgnoreRuleSet
{
    private readonly List<IgnoreRule> _rules = [];

    public int Count => _rules.Count;

    public void AddLines(IEnumerable<string> lines, string baseDirectory)
    {
        foreach (var line in lines)
        {
            if (IgnoreRule.Parse(line, baseDirectory) is { } rule)
            {
                _rules.Add(rule);
            }
        }
    }

    public void Add(IgnoreRule rule) => _rules.Add(rule);

    public void RemoveFrom(int count) => _rules.RemoveRange(count, _rules.Count - count);

    public bool IsIgnored(string relativePath, bool isDirectory) => Match(relativePath, isDirectory) ?? false;

    /// <summary>True when ignored, false when re-included by a negated rule, null when no rule matches.</summary>
    public bool? Match(string relativePath, bool isDirectory)
    {
        for (var i = _rules.Count - 1; i >= 0; i--)
        {
            if (_rules[i].Matches(relativePath, isDirectory))
            {
                return !_rules[i].Negate;
            }
        }

        return null;
    }
}
