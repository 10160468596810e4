// Poison files through the whole pipeline on a two-silo cluster with tight parser limits: a file that
// parses slower than the per-file budget and a deeply nested file whose syntax tree is over the node
// limit are stored as failed, with the reason, and the ingestion completes with the other files stored.
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Storage;
using CodeIngest.Tests.Cluster;
using Xunit;

namespace CodeIngest.Tests.Pipeline;

public sealed class PoisonFileTests
{
    [Fact]
    public async Task A_file_over_the_parse_budget_and_one_over_the_node_limit_fail_alone()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("codeingest-poison-").FullName;
        var root = TestRepos.NewDirectory("codeingest-poison-repo-");
        TestRepos.Write(root, "good.py", "def fine():\n    pass\n");
        TestRepos.Write(root, "lib/util.go", "package lib\n\nfunc Helper() int { return 1 }\n");
        TestRepos.Write(root, "slow.cpp", PoisonInputs.SlowCpp());
        TestRepos.Write(root, "deep.json", PoisonInputs.DeepJson(40_000));

        var cluster = TestClusters.Build(dataDirectory, configure: o =>
        {
            // Well under the seconds slow.cpp needs, well over the deep.json parse (under 0.1 s alone,
            // past 0.2 s at load average 30 on two cores).
            o.ParseBudget = TimeSpan.FromSeconds(1);
            o.MaxTreeNodes = 50_000;
        });
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        try
        {
            await cluster.WaitForLivenessToStabilizeAsync();
            var client = new CodeIngestClient(cluster.Client);
            var started = await client.StartIngestionAsync(root, null);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            var view = await client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: timeout.Token);

            Assert.True(view.Status == JobStatus.Completed, view.Error);
            var store = new SqliteCodeStore(Path.Combine(dataDirectory, "codeingest.db"));
            var files = (await store.GetFilesAsync(view.JobId, TestContext.Current.CancellationToken)).ToDictionary(f => f.Path);
            Assert.Equal(["deep.json", "good.py", "lib/util.go", "slow.cpp"], files.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("parsing took longer than the budget of 1000 ms", files["slow.cpp"].ParseError);
            Assert.Empty(files["slow.cpp"].Definitions);
            Assert.Matches(@"^syntax tree too large: \d+ nodes, the limit is 50000 nodes$", files["deep.json"].ParseError);
            Assert.Null(files["good.py"].ParseError);
            Assert.Equal("fine", Assert.Single(files["good.py"].Definitions).Name);
            Assert.Null(files["lib/util.go"].ParseError);
            Assert.Equal("Helper", Assert.Single(files["lib/util.go"].Definitions).Name);
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
            await cluster.DisposeAsync();
        }
    }
}

/// <summary>Generated inputs that are expensive for tree-sitter.</summary>
internal static class PoisonInputs
{
    /// <summary>About 900 KB of C++ (short lines, so discovery does not take it for minified) whose unbalanced templates and parentheses keep error recovery busy for seconds.</summary>
    public static string SlowCpp()
    {
        var text = new System.Text.StringBuilder();
        var i = 0;
        while (text.Length < 900_000)
        {
            text.Append("template<typename T").Append(i).Append("> a").Append(i).Append(" < b ( c < d ( e , f < g ) ;\n");
            i++;
        }

        return text.ToString();
    }

    /// <summary>JSON arrays nested <paramref name="depth"/> deep (lines of 100 brackets, so it does not look minified): two nodes per level, parsed fast.</summary>
    public static string DeepJson(int depth) =>
        string.Join('\n', (new string('[', depth) + new string(']', depth)).Chunk(100).Select(c => new string(c))) + "\n";
}
