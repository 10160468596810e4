// The languages CodeIngest parses and how a file's language is recognised from its name.
namespace CodeIngest.Parsing;

/// <summary>A parseable language: its name (used in outputs and as the grammar key) and the file extensions it owns.</summary>
public sealed record LanguageInfo(string Name, string Grammar, IReadOnlyList<string> Extensions);

public static class Languages
{
    /// <summary>Every language with a compiled grammar. <see cref="LanguageInfo.Grammar"/> is the suffix of the C symbol <c>tree_sitter_&lt;grammar&gt;</c>.</summary>
    public static readonly IReadOnlyList<LanguageInfo> All =
    [
        new("python", "python", [".py", ".pyi"]),
        new("javascript", "javascript", [".js", ".mjs", ".cjs", ".jsx"]),
        new("typescript", "typescript", [".ts", ".mts", ".cts"]),
        new("tsx", "tsx", [".tsx"]),
        new("go", "go", [".go"]),
        new("rust", "rust", [".rs"]),
        new("java", "java", [".java"]),
        new("csharp", "c_sharp", [".cs"]),
        new("c", "c", [".c", ".h"]),
        new("cpp", "cpp", [".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++"]),
        new("ruby", "ruby", [".rb"]),
    ];

    private static readonly Dictionary<string, LanguageInfo> s_byExtension = All
        .SelectMany(l => l.Extensions.Select(e => (e, l)))
        .ToDictionary(p => p.e, p => p.l, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, LanguageInfo> s_byName = All.ToDictionary(l => l.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The language of a file from its extension, or null when no grammar handles it.</summary>
    public static LanguageInfo? FromPath(string path)
    {
        var extension = Path.GetExtension(path);
        return extension.Length > 0 && s_byExtension.TryGetValue(extension, out var language) ? language : null;
    }

    /// <summary>A language by its name (case-insensitive), or null.</summary>
    public static LanguageInfo? FromName(string name) => s_byName.GetValueOrDefault(name);
}
