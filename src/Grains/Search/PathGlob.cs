// Path globs for search filters: `*` any run without '/', `**` any run (also across folders), `?` one
// character. A glob without '/' matches the file name or the whole path ("*.py"); one with '/' the
// whole path ("src/**/*.cs"). Matching ignores case.
using System.Text;
using System.Text.RegularExpressions;

namespace CodeIngest.Search;

public sealed class PathGlob
{
    private readonly Regex _regex;
    private readonly bool _nameOnly;

    private PathGlob(Regex regex, bool nameOnly)
    {
        _regex = regex;
        _nameOnly = nameOnly;
    }

    public static PathGlob Parse(string glob)
    {
        if (string.IsNullOrWhiteSpace(glob))
        {
            throw new ArgumentException("path glob is empty (examples: *.py, src/**/*.cs)", nameof(glob));
        }

        var pattern = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                i++;
                if (i + 1 < glob.Length && glob[i + 1] == '/')
                {
                    i++;
                    pattern.Append("(?:.*/)?");
                }
                else
                {
                    pattern.Append(".*");
                }
            }
            else if (c == '*')
            {
                pattern.Append("[^/]*");
            }
            else if (c == '?')
            {
                pattern.Append("[^/]");
            }
            else
            {
                pattern.Append(Regex.Escape(c.ToString()));
            }
        }

        pattern.Append('$');
        return new PathGlob(new Regex(pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), !glob.Contains('/'));
    }

    public bool IsMatch(string path) =>
        _regex.IsMatch(path) || (_nameOnly && _regex.IsMatch(path[(path.LastIndexOf('/') + 1)..]));
}
