using CodeIngest.Indexing;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Indexing;

public sealed class ChunkerTests
{
    private static StoredFile File(string text, params Definition[] definitions) =>
        new("src/f.py", "python", "hash", text.Split('\n').Length, null, definitions, text);

    private static string Lines(int count, Func<int, string> line) => string.Join('\n', Enumerable.Range(1, count).Select(line)) + "\n";

    private static void AssertCovers(StoredFile file, IReadOnlyList<CodeChunk> chunks)
    {
        var lines = file.Text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                var lineNo = i + 1;
                Assert.True(chunks.Any(c => c.StartLine <= lineNo && lineNo <= c.EndLine), $"line {lineNo} is in no chunk");
            }
        }

        foreach (var chunk in chunks)
        {
            Assert.Equal(string.Join('\n', lines[(chunk.StartLine - 1)..chunk.EndLine]), chunk.Text);
        }
    }

    [Fact]
    public void Empty_and_blank_files_give_no_chunks()
    {
        Assert.Empty(Chunker.Chunk(File(string.Empty)));
        Assert.Empty(Chunker.Chunk(File("\n\n   \n")));
    }

    [Fact]
    public void One_chunk_per_outermost_definition_plus_remainders()
    {
        var text = "import os\nimport sys\n\ndef a():\n    pass\n\nclass B:\n    def m(self):\n        pass\n\nmain()\n";
        var file = File(text, new Definition("a", "function", 4, 5, 0, 0), new Definition("B", "class", 7, 9, 0, 0), new Definition("m", "method", 8, 9, 0, 0));

        var chunks = Chunker.Chunk(file);

        Assert.Equal(
            [(null, 1, 2), ("a", 4, 5), ("B", 7, 9), (null, 11, 11)],
            chunks.Select(c => (c.Symbol, c.StartLine, c.EndLine)));
        Assert.Equal("function", chunks[1].Kind);
        Assert.Equal("class", chunks[2].Kind);
        Assert.Null(chunks[0].Kind);
        Assert.Equal("import os\nimport sys", chunks[0].Text);
        Assert.All(chunks, c => Assert.Equal("src/f.py", c.Path));
        AssertCovers(file, chunks);
    }

    [Fact]
    public void Long_class_is_split_into_its_methods_and_its_own_lines()
    {
        // class C: lines 1..60; methods m1 2..30 and m2 31..59; line 60 is a closing brace.
        var text = Lines(60, i => i switch { 1 => "class C {", 60 => "}", _ => $"    stmt{i};" });
        var file = File(text, new Definition("C", "class", 1, 60, 0, 0), new Definition("m1", "method", 2, 30, 0, 0), new Definition("m2", "method", 31, 59, 0, 0));

        var chunks = Chunker.Chunk(file, maxLines: 40);

        Assert.Equal(
            [("C", 1, 1), ("m1", 2, 30), ("m2", 31, 59), ("C", 60, 60)],
            chunks.Select(c => (c.Symbol, c.StartLine, c.EndLine)));
        AssertCovers(file, chunks);
    }

    [Fact]
    public void Long_definition_without_children_is_split_into_overlapping_windows()
    {
        var text = Lines(300, i => $"x{i} = {i}");
        var file = File(text, new Definition("big", "function", 1, 300, 0, 0));

        var chunks = Chunker.Chunk(file, maxLines: 100);

        Assert.True(chunks.Count >= 3);
        Assert.All(chunks, c => Assert.True(c.EndLine - c.StartLine + 1 <= 100));
        Assert.All(chunks, c => Assert.Equal("big", c.Symbol));
        Assert.Equal(1, chunks[0].StartLine);
        Assert.Equal(300, chunks[^1].EndLine);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].StartLine <= chunks[i - 1].EndLine, "consecutive windows overlap");
        }

        AssertCovers(file, chunks);
    }

    [Fact]
    public void Long_remainders_are_windowed_and_definitions_past_the_end_are_clamped()
    {
        var text = Lines(250, i => $"print({i})");
        var file = File(text, new Definition("tail", "function", 240, 400, 0, 0), new Definition("ghost", "function", 500, 510, 0, 0));

        var chunks = Chunker.Chunk(file, maxLines: 120);

        Assert.Contains(chunks, c => c.Symbol == "tail" && c.StartLine == 240 && c.EndLine == 250);
        Assert.DoesNotContain(chunks, c => c.Symbol == "ghost");
        Assert.All(chunks, c => Assert.True(c.EndLine - c.StartLine + 1 <= 120));
        Assert.All(chunks.Where(c => c.Symbol is null), c => Assert.True(c.EndLine < 240));
        AssertCovers(file, chunks);
    }

    [Fact]
    public void Crlf_text_yields_lines_without_carriage_returns()
    {
        var file = File("def a():\r\n    pass\r\n", new Definition("a", "function", 1, 2, 0, 0));
        var chunk = Assert.Single(Chunker.Chunk(file));
        Assert.Equal("def a():\n    pass", chunk.Text);
    }
}
