// The graph, quality, summary and diff stages end to end: a fixture repository ingested through the
// REST API of an in-process silo, read back through the REST endpoints and the CLI (a separate process).
using System.Net;
using System.Text.Json;
using CodeIngest.Tests.Api;
using CodeIngest.Tests.Cli;
using CodeIngest.Tests.Pipeline;
using Xunit;

namespace CodeIngest.Tests.Graph;

public sealed class FixtureRepositoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> LocalPaths() => new()
    {
        ["CodeIngest:Api:AllowLocalPaths"] = "true",
        ["CodeIngest:Api:LocalRoots:0"] = Path.GetTempPath(),
    };

    private static async Task<string> IngestAsync(HttpClient admin, string repo)
    {
        using var response = await admin.PostAsync("/summarize", new StringContent(JsonSerializer.Serialize(new { repo_url = repo }), System.Text.Encoding.UTF8, "application/json"), Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        var taskId = body.GetProperty("task_id").GetString()!;
        var entry = await Http.WaitForHistoryAsync(admin, taskId, TimeSpan.FromSeconds(120));
        Assert.True(entry.GetProperty("status").GetString() == "complete", entry.ToString());
        return taskId;
    }

    [Fact]
    public async Task Fixture_repository_graph_quality_summary_and_diff_through_rest_and_cli()
    {
        var repoPath = FixtureRepository.Create();
        await using var host = new ApiHost(LocalPaths());
        var admin = host.Admin();
        var taskId = await IngestAsync(admin, repoPath);
        var repo = "local" + repoPath;
        var q = "repo=" + Uri.EscapeDataString(repo);

        // /info: the summary (README purpose, entry point) and the file dependency graph.
        var info = await Http.GetOkAsync(admin, $"/info/{taskId}");
        var meta = info.GetProperty("task_meta");
        Assert.Contains("Shop computes order totals from the command line.", meta.GetProperty("summary").GetString());
        Assert.Contains("shop/cli.py (__main__ guard)", meta.GetProperty("summary").GetString());
        var dependencyGraph = meta.GetProperty("dependency_graph");
        Assert.Equal(
            ["README.md", "shop/__init__.py", "shop/cli.py", "shop/models.py", "shop/orders.py", "shop/pricing.py", "shop/settings.py"],
            dependencyGraph.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));

        // Quality: the planted secret (masked everywhere) and the planted eval, at their lines.
        using (var qualityResponse = await admin.GetAsync($"/api/v1/quality?{q}", Ct))
        {
            var text = await qualityResponse.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.OK, qualityResponse.StatusCode);
            Assert.DoesNotContain(FixtureRepository.PlantedKey, text);
            var quality = JsonDocument.Parse(text).RootElement;
            var findings = quality.GetProperty("findings").EnumerateArray()
                .Where(f => f.GetProperty("severity").GetString() == "high")
                .Select(f => $"{f.GetProperty("rule").GetString()} {f.GetProperty("path").GetString()}:{f.GetProperty("line").GetInt32()} {f.GetProperty("message").GetString()}").ToList();
            Assert.Equal(
            [
                "dangerous/eval shop/pricing.py:16 eval() runs text as code",
                "secret/aws-access-key shop/settings.py:2 hard-coded AWS access key id AKIA****(20 chars)",
            ], findings);
            Assert.Equal(50, quality.GetProperty("breakdown").GetProperty("security").GetDouble());
        }

        // CLI (a separate process reading the same store) says the same, masked too.
        var cli = await CliProcess.RunAsync("--data", host.DataDirectory, "quality", repo, "--json");
        Assert.True(cli.Code == 0, cli.Err);
        Assert.DoesNotContain(FixtureRepository.PlantedKey, cli.Out);
        Assert.Contains("AKIA****(20 chars)", cli.Out);
        var summary = await CliProcess.RunAsync("--data", host.DataDirectory, "summary", repo, "--json");
        Assert.True(summary.Code == 0, summary.Err);
        using (var s = JsonDocument.Parse(summary.Out))
        {
            Assert.Equal(repo, s.RootElement.GetProperty("repo").GetString());
            Assert.Equal(TestRepos.Git(repoPath, "rev-parse", "HEAD"), s.RootElement.GetProperty("commit").GetString());
            Assert.Equal("Shop computes order totals from the command line.", s.RootElement.GetProperty("purpose").GetString());
            Assert.Contains(s.RootElement.GetProperty("entry_points").EnumerateArray(), e => e.GetProperty("path").GetString() == "shop/cli.py");
        }

        var mermaid = await admin.GetStringAsync($"/api/v1/graph?{q}&format=mermaid", Ct);
        Assert.StartsWith("graph LR\n", mermaid);
        var (badFormat, badBody) = await Http.GetAsync(admin, $"/api/v1/graph?{q}&format=svg");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat);
        Assert.Contains("json, dot or mermaid", badBody.GetProperty("detail").GetString());
        var (unknown, unknownBody) = await Http.GetAsync(admin, "/api/v1/quality?repo=local/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("no repository 'local/nope'", unknownBody.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync(admin, "/api/v1/graph/callers?" + q)).Status);

        // Second commit: the diff names the added and changed files and the resolved eval finding.
        FixtureRepository.Evolve(repoPath);
        await IngestAsync(admin, repoPath);
        var diff = await Http.GetOkAsync(admin, $"/api/v1/diff?{q}&from=previous&to=latest");
        Assert.Equal(["shop/tax.py"], diff.GetProperty("files_added").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["shop/pricing.py"], diff.GetProperty("files_changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(diff.GetProperty("files_removed").EnumerateArray());
        Assert.Equal(["dangerous/eval"], diff.GetProperty("resolved_findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()));
        Assert.Equal(25, diff.GetProperty("quality").GetProperty("parts").GetProperty("security").GetDouble());

        var cliDiff = await CliProcess.RunAsync("--data", host.DataDirectory, "diff", repo, "previous", "latest");
        Assert.True(cliDiff.Code == 0, cliDiff.Err);
        Assert.Contains("  + shop/tax.py", cliDiff.Out);
        Assert.Contains("  ~ shop/pricing.py", cliDiff.Out);
        var missing = await CliProcess.RunAsync("--data", host.DataDirectory, "diff", repo, "deadbeef", "latest");
        Assert.Equal(1, missing.Code);
        Assert.Contains("has no snapshot 'deadbeef'", missing.Err);
        host.DeleteData();
    }
}
