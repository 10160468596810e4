// Error handling, predicates, line counting and the time budget of TreeSitterParser.
using System.Text;
using CodeIngest.Parsing;
using Xunit;
using static CodeIngest.Tests.Parsing.TreeSitterParserLanguageTests;

namespace CodeIngest.Tests.Parsing;

public sealed class TreeSitterParserBehaviourTests
{
    [Fact]
    public void SyntaxError_IsRecorded_AndWhatParsedIsKept()
    {
        var parsed = Parse("python", """
            def ok():
                return 1


            def broken(:
                pass


            def after():
                return 2
            """);
        Assert.NotNull(parsed.Error);
        Assert.StartsWith("syntax error at line 5,", parsed.Error);
        Assert.Contains(parsed.Definitions, d => d is { Name: "ok", Kind: "function", StartLine: 1, EndLine: 2 });
        Assert.Contains(parsed.Definitions, d => d is { Name: "after", Kind: "function", StartLine: 9, EndLine: 10 });
    }

    [Fact]
    public void MissingToken_IsReportedWithItsPosition()
    {
        var parsed = Parse("c", "int main(void) {\n    return 1\n}\n");
        Assert.NotNull(parsed.Error);
        Assert.Matches(@"^syntax error at line 2, column \d+", parsed.Error);
        Assert.Contains(parsed.Definitions, d => d.Name == "main");
    }

    [Fact]
    public void InvalidUtf8_GivesAnError_NotAnException()
    {
        byte[] content = [.. "def f():\n    return 1\n"u8, 0xC3, 0x28, (byte)'\n'];
        var parsed = Parser.Parse("bad.py", "python", content);
        Assert.Equal("content is not valid UTF-8 (first invalid byte at offset 22)", parsed.Error);
        Assert.Empty(parsed.Definitions);
        Assert.Equal(3, parsed.Lines);
    }

    [Fact]
    public void UnknownLanguage_GivesAnError()
    {
        var parsed = Parser.Parse("x.cob", "cobol", "IDENTIFICATION DIVISION."u8);
        Assert.NotNull(parsed.Error);
        Assert.StartsWith("unknown language 'cobol'", parsed.Error);
        Assert.Empty(parsed.Definitions);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("a\n", 1)]
    [InlineData("a\nb", 2)]
    [InlineData("a\n\n", 2)]
    public void Lines_CountsLines(string content, int lines) =>
        Assert.Equal(lines, Parser.Parse("f.py", "python", Encoding.UTF8.GetBytes(content)).Lines);

    [Fact]
    public void EmptyFile_HasNoDefinitionsAndNoError()
    {
        var parsed = Parser.Parse("empty.rs", "rust", []);
        Assert.Null(parsed.Error);
        Assert.Empty(parsed.Definitions);
    }

    [Fact]
    public void NonAsciiNames_AndByteOffsets_AreUtf8()
    {
        var source = "# héllo wörld\ndef grüße():\n    pass\n";
        var parsed = Parse("python", source);
        var definition = Assert.Single(parsed.Definitions);
        Assert.Equal("grüße", definition.Name);
        Assert.Equal(Encoding.UTF8.GetByteCount("# héllo wörld\n"), definition.StartByte);
        Assert.Equal(Encoding.UTF8.GetByteCount(source) - 1, definition.EndByte);
    }

    [Fact]
    public void ParseOverBudget_GivesAnError()
    {
        using var parser = new TreeSitterParser(parseBudget: TimeSpan.FromTicks(1));
        var source = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"def f{i}(a, b):\n    return a + b * {i}\n"));
        var parsed = parser.Parse("big.py", "python", Encoding.UTF8.GetBytes(source));
        Assert.NotNull(parsed.Error);
        Assert.Contains("budget", parsed.Error);
        Assert.Empty(parsed.Definitions);

        // The pooled parser was reset and parses the next file normally.
        var next = parser.Parse("small.py", "python", "def g():\n    pass\n"u8);
        Assert.Null(next.Error);
        Assert.Single(next.Definitions);
    }

    [Fact]
    public void TextPredicates_AreApplied()
    {
        // A custom tags query exercising each predicate form, plus directives and predicates that must be ignored.
        var directory = Directory.CreateTempSubdirectory("codeingest-queries-");
        try
        {
            Directory.CreateDirectory(Path.Combine(directory.FullName, "python"));
            File.WriteAllText(Path.Combine(directory.FullName, "python", "tags.scm"), """
                ((function_definition name: (identifier) @name) @definition.test
                  (#match? @name "^test_")
                  (#set! kind "test"))
                ((function_definition name: (identifier) @name) @definition.dunder
                  (#any-of? @name "__init__" "__repr__"))
                ((function_definition name: (identifier) @name) @definition.plain
                  (#not-match? @name "^(test_|__)")
                  (#not-any-of? @name "skipped")
                  (#not-eq? @name "ignored")
                  (#is-not? local)
                  (#strip! @name "x"))
                ((class_definition name: (identifier) @name superclasses: (argument_list (identifier) @base)) @definition.selfish
                  (#eq? @name @base))
                ((class_definition name: (identifier) @name superclasses: (argument_list (identifier) @base)) @definition.other
                  (#not-eq? @name @base))
                ((class_definition name: (identifier) @name) @definition.exact
                  (#eq? @name "Exact"))
                """);
            using var parser = new TreeSitterParser(directory.FullName);
            var parsed = parser.Parse("p.py", "python", """
                def test_one(): pass
                def __init__(self): pass
                def __eq__(self): pass
                def helper(): pass
                def skipped(): pass
                def ignored(): pass
                class Same(Same): pass
                class Child(Base): pass
                class Exact: pass
                """u8);
            Assert.Null(parsed.Error);
            Assert.Equal(
                [("test_one", "test"), ("__init__", "dunder"), ("helper", "plain"), ("Same", "selfish"), ("Child", "other"), ("Exact", "exact")],
                parsed.Definitions.Select(d => (d.Name, d.Kind)).ToArray());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void MissingQueries_GiveAnError()
    {
        using var parser = new TreeSitterParser(Path.Combine(Path.GetTempPath(), "codeingest-no-such-queries"));
        var parsed = parser.Parse("a.py", "python", "def f(): pass\n"u8);
        Assert.NotNull(parsed.Error);
        Assert.Contains("no queries for language 'python'", parsed.Error);
    }

    [Fact]
    public async Task Parse_IsThreadSafe()
    {
        var source = Encoding.UTF8.GetBytes("class A:\n    def m(self):\n        pass\n\ndef f():\n    pass\n");
        var expected = Parser.Parse("a.py", "python", source);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 200).Select(i => Parser.Parse($"a{i}.py", i % 2 == 0 ? "python" : "ruby", source)).ToArray())));
        foreach (var parsed in results.SelectMany(r => r).Where(p => p.Language == "python"))
        {
            Assert.Equal(expected.Definitions, parsed.Definitions);
        }
    }
}
