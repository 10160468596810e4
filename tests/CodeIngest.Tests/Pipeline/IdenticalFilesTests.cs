// Files with the same bytes and language are parsed once and stored under every path: each copy gets the
// whole result (definitions, references, metrics) under its own path, symbol lookup finds every copy, the
// same bytes in another language are parsed as that language, and a re-ingest counts the copies as unchanged.
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Storage;
using CodeIngest.Tests.Cluster;
using Xunit;

namespace CodeIngest.Tests.Pipeline;

public sealed class IdenticalFilesTests
{
    private const string Helpers = """
        import os


        def join_parts(first, second):
            if first and second:
                return os.path.join(first, second)
            return first or second
        """;

    private const string Header = """
        #ifndef LIMITS_H
        #define LIMITS_H
        int clamp_value(int value, int low, int high);
        struct range { int low; int high; };
        #endif
        """;

    [Fact]
    public async Task Copies_are_parsed_once_and_stored_under_every_path()
    {
        var data = TestRepos.NewDirectory("codeingest-identical-");
        await using var cluster = TestClusters.Build(data, silos: 2, o => o.ParseBatchFiles = 2);
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        var root = TestRepos.NewDirectory("codeingest-identical-repo-");
        TestRepos.Write(root, "app/helpers.py", Helpers);
        TestRepos.Write(root, "vendor/one/helpers.py", Helpers);
        TestRepos.Write(root, "vendor/two/helpers_copy.py", Helpers);
        TestRepos.Write(root, "include/limits.h", Header);
        TestRepos.Write(root, "include/x86_64/limits.h", Header);
        TestRepos.Write(root, "app/other.py", "def other():\n    return 2\n");

        // The same bytes as Ruby: parsed as Ruby, not copied from the Python result.
        TestRepos.Write(root, "scripts/tool.py", "def tool\n  1\nend\n");
        TestRepos.Write(root, "scripts/tool.rb", "def tool\n  1\nend\n");

        var client = new CodeIngestClient(cluster.Client);
        var first = await IngestAsync(client, root);
        var parse = first.Nodes.Single(n => n.Id == "parse").Result;
        Assert.Equal("3", parse["files_identical_to_another"]);
        Assert.Equal("8", parse["files_parsed"]);

        var store = new SqliteCodeStore(Path.Combine(data, "codeingest.db"));
        var files = (await store.GetFilesAsync(first.JobId, TestContext.Current.CancellationToken)).ToDictionary(f => f.Path);
        Assert.Equal(8, files.Count);
        var original = files["app/helpers.py"];
        Assert.Contains(original.Definitions, d => d.Name == "join_parts" && d.Kind == "function");
        Assert.NotEmpty(original.References!);
        Assert.NotNull(original.Metrics);
        foreach (var copy in new[] { "vendor/one/helpers.py", "vendor/two/helpers_copy.py" })
        {
            var file = files[copy];
            Assert.Equal(original.ContentHash, file.ContentHash);
            Assert.Equal(original.Language, file.Language);
            Assert.Equal(original.Lines, file.Lines);
            Assert.Equal(original.Definitions, file.Definitions);
            Assert.Equal(original.References, file.References);
            Assert.Equal(original.Metrics, file.Metrics);
            Assert.Equal(original.Text, file.Text);
        }

        Assert.Equal(files["include/limits.h"].Definitions, files["include/x86_64/limits.h"].Definitions);
        Assert.Contains(files["include/limits.h"].Definitions, d => d.Name == "clamp_value");
        Assert.Equal("python", files["scripts/tool.py"].Language);
        Assert.Equal("ruby", files["scripts/tool.rb"].Language);
        Assert.Contains(files["scripts/tool.rb"].Definitions, d => d.Name == "tool" && d.Kind == "method");
        Assert.NotNull(files["scripts/tool.py"].ParseError);

        // Symbol lookup finds the function at every path that holds it.
        var hits = await store.FindSymbolsAsync("join_parts", repo: null, kind: null, limit: 10, TestContext.Current.CancellationToken);
        Assert.Equal(["app/helpers.py", "vendor/one/helpers.py", "vendor/two/helpers_copy.py"], hits.Select(h => h.Path).Order(StringComparer.Ordinal));

        // A re-ingest of the unchanged tree: every file, copies included, is unchanged.
        var second = await IngestAsync(client, root);
        var again = second.Nodes.Single(n => n.Id == "parse").Result;
        Assert.Equal("8", again["files_unchanged"]);
        Assert.Equal("0", again["files_changed"]);
        Assert.Equal("0", again["files_added"]);
        Assert.Equal(8, (await store.GetFilesAsync(second.JobId, TestContext.Current.CancellationToken)).Count);
    }

    private static async Task<JobView> IngestAsync(CodeIngestClient client, string root)
    {
        var started = await client.StartIngestionAsync(root);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var view = await client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: timeout.Token);
        Assert.True(view.Status == JobStatus.Completed, view.Error);
        return view;
    }
}
