// One fixture file per language added for the 30+ language set (Parsing/Fixtures/), with the exact
// definitions (name, kind, start and end line) it must yield; data languages must parse cleanly and
// yield none.
using CodeIngest.Parsing;
using Xunit;

namespace CodeIngest.Tests.Parsing;

public sealed class LanguageFixtureTests
{
    public static readonly TheoryData<string, string> Fixtures = new()
    {
        { "bash", "sample.sh" },
        { "kotlin", "sample.kt" },
        { "haskell", "sample.hs" },
        { "julia", "sample.jl" },
        { "php", "sample.php" },
        { "elixir", "sample.ex" },
        { "scala", "sample.scala" },
        { "swift", "sample.swift" },
        { "lua", "sample.lua" },
        { "ocaml", "sample.ml" },
        { "ocaml_interface", "sample.mli" },
        { "json", "sample.json" },
        { "html", "sample.html" },
        { "css", "sample.css" },
        { "yaml", "sample.yaml" },
        { "toml", "sample.toml" },
        { "markdown", "sample.md" },
        { "sql", "sample.sql" },
        { "dart", "sample.dart" },
        { "zig", "sample.zig" },
        { "hcl", "sample.tf" },
        { "make", "Makefile" },
        { "powershell", "sample.ps1" },
        { "r", "sample.r" },
        { "perl", "sample.pl" },
    };

    // "name kind start-end", in source order.
    private static readonly Dictionary<string, string[]> s_expected = new()
    {
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_YieldsExactDefinitions(string language, string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Parsing", "Fixtures", file);
        Assert.Equal(language, Languages.FromPath(path)?.Name);
        var parsed = TreeSitterParserLanguageTests.Parser.Parse(file, language, File.ReadAllBytes(path));
        var actual = parsed.Definitions.Select(d => $"{d.Name} {d.Kind} {d.StartLine}-{d.EndLine}").ToArray();
        if (Environment.GetEnvironmentVariable("CODEINGEST_DUMP_FIXTURES") is { Length: > 0 } dump)
        {
            File.AppendAllText(dump, $"{language}\t{parsed.Error}\n" + string.Join("\n", actual.Select(a => "    " + a)) + "\n");
        }

        Assert.Null(parsed.Error);
        Assert.Equal(s_expected.GetValueOrDefault(language, []), actual);
        Assert.Equal(Languages.FromName(language)!.Definitions, actual.Length > 0);
    }

    [Fact]
    public void EveryLanguage_HasAFixtureOrAnInlineTest()
    {
        string[] inline = ["python", "javascript", "typescript", "tsx", "go", "rust", "java", "csharp", "c", "cpp", "ruby"];
        var covered = Fixtures.Select(row => (string)row.Data.Item1).Concat(inline).Order().ToArray();
        Assert.Equal(Languages.All.Select(l => l.Name).Order().ToArray(), covered);
        Assert.True(Languages.All.Count >= 30, $"{Languages.All.Count} languages");
    }
}
