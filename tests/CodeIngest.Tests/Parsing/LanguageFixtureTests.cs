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
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["bash"] =
        [
            "log function 4-6",
            "build function 8-11",
        ],
        ["kotlin"] =
        [
            "Shape interface 3-5",
            "area method 4-4",
            "Circle class 7-9",
            "area method 8-8",
            "Registry class 11-13",
            "Color enum 15-15",
            "main function 17-19",
        ],
        ["haskell"] =
        [
            "Geometry module 1-1",
            "Shape type 3-3",
            "Named interface 5-6",
            "area function 9-9",
            "area function 10-10",
            "Point type 12-12",
        ],
        ["julia"] =
        [
            "Shapes module 1-19",
            "Circle struct 3-5",
            "Shape type 7-7",
            "area function 9-11",
            "perimeter function 13-13",
            "twice macro 15-17",
        ],
        ["php"] =
        [
            "App module 2-2",
            "Greets interface 4-7",
            "greet method 6-6",
            "Greeter class 9-17",
            "__construct method 11-11",
            "greet method 13-16",
            "helper function 19-22",
        ],
        ["elixir"] =
        [
            "Demo.Greeter module 1-13",
            "greet function 4-6",
            "secret function 8-8",
            "twice function 10-12",
        ],
        ["scala"] =
        [
            "demo module 1-1",
            "Shape interface 3-5",
            "area method 4-4",
            "Circle class 7-9",
            "r property 7-7",
            "area method 8-8",
            "Main object 11-14",
            "main method 12-13",
        ],
        ["swift"] =
        [
            "Shape interface 1-3",
            "area method 2-2",
            "Circle struct 5-15",
            "init constructor 8-10",
            "area method 12-14",
            "Color enum 17-19",
            "main function 21-23",
        ],
        ["lua"] =
        [
            "greet function 3-5",
            "describe method 7-9",
            "helper function 11-13",
            "global_fn function 15-17",
        ],
        ["ocaml"] =
        [
            "shape type 1-1",
            "Circle enum_variant 1-1",
            "Square enum_variant 1-1",
            "area function 3-5",
            "Registry module 7-11",
            "add function 10-10",
            "counter class 13-16",
            "incr method 15-15",
        ],
        ["ocaml_interface"] =
        [
            "shape type 1-1",
            "Registry module 5-7",
        ],
        ["markdown"] =
        [
            "Demo section 1-18",
            "Install section 5-11",
            "From source section 9-11",
            "Usage section 13-18",
            "Setext title section 15-16",
        ],
        ["sql"] =
        [
            "users table 1-4",
            "active_users view 6-7",
        ],
        ["dart"] =
        [
            "Shape class 1-3",
            "area method 2-2",
            "Circle class 5-12",
            "Circle constructor 8-8",
            "area method 11-11",
            "Color enum 14-14",
            "Named class 16-18",
            "name method 17-17",
            "main function 20-22",
        ],
        ["zig"] =
        [
            "Point struct 3-10",
            "add method 7-9",
            "Color enum 12-12",
            "main function 14-16",
        ],
        ["hcl"] =
        [
            "region variable 1-3",
            "web resource 5-8",
            "vpc module 10-12",
            "ip output 14-16",
        ],
        ["make"] =
        [
            "all target 5-5",
            "app target 7-8",
            "clean target 10-11",
            "greet macro 13-15",
        ],
        ["powershell"] =
        [
            "Get-Greeting function 1-4",
            "Greeter class 6-10",
            "Greet method 7-9",
            "Only-Even function 12-12",
        ],
        ["r"] =
        [
            "area function 3-5",
            "perimeter function 7-7",
        ],
        ["perl"] =
        [
            "Demo::Greeter module 2-2",
            "new function 5-8",
            "greet function 10-13",
        ],
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
        Assert.Equal(Expected.GetValueOrDefault(language, []), actual);
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
