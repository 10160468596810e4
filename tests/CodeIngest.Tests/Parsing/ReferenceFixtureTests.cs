// Signatures, doc comments and metrics on the fixtures (Parsing/Fixtures/); what each fixture yields
// (definitions, imports, calls, inheritance) is checked in LanguageFixtureTests.
using CodeIngest.Parsing;
using Xunit;

namespace CodeIngest.Tests.Parsing;

public sealed class ReferenceFixtureTests
{
    [Fact]
    public void Signatures_docs_and_metrics_are_filled()
    {
        var python = ParseFixture("python", "sample.py");
        var shape = python.Definitions.Single(d => d.QualifiedName == "Shape");
        var area = python.Definitions.Single(d => d.QualifiedName == "Shape.area");
        Assert.Equal("class Shape(Base, abc.ABC)", shape.Signature);
        Assert.Equal("A shape.", shape.Doc);
        Assert.Null(shape.Metrics);
        Assert.Equal("def area(self, scale)", area.Signature);
        // if + and + for: cyclomatic 4; the for nests in the if: depth 2; cognitive 1 (if) + 1 (and) + 2 (nested for).
        Assert.Equal(new CodeMetrics(5, 5, 0, 4, 2, 2, 4), area.Metrics);
        Assert.Equal(new CodeMetrics(24, 17, 0, 4, 2, 0, 4), python.Metrics);

        var go = ParseFixture("go", "sample.go");
        var method = go.Definitions.Single(d => d.QualifiedName == "Circle.Area");
        Assert.Equal("func (c *Circle) Area(scale float64) float64", method.Signature);
        Assert.Equal("Area computes the area.", method.Doc);
        Assert.Equal(1, method.Metrics!.Parameters);

        var c = ParseFixture("c", "sample.c");
        var add = c.Definitions.Single(d => d.Name == "add");
        Assert.Equal("int add(int a, int b)", add.Signature);
        Assert.Equal("Adds two numbers.", add.Doc);
        Assert.Equal(1, c.Metrics!.CommentLines);

        var java = ParseFixture("java", "Sample.java");
        Assert.Equal("A greeter.", java.Definitions.Single(d => d.QualifiedName == "app.Greeter").Doc);
        Assert.Equal("constructor", java.Definitions.Single(d => d.QualifiedName == "app.Greeter.Greeter").Kind);
    }

    private static ParsedFile ParseFixture(string language, string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Parsing", "Fixtures", file);
        return TreeSitterParserLanguageTests.Parser.Parse(path, language, File.ReadAllBytes(path));
    }
}
