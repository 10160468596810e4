using System.Text.Json;
using CodeIngest.Graph;
using CodeIngest.Parsing;
using CodeIngest.Quality;
using CodeIngest.Storage;
using Xunit;
using static CodeIngest.Tests.Graph.GraphFiles;

namespace CodeIngest.Tests.Quality;

public sealed class QualityAnalyzerTests
{
    // Built at run time so this test file itself holds no key-shaped string.
    private static readonly string AwsKey = "AKIA" + "Q3EGRT7VXMPL2KWZ";
    private static readonly string Password = "pV8#qL2$zR9!mK4w";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Planted_secrets_are_found_and_masked_in_every_output()
    {
        var config = File("settings.py", "python",
            $"AWS_ACCESS_KEY_ID = \"{AwsKey}\"\ndb_password = \"{Password}\"\nAPI_TOKEN = \"changeme-your-token\"\nname = \"{Password}\"\n");
        var report = QualityAnalyzer.Analyze([config], Ct);

        var aws = Assert.Single(report.Findings, f => f.Rule == "secret/aws-access-key");
        Assert.Equal(("high", "settings.py", 1), (aws.Severity, aws.Path, aws.Line));
        Assert.Equal("hard-coded AWS access key id AKIA****(20 chars)", aws.Message);
        var assignment = Assert.Single(report.Findings, f => f.Rule == "secret/high-entropy-assignment");
        Assert.Equal(2, assignment.Line);
        Assert.Contains("'db_password' pV8#****(16 chars)", assignment.Message);

        // The placeholder (line 3) and a high-entropy value under an innocent name (line 4) are not findings.
        Assert.DoesNotContain(report.Findings, f => f.Line is 3 or 4);

        var json = JsonSerializer.Serialize(report, CodeInsights.Json);
        Assert.DoesNotContain(AwsKey, json);
        Assert.DoesNotContain(Password, json);
        Assert.Equal(50, report.Breakdown.Security); // two high findings, 25 points each
    }

    [Theory]
    [InlineData("python", "result = eval(user_input)\n", "dangerous/eval")]
    [InlineData("python", "exec(code)\n", "dangerous/exec")]
    [InlineData("python", "subprocess.run(cmd, shell=True)\n", "dangerous/shell")]
    [InlineData("python", "data = pickle.loads(blob)\n", "dangerous/deserialization")]
    [InlineData("python", "cfg = yaml.load(text)\n", "dangerous/deserialization")]
    [InlineData("python", "cur.execute(\"SELECT * FROM users WHERE id = \" + user_id)\n", "dangerous/sql-concatenation")]
    [InlineData("python", "cur.execute(f\"DELETE FROM users WHERE id = {user_id}\")\n", "dangerous/sql-concatenation")]
    [InlineData("javascript", "const f = new Function(body);\n", "dangerous/new-function")]
    [InlineData("javascript", "db.query(`SELECT name FROM t WHERE id = ${id}`);\n", "dangerous/sql-concatenation")]
    [InlineData("csharp", "var f = new BinaryFormatter();\n", "dangerous/deserialization")]
    [InlineData("csharp", "cmd.CommandText = $\"UPDATE users SET name = '{name}'\";\n", "dangerous/sql-concatenation")]
    [InlineData("java", "Runtime.getRuntime().exec(cmd);\n", "dangerous/shell")]
    [InlineData("php", "$o = unserialize($_GET['x']);\n", "dangerous/deserialization")]
    public void Dangerous_calls_are_found_per_language(string language, string line, string rule)
    {
        var report = QualityAnalyzer.Analyze([File("x." + language, language, "\n" + line)], Ct);
        var finding = Assert.Single(report.Findings, f => f.Rule.StartsWith("dangerous/", StringComparison.Ordinal));
        Assert.Equal((rule, 2), (finding.Rule, finding.Line));
    }

