using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CodeIngest.Graph;
using CodeIngest.Parsing;
using CodeIngest.Quality;
using CodeIngest.Storage;
using CodeIngest.Summary;
using Xunit;
using static CodeIngest.Tests.Graph.GraphFiles;

namespace CodeIngest.Tests.Summary;

public sealed class SummaryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RepositorySummary BuildLayered()
    {
        var files = Graph.GraphBuilderTests.LayeredProject();
        var graph = Build(files);
        return SummaryBuilder.Build("local/demo", "0123456789abcdef0123", files, ArchitectureAnalyzer.Analyze(graph, files), QualityAnalyzer.Analyze(files, Ct));
    }

    [Fact]
    public void Summary_is_built_from_readme_stats_entry_points_layers_and_ranks()
    {
        var s = BuildLayered();

        Assert.Equal("Demo turns rules into actions for people. Second line.", s.Purpose);
        Assert.Equal(6, s.Stats.Files);
        Assert.Equal("python", s.Stats.Languages[0].Language);
        Assert.Equal(5, s.Stats.Languages[0].Files);
        Assert.Equal(["0: util", "1: core", "2: cli"], s.Layers.Select(l => $"{l.Layer}: {string.Join(",", l.Modules.Where(m => m != "."))}"));
        Assert.Equal(["core/engine.py -> core/rules.py -> core/engine.py"], s.Cycles);
        Assert.Equal("util/text.py", s.TopFiles[0].Path);
        Assert.StartsWith("local/demo at commit 0123456789ab: Demo turns rules into actions for people. Second line.\n6 files,", s.Summary);
        Assert.Contains("Entry points: cli/main.py (executable script), cli/main.py (__main__ guard).", s.Summary);
        Assert.Contains("Import cycles: core/engine.py -> core/rules.py -> core/engine.py.", s.Summary);
    }

    [Theory]
    [InlineData("# Title\n[![build](x.svg)](y)\n\n<p>html</p>\n\nReal `purpose` here.\n\nMore.", "Real purpose here.")]
    [InlineData("Title\n=====\n\n```sh\nrun me\n```\nUse it.\n", "Title")]
    [InlineData("## Only headings\n", null)]
    public void Purpose_is_the_first_plain_paragraph_of_the_readme(string readme, string? expected) =>
        Assert.Equal(expected, SummaryBuilder.Purpose([File("docs/x.md", "markdown", "ignored"), File("README.md", "markdown", readme)]));

    [Fact]
    public async Task Model_summary_posts_a_chat_completion_with_the_material_and_reads_the_reply()
    {
        // A local HTTP listener stands in for an OpenAI-compatible server: it checks the request's shape.
        // No real model is called by this test.
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/v1/");
        listener.Start();
        string? seenPath = null, seenAuth = null, seenBody = null;
        var server = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            seenPath = context.Request.Url!.AbsolutePath;
            seenAuth = context.Request.Headers["Authorization"];
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                seenBody = await reader.ReadToEndAsync();
            }

            var reply = Encoding.UTF8.GetBytes("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"  A demo rules engine.  "},"finish_reason":"stop"}]}""");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(reply);
            context.Response.Close();
        }, Ct);

        var variable = "CODEINGEST_TEST_MODEL_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "test-key-123");
        try
        {
            using var http = new HttpClient();
            var options = new SummaryOptions { BaseUrl = $"http://127.0.0.1:{port}/v1/", Model = "tiny-model", ApiKeyEnvironmentVariable = variable };
            var text = await ModelSummarizer.SummarizeAsync(http, options, BuildLayered(), Ct);
            await server;

            Assert.Equal("A demo rules engine.", text);
            Assert.Equal("/v1/chat/completions", seenPath);
            Assert.Equal("Bearer test-key-123", seenAuth);
            using var body = JsonDocument.Parse(seenBody!);
            Assert.Equal("tiny-model", body.RootElement.GetProperty("model").GetString());
            Assert.Equal(600, body.RootElement.GetProperty("max_tokens").GetInt32());
            var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(["system", "user"], messages.Select(m => m.GetProperty("role").GetString()));
            var material = messages[1].GetProperty("content").GetString()!;
            Assert.Contains("\"purpose\":\"Demo turns rules into actions for people. Second line.\"", material);
            Assert.Contains("core/engine.py -> core/rules.py -> core/engine.py", material);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Model_errors_say_which_endpoint_answered_what()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.StatusCode = 401;
            await context.Response.OutputStream.WriteAsync("{\"error\":\"bad key\"}"u8.ToArray());
            context.Response.Close();
        }, Ct);
        using var http = new HttpClient();
        var ex = await Assert.ThrowsAsync<ModelSummaryException>(() =>
            ModelSummarizer.SummarizeAsync(http, new SummaryOptions { BaseUrl = $"http://127.0.0.1:{port}", Model = "m" }, BuildLayered(), Ct));
        await server;
        Assert.Contains($"http://127.0.0.1:{port}/chat/completions answered 401", ex.Message);
        Assert.Contains("bad key", ex.Message);

        var notConfigured = await Assert.ThrowsAsync<ModelSummaryException>(() => ModelSummarizer.SummarizeAsync(http, new SummaryOptions(), BuildLayered(), Ct));
        Assert.Contains("CodeIngest:Summary:BaseUrl", notConfigured.Message);
    }

    [Fact]
    public void Diff_lists_files_symbols_quality_delta_and_new_findings()
    {
        var shared = File("lib.py", "python", "def keep():\n    return 1\n", [Def("keep", "function", 1, 2)]);
        var before = new[]
        {
            shared,
            File("old.py", "python", "def gone():\n    pass\n", [Def("gone", "function", 1, 2)]),
            File("app.py", "python", "def main():\n    return 0\n", [Def("main", "function", 1, 2)]),
        };
        var after = new[]
        {
            shared,
            File("app.py", "python", "def main():\n    return eval(input())\n\ndef extra():\n    pass\n", [Def("main", "function", 1, 2), Def("extra", "function", 4, 5)]),
            File("new.py", "python", "X = 1\n"),
        };
        var from = new SnapshotSummary("s1", "local/x", "aaaa", "main", DateTimeOffset.UtcNow.AddDays(-1), true);
        var to = new SnapshotSummary("s2", "local/x", "bbbb", "main", DateTimeOffset.UtcNow, true);
        var diff = SnapshotDiff.Compare("local/x", from, to, before, after, QualityAnalyzer.Analyze(before, Ct), QualityAnalyzer.Analyze(after, Ct));

        Assert.Equal(["new.py"], diff.FilesAdded);
        Assert.Equal(["old.py"], diff.FilesRemoved);
        Assert.Equal(["app.py"], diff.FilesChanged);
        Assert.Equal([new DiffSymbol("app.py", "extra", "function", 4)], diff.SymbolsAdded);
        Assert.Equal([new DiffSymbol("old.py", "gone", "function", 1)], diff.SymbolsRemoved);
        var finding = Assert.Single(diff.NewFindings);
        Assert.Equal(("dangerous/eval", "app.py", 2), (finding.Rule, finding.Path, finding.Line));
        Assert.Equal(-25, diff.Quality.Parts["security"]);
        Assert.True(diff.Quality.Change < 0);
        Assert.Empty(diff.ResolvedFindings);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
