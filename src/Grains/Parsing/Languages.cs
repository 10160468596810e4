// The languages CodeIngest parses and how a file's language is recognised: by extension, by file
// name (Makefile, Gemfile…) and, for extensionless scripts, by the interpreter of a #! line.
using System.Text.RegularExpressions;

namespace CodeIngest.Parsing;

/// <summary>
/// A parseable language: its name (used in outputs and as the grammar key), the suffix of its C symbol
/// <c>tree_sitter_&lt;grammar&gt;</c>, the file extensions and exact file names it owns, the interpreters
/// that select it from a <c>#!</c> line, and whether definitions are extracted for it (data and markup
/// languages such as JSON or YAML are parsed but yield no definitions).
/// </summary>
public sealed record LanguageInfo(
    string Name,
    string Grammar,
    IReadOnlyList<string> Extensions,
    IReadOnlyList<string>? FileNames = null,
    IReadOnlyList<string>? Interpreters = null,
    bool Definitions = true)
{
    public IReadOnlyList<string> FileNames { get; init; } = FileNames ?? [];

    public IReadOnlyList<string> Interpreters { get; init; } = Interpreters ?? [];

    /// <summary>Imports (include, use, require…) are extracted as references, with the module or path as written.</summary>
    public bool Imports { get; init; }

    /// <summary>Calls are extracted as references (called name, receiver, enclosing definition).</summary>
    public bool Calls { get; init; }

    /// <summary>Inheritance and implementation (base classes, interfaces, traits, embedded types) are extracted as references.</summary>
    public bool Inheritance { get; init; }

    /// <summary>
    /// Another language whose project references query (<c>references.scm</c>) this one uses when it has
    /// none of its own: TSX shares TypeScript's, as their grammars name the same nodes.
    /// </summary>
    public string? ReferencesOf { get; init; }

    /// <summary>What a parse of this language yields, in words: for <c>codeingest languages</c>.</summary>
    public IReadOnlyList<string> Extracts =>
    [
        .. Definitions ? new[] { "definitions" } : [],
        .. Imports ? new[] { "imports" } : [],
        .. Calls ? new[] { "calls" } : [],
        .. Inheritance ? new[] { "inheritance" } : [],
        .. Definitions ? new[] { "metrics" } : new[] { "file-metrics" },
    ];
}