    [Theory]
    [InlineData("python", "# eval(x) is what we avoid\nvalue = literal_eval(x)\nmodel.eval()\n")]
    [InlineData("python", "cur.execute(\"SELECT * FROM users WHERE id = %s\", (user_id,))\n")]
    [InlineData("python", "cfg = yaml.load(text, Loader=yaml.SafeLoader)\n")]
    [InlineData("javascript", "// new Function(body)\nconst total = evaluate(x);\n")]
    public void Safe_code_and_comments_are_not_findings(string language, string text) =>
        Assert.DoesNotContain(QualityAnalyzer.Analyze([File("x", language, text)], Ct).Findings, f => f.Rule.StartsWith("dangerous/", StringComparison.Ordinal));

    [Fact]
    public void Duplicated_blocks_across_files_are_reported_with_their_lines()
    {
        var block = string.Join('\n', Enumerable.Range(0, 12).Select(i => $"    total = total + values[{i}] * weight_{i}"));
        var a = File("a.py", "python", "def first(values):\n    total = 0\n" + block + "\n    return total\n");
        var b = File("b.py", "python", "# copied\n\n\ndef second(values):\n    total = 0\n" + block + "\n    return total\n");
        var c = File("c.py", "python", "def unrelated():\n    return 42\n");
        var report = QualityAnalyzer.Analyze([a, b, c], Ct);

        var duplicate = Assert.Single(report.Duplicates);
        Assert.Equal(("b.py", "a.py"), (duplicate.Path, duplicate.OtherPath));
        Assert.Equal((4, 18), (duplicate.StartLine, duplicate.EndLine));
        Assert.Equal((1, 15), (duplicate.OtherStartLine, duplicate.OtherEndLine));
        Assert.Contains(report.Findings, f => f.Rule == "duplication/block" && f.Path == "b.py" && f.Line == 4);
        Assert.Equal(15, report.Files.Single(f => f.Path == "b.py").DuplicatedLines);
        Assert.True(report.Breakdown.Duplication < 100);
    }

    [Fact]
    public void Winnowing_finds_a_block_copied_across_files_and_within_one_file_with_exact_lines()
    {
        var block = string.Join('\n', Enumerable.Range(0, 15).Select(i => $"    result_{i} = compute(values[{i}], factor_{i}) + offset"));
        var inner = string.Join('\n', Enumerable.Range(0, 6).Select(i => $"    log.write(record_{i}.name, record_{i}.size * {i})"));
        var x = File("x.py", "python", "import os\n\ndef alpha():\n" + block + "\n    print(1)\n");
        var y = File("y.py", "python", "def beta(a, b):\n    z = a * b\n" + block + "\n    return z\n");
        var z = File("z.py", "python", "def one():\n    a = 1\n" + inner + "\n    b = 2\ndef two():\n    c = 3\n" + inner + "\n    d = 4\n");
        var report = QualityAnalyzer.Analyze([x, y, z], Ct);

        // Reported once, in the later place, from its first token to its last.
        Assert.Equal(
            [
                new DuplicateBlock("y.py", 3, 17, "x.py", 4, 18, CodeTokenizer.Tokenize(block, "python").Count),
                new DuplicateBlock("z.py", 12, 17, "z.py", 3, 8, CodeTokenizer.Tokenize(inner, "python").Count),
            ],
            report.Duplicates);
        Assert.Equal([0, 15, 6], report.Files.Select(f => f.DuplicatedLines));

        // Shorter than ShingleTokens tokens is not a block, even when it spans many lines.
        var shortBlock = string.Join('\n', Enumerable.Range(0, 8).Select(i => $"    v{i} = {i}"));
        Assert.Empty(QualityAnalyzer.Analyze([File("p.py", "python", "q = 1\n" + shortBlock + "\n"), File("r.py", "python", "s = 2\n" + shortBlock + "\n")], Ct).Duplicates);
    }

    [Fact]
    public async Task Streaming_review_equals_the_in_memory_review()
    {
        var block = string.Join('\n', Enumerable.Range(0, 12).Select(i => $"    total = total + values[{i}] * weight_{i}"));
        var tangled = new CodeMetrics(40, 38, 2, 14, 5, 3, 22);
        StoredFile[] files =
        [
            File("a.py", "python", "def first(values):\n    total = 0\n" + block + "\n    return total\n"),
            File("b.py", "python", "x = eval(s)\ndef second(values):\n    total = 0\n" + block + "\n    return total\n", [Def("second", "function", 2, 16, metrics: tangled)]),
            File("conf.json", "json", $"{{\"key\": \"{AwsKey}\"}}"),
            File("settings.py", "python", $"db_password = \"{Password}\"\n"),
        ];

        var expected = JsonSerializer.Serialize(QualityAnalyzer.Analyze(files, Ct), CodeInsights.Json);
        var streamed = JsonSerializer.Serialize(await QualityAnalyzer.AnalyzeAsync(files.ToAsyncEnumerable(), parallelism: 3, Ct), CodeInsights.Json);
        Assert.Equal(expected, streamed);
        Assert.Contains("\"duplication/block\"", streamed);
        Assert.Contains("\"secret/aws-access-key\"", streamed);
    }

    [Fact]
    public void Complexity_comes_from_the_parser_metrics_with_thresholds_and_maintainability()
    {
        var simple = new CodeMetrics(3, 3, 0, 1, 1, 1, 0);
        var tangled = new CodeMetrics(40, 38, 2, 14, 5, 3, 22);
        var file = File("svc.py", "python", string.Join('\n', Enumerable.Range(1, 45).Select(i => $"x{i} = y{i} + {i}")),
            [Def("simple", "function", 1, 3, metrics: simple), Def("tangled", "method", 4, 43, "Svc.tangled", tangled), Def("Svc", "class", 4, 45)]);
        var report = QualityAnalyzer.Analyze([file], Ct);

        Assert.Equal(["simple", "Svc.tangled"], report.Functions.Select(f => f.Name));
        var t = report.Functions[1];
        Assert.Equal((14, 22, 5, 3), (t.Cyclomatic, t.Cognitive, t.MaxNesting, t.Parameters));
        Assert.Equal(["complexity/cognitive", "complexity/cyclomatic"], report.Findings.Select(f => f.Rule));
        Assert.Equal("Svc.tangled has cyclomatic complexity 14 (threshold 10)", report.Findings[1].Message);
        Assert.Equal(("low", 4), (report.Findings[1].Severity, report.Findings[1].Line));
        Assert.Equal(50, report.Breakdown.Complexity); // one of two functions is complex
        Assert.Equal(1, report.Breakdown.ComplexFunctions);
        Assert.True(report.Functions[0].Maintainability > t.Maintainability);
    }

    [Fact]
    public void Maintainability_index_follows_the_formula()
    {
        // (171 - 5.2 ln(1000) - 0.23*10 - 16.2 ln(100)) * 100 / 171 = 34.02...
        Assert.Equal(34.0, QualityAnalyzer.MaintainabilityIndex(1000, 10, 100));
        Assert.Equal(100, QualityAnalyzer.MaintainabilityIndex(0, 0, 1));
        Assert.Equal(0, QualityAnalyzer.MaintainabilityIndex(1e9, 500, 100_000));

        var tokens = CodeTokenizer.Tokenize("a = b + a # comment\n", "python");
        Assert.Equal(["a", "=", "b", "+", "a"], tokens.Select(t => t.Text));
        Assert.Equal(5 * Math.Log2(4), QualityAnalyzer.HalsteadVolume(tokens), 9);
    }

    [Fact]
    public void Score_is_the_weighted_breakdown()
    {
        var report = QualityAnalyzer.Analyze([File("ok.py", "python", "x = eval(s)\n")], Ct);
        var b = report.Breakdown;
        Assert.Equal(75, b.Security);
        Assert.Equal(Math.Round(0.25 * b.Complexity + 0.25 * b.Maintainability + 0.20 * b.Duplication + 0.30 * b.Security, 1), report.Score);
        Assert.Equal(1, b.FindingsBySeverity["high"]);
    }

    [Fact]
    public void Entropy_and_mask()
    {
        Assert.Equal(0, SecurityScanner.Entropy("aaaa"));
        Assert.Equal(2, SecurityScanner.Entropy("abcd"), 9);
        Assert.Equal("****(5 chars)", SecurityScanner.Mask("short"));
        Assert.Equal("abcd****(10 chars)", SecurityScanner.Mask("abcdefghij"));
    }
}