public static partial class Languages
{
    /// <summary>Every language with a compiled grammar. <see cref="LanguageInfo.Grammar"/> is the suffix of the C symbol <c>tree_sitter_&lt;grammar&gt;</c>.</summary>
    public static readonly IReadOnlyList<LanguageInfo> All =
    [
        new("python", "python", [".py", ".pyi", ".pyw"], ["SConstruct", "SConscript"], ["python", "pypy"]) { Imports = true, Calls = true, Inheritance = true },
        new("javascript", "javascript", [".js", ".mjs", ".cjs", ".jsx"], null, ["node", "nodejs"]) { Imports = true, Calls = true, Inheritance = true },
        new("typescript", "typescript", [".ts", ".mts", ".cts"], null, ["ts-node", "deno", "tsx", "bun"]) { Imports = true, Calls = true, Inheritance = true },
        new("tsx", "tsx", [".tsx"]) { Imports = true, Calls = true, Inheritance = true, ReferencesOf = "typescript" },
        new("go", "go", [".go"]) { Imports = true, Calls = true, Inheritance = true },
        new("rust", "rust", [".rs"]) { Imports = true, Calls = true, Inheritance = true },
        new("java", "java", [".java"]) { Imports = true, Calls = true, Inheritance = true },
        new("csharp", "c_sharp", [".cs"]) { Imports = true, Calls = true, Inheritance = true },
        new("c", "c", [".c", ".h"]) { Imports = true, Calls = true },
        new("cpp", "cpp", [".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++"]) { Imports = true, Calls = true, Inheritance = true },
        new("ruby", "ruby", [".rb", ".rake", ".gemspec", ".ru"],
            ["Gemfile", "Rakefile", "Guardfile", "Podfile", "Vagrantfile", "Brewfile", "Fastfile", "Capfile"], ["ruby", "jruby"]) { Imports = true, Calls = true, Inheritance = true },
        new("php", "php", [".php", ".phtml", ".php5", ".php7", ".phps"], null, ["php"]) { Imports = true, Calls = true, Inheritance = true },
        new("bash", "bash", [".sh", ".bash"], [".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", "PKGBUILD"],
            ["sh", "bash", "dash", "ash", "ksh"]) { Imports = true, Calls = true },
        new("elixir", "elixir", [".ex", ".exs"], null, ["elixir"]) { Imports = true, Calls = true, Inheritance = true },
        new("kotlin", "kotlin", [".kt", ".kts"], null, ["kotlin"]) { Imports = true, Calls = true, Inheritance = true },
        new("scala", "scala", [".scala", ".sc"], null, ["scala"]) { Imports = true, Calls = true, Inheritance = true },
        new("swift", "swift", [".swift"], null, ["swift"]) { Imports = true, Calls = true, Inheritance = true },
        new("lua", "lua", [".lua"], null, ["lua", "luajit"]) { Imports = true, Calls = true },
        new("haskell", "haskell", [".hs"], null, ["runhaskell", "runghc", "stack"]) { Imports = true, Calls = true, Inheritance = true },
        new("ocaml", "ocaml", [".ml"], null, ["ocaml"]) { Imports = true, Calls = true, Inheritance = true },
        new("ocaml_interface", "ocaml_interface", [".mli"]) { Imports = true },
        new("julia", "julia", [".jl"], null, ["julia"]) { Imports = true, Calls = true, Inheritance = true },
        new("json", "json", [".json", ".jsonc", ".geojson", ".webmanifest"], [".babelrc", ".eslintrc", "composer.lock"], Definitions: false),
        new("html", "html", [".html", ".htm", ".xhtml"], Definitions: false),
        new("css", "css", [".css"], Definitions: false),
        new("yaml", "yaml", [".yml", ".yaml"], Definitions: false),
        new("toml", "toml", [".toml"], ["Cargo.lock", "Pipfile", "poetry.lock", "uv.lock"], Definitions: false),
        new("markdown", "markdown", [".md", ".markdown", ".mdown", ".mkd"]),
        new("sql", "sql", [".sql"]),
        new("dart", "dart", [".dart"], null, ["dart"]) { Imports = true, Calls = true, Inheritance = true },
        new("zig", "zig", [".zig"]) { Imports = true, Calls = true },
        new("hcl", "hcl", [".hcl", ".tf", ".tfvars"]) { Imports = true, Calls = true },
        new("make", "make", [".mk", ".mak", ".make"], ["Makefile", "makefile", "GNUmakefile"], ["make"]) { Imports = true, Calls = true },
        new("powershell", "powershell", [".ps1", ".psm1"], null, ["pwsh", "powershell"]) { Imports = true, Calls = true, Inheritance = true },
        new("r", "r", [".r"], [".Rprofile"], ["Rscript"]) { Imports = true, Calls = true },
        new("perl", "perl", [".pl", ".pm", ".t"], null, ["perl"]) { Imports = true, Calls = true, Inheritance = true },
    ];

    private static readonly Dictionary<string, LanguageInfo> ByExtension = All
        .SelectMany(l => l.Extensions.Select(e => (e, l)))
        .ToDictionary(p => p.e, p => p.l, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, LanguageInfo> ByFileName = All
        .SelectMany(l => l.FileNames.Select(n => (n, l)))
        .ToDictionary(p => p.n, p => p.l, StringComparer.Ordinal);

    private static readonly Dictionary<string, LanguageInfo> ByInterpreter = All
        .SelectMany(l => l.Interpreters.Select(i => (i, l)))
        .ToDictionary(p => p.i, p => p.l, StringComparer.Ordinal);

    private static readonly Dictionary<string, LanguageInfo> ByName = All.ToDictionary(l => l.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The language of a file from its exact file name (Makefile, Gemfile…) or its extension, or null when no grammar handles it.</summary>
    public static LanguageInfo? FromPath(string path)
    {
        var fileName = Path.GetFileName(path);
        if (ByFileName.TryGetValue(fileName, out var named))
        {
            return named;
        }

        var extension = Path.GetExtension(path);
        return extension.Length > 0 && ByExtension.TryGetValue(extension, out var language) ? language : null;
    }

    /// <summary>
    /// The language of a file from its name (<see cref="FromPath"/>) or, when the name says nothing, from the
    /// interpreter of a <c>#!</c> line at the start of <paramref name="head"/> (the first bytes of the file;
    /// 256 are plenty): <c>#!/usr/bin/env python3</c>, <c>#!/bin/bash -e</c>, <c>#!/usr/bin/env -S node --x</c>.
    /// </summary>
    public static LanguageInfo? Detect(string path, ReadOnlySpan<byte> head) =>
        FromPath(path) ?? FromShebang(head);

    /// <summary>The language named by the interpreter of a <c>#!</c> line, or null.</summary>
    public static LanguageInfo? FromShebang(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        if (!head.StartsWith("#!"u8))
        {
            return null;
        }

        var end = head.IndexOfAny((byte)'\n', (byte)'\r');
        var line = System.Text.Encoding.UTF8.GetString(end < 0 ? head[2..] : head[2..end]);
        var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return null;
        }

        var interpreter = BaseName(words[0]);
        if (interpreter == "env")
        {
            // env [-S] [-i] [NAME=value]... program: the first word that is neither an option nor an assignment.
            interpreter = words.Skip(1).Where(w => !w.StartsWith('-') && !w.Contains('=')).Select(BaseName).FirstOrDefault() ?? "";
        }

        if (ByInterpreter.TryGetValue(interpreter, out var language))
        {
            return language;
        }

        // python3, python3.12, perl5, ruby2.7: drop the version.
        var unversioned = interpreter.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.');
        return unversioned.Length > 0 && ByInterpreter.TryGetValue(unversioned, out language) ? language : null;
    }

    /// <summary>
    /// The language of a file once its content is known: a <c>.h</c> header is C++ when its code uses a
    /// construct C does not have (<see cref="LooksLikeCpp"/>), otherwise C; every other file keeps
    /// <paramref name="language"/>.
    /// </summary>
    public static LanguageInfo ForContent(LanguageInfo language, string path, ReadOnlySpan<byte> content) =>
        language.Name == "c" && Path.GetExtension(path).Equals(".h", StringComparison.OrdinalIgnoreCase) && LooksLikeCpp(content)
            ? ByName["cpp"]
            : language;

    /// <summary>
    /// Whether C or C++ source uses C++: a class with a body or a base, a namespace, a template, an access
    /// specifier (<c>public:</c>), <c>using namespace</c> or a scope operator (<c>std::</c>). Comments, string
    /// and character literals and preprocessor lines are left out first, so a C header's
    /// <c>#ifdef __cplusplus</c> guard or a comment mentioning a class does not count. Reads the first 64 KiB.
    /// </summary>
    public static bool LooksLikeCpp(ReadOnlySpan<byte> content)
    {
        var text = System.Text.Encoding.UTF8.GetString(content[..Math.Min(content.Length, 64 * 1024)]);
        return CppConstruct().IsMatch(CommentStringOrDirective().Replace(text, " "));
    }

    [GeneratedRegex("""/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|^[ \t]*#(?:[^\n]*\\\r?\n)*[^\n]*""", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CommentStringOrDirective();

    [GeneratedRegex("""\bclass\s+[A-Za-z_]\w*\s*(?:final\s*)?[:{]|\bnamespace\s*(?:[A-Za-z_][\w:]*\s*)?[{=]|\btemplate\s*<|^\s*(?:public|protected|private)\s*:|\busing\s+namespace\b|\b[A-Za-z_]\w*\s*::\s*~?[A-Za-z_]""", RegexOptions.Multiline)]
    private static partial Regex CppConstruct();

    /// <summary>A language by its name (case-insensitive), or null.</summary>
    public static LanguageInfo? FromName(string name) => ByName.GetValueOrDefault(name);

    private static string BaseName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }
}
