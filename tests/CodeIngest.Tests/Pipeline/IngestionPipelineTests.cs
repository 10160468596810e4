// The whole pipeline (clone -> discover -> parse -> index) on a two-silo cluster, on real
// git repositories and folders, checked through the code store that the CLI reads.
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Search;
using CodeIngest.Storage;
using CodeIngest.Tests.Cluster;
using Xunit;

namespace CodeIngest.Tests.Pipeline;

[Collection(ClusterCollection.Name)]
public sealed class IngestionPipelineTests(ClusterFixture fixture)
{
    private SqliteCodeStore Store => new(Path.Combine(fixture.DataDirectory, "codeingest.db"));

    private async Task<JobView> IngestAsync(string source, string? branch = null)
    {
        var started = await fixture.Client.StartIngestionAsync(source, branch);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        return await fixture.Client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: timeout.Token);
    }

    private static string Describe(SymbolHit s) => $"{s.Path}:{s.StartLine}-{s.EndLine} {s.Kind} {s.Name}";

    [Fact]
    public async Task A_multi_language_git_repository_is_ingested_with_its_exact_definitions()
    {
        var repo = TestRepos.MultiLanguage();
        var commit = TestRepos.Git(repo, "rev-parse", "HEAD");

        var view = await IngestAsync("file://" + repo, "main");

        Assert.True(view.Status == JobStatus.Completed, view.Error);
        var report = IngestionReport.From(view);
        Assert.Equal("complete", report.Status);
        Assert.Equal(commit, report.Commit);
        Assert.Equal("local" + repo, report.Repo);
        Assert.Equal(6, report.Files);
        Assert.Equal(new Dictionary<string, int> { ["go"] = 1, ["java"] = 1, ["markdown"] = 1, ["python"] = 1, ["rust"] = 1, ["typescript"] = 1 }, report.Languages);
        Assert.All(report.Stages, s => Assert.Equal("completed", s.Status));

        var symbols = (await Store.FindSymbolsAsync(null, report.Repo, null, 1000, TestContext.Current.CancellationToken)).Select(Describe).ToList();
        string[] expected =
        [
            "README.md:1-1 section demo",
            "app/main.py:4-9 class Greeter",
            "app/main.py:5-6 method __init__",
            "app/main.py:8-9 method greet",
            "app/main.py:12-13 function main",
            "server/server.go:3-5 struct Server",
            "server/server.go:7-9 method Start",
            "server/server.go:11-13 function New",
            "src/Main.java:1-1 module demo",
            "src/Main.java:3-11 class Main",
            "src/Main.java:4-6 method main",
            "src/Main.java:8-10 method greeting",
            "src/lib.rs:1-3 struct Stack",
            "src/lib.rs:6-8 method push",
            "src/lib.rs:11-13 function empty",
            "web/shapes.ts:1-3 interface Shape",
            "web/shapes.ts:2-2 method area",
            "web/shapes.ts:5-11 class Circle",
            "web/shapes.ts:6-6 constructor constructor",
            "web/shapes.ts:8-10 method area",
            "web/shapes.ts:13-15 function total",
        ];
        Assert.Equal(expected, symbols);

        var hits = await Store.SearchAsync("greeting", report.Repo, 5, TestContext.Current.CancellationToken);
        // A small class is one chunk (its methods inside it).
        var hit = Assert.Single(hits);
        Assert.Equal(("src/Main.java", 3, 11, "Main"), (hit.Path, hit.StartLine, hit.EndLine, hit.Symbol));
        Assert.Contains("return \"hi\";", hit.Snippet);
    }

    [Fact]
    public async Task Ingesting_again_adds_a_snapshot_and_searches_see_the_latest()
    {
        var repo = TestRepos.MultiLanguage();
        var first = await IngestAsync(repo);
        Assert.Equal(JobStatus.Completed, first.Status);
        TestRepos.Write(repo, "app/extra.py", "def freshly_added_function():\n    return 1\n");
        TestRepos.Git(repo, "add", "-A");
        TestRepos.Git(repo, "commit", "-q", "-m", "more");

        var second = await IngestAsync(repo);

        Assert.Equal(JobStatus.Completed, second.Status);
        var repoId = IngestionReport.From(second).Repo;
        var info = Assert.Single(await Store.ListReposAsync(TestContext.Current.CancellationToken), r => r.Repo == repoId);
        Assert.Equal(2, info.Snapshots);
        Assert.Equal(7, info.Files);
        Assert.Equal(TestRepos.Git(repo, "rev-parse", "HEAD"), info.LatestCommit);
        var found = Assert.Single(await Store.FindSymbolsAsync("freshly_added_function", repoId, null, 10, TestContext.Current.CancellationToken));
        Assert.Equal(("app/extra.py", 1, 2), (found.Path, found.StartLine, found.EndLine));

        // Only the new file was parsed; the rest was reused from the first snapshot.
        var secondReport = IngestionReport.From(second);
        Assert.Equal((6, 0, 1, 0), (secondReport.FilesUnchanged, secondReport.FilesChanged, secondReport.FilesAdded, secondReport.FilesRemoved));

        // Edit one file, delete another: exactly those change, and search and symbols follow.
        TestRepos.Write(repo, "app/main.py", "def replaced_main():\n    return 2\n");
        File.Delete(Path.Combine(repo, "src/lib.rs"));
        TestRepos.Git(repo, "add", "-A");
        TestRepos.Git(repo, "commit", "-q", "-m", "edit and delete");

        var third = await IngestAsync(repo);

        var thirdReport = IngestionReport.From(third);
        Assert.Equal((5, 1, 0, 1), (thirdReport.FilesUnchanged, thirdReport.FilesChanged, thirdReport.FilesAdded, thirdReport.FilesRemoved));
        var ct = TestContext.Current.CancellationToken;
        Assert.Empty(await Store.FindSymbolsAsync("Stack", repoId, null, 10, ct));
        Assert.DoesNotContain(await Store.FindSymbolsAsync("greet", repoId, null, 10, ct), h => h.Name == "greet");
        Assert.Equal(("app/main.py", 1, 2), Assert.Single(await Store.FindSymbolsAsync("replaced_main", repoId, null, 10, ct)) is var r ? (r.Path, r.StartLine, r.EndLine) : default);
        var start = Assert.Single(await Store.FindSymbolsAsync("Start", repoId, "method", 10, ct));
        Assert.Equal(("server/server.go", 7, 9), (start.Path, start.StartLine, start.EndLine));
        Assert.Empty(await Store.SearchAsync("Vec push items", repoId, 10, ct));
    }

    [Fact]
    public async Task Bad_files_are_skipped_with_their_reason_and_the_rest_is_ingested()
    {
        var root = TestRepos.NewDirectory("codeingest-folder-");
        TestRepos.Write(root, "good.py", "def fine():\n    pass\n");
        TestRepos.WriteBytes(root, "blob.py", [0x64, 0x65, 0x66, 0x00, 0x01, 0x02]);
        TestRepos.WriteBytes(root, "latin1.py", [.. "name = '"u8.ToArray(), 0xE9, .. "'\n"u8.ToArray()]);
        TestRepos.Write(root, "huge.py", "x = 1\n" + new string('#', 1_100_000) + "\n");
        var outside = TestRepos.NewDirectory("codeingest-outside-");
        TestRepos.Write(outside, "secret.py", "def secret():\n    pass\n");
        File.CreateSymbolicLink(Path.Combine(root, "escape.py"), Path.Combine(outside, "secret.py"));
        TestRepos.Write(root, "broken.py", "def ok():\n    return 1\n\ndef broken(:\n    pass\n");
        TestRepos.Write(root, "node_modules/dep/index.js", "function vendored() {}\n");
        TestRepos.Write(root, ".gitignore", "generated/\n");
        TestRepos.Write(root, "generated/out.py", "def generated():\n    pass\n");

        var view = await IngestAsync(root);

        Assert.True(view.Status == JobStatus.Completed, view.Error);
        var skipped = (await Store.GetSkippedFilesAsync(view.JobId, TestContext.Current.CancellationToken)).ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal(["blob.py", "escape.py", "huge.py", "latin1.py"], skipped.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("binary", skipped["blob.py"]);
        Assert.Contains("symlink pointing outside the repository", skipped["escape.py"]);
        Assert.Contains("larger than 1048576 bytes", skipped["huge.py"]);
        Assert.Contains("not valid UTF-8", skipped["latin1.py"]);

        var files = (await Store.GetFilesAsync(view.JobId, TestContext.Current.CancellationToken)).ToDictionary(f => f.Path);
        Assert.Equal(["broken.py", "good.py"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Null(files["good.py"].ParseError);
        Assert.StartsWith("syntax error at line 4", files["broken.py"].ParseError);
        Assert.Contains(files["broken.py"].Definitions, d => d.Name == "ok" && d.StartLine == 1 && d.EndLine == 2);
        Assert.Empty(await Store.FindSymbolsAsync("secret", null, null, 10, TestContext.Current.CancellationToken));
        Assert.Empty(await Store.FindSymbolsAsync("vendored", null, null, 10, TestContext.Current.CancellationToken));
        Assert.Empty(await Store.FindSymbolsAsync("generated", null, null, 10, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("htp://example.com/repo", "Accepted")]
    [InlineData("ftp://example.com/repo.git", "Accepted")]
    [InlineData("/definitely/not/a/real/path/anywhere", "does not exist")]
    public async Task A_malformed_or_missing_source_is_rejected_with_what_is_accepted(string source, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidRepositorySourceException>(() => fixture.Client.StartIngestionAsync(source));
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_empty_git_repository_fails_the_clone_stage_with_a_clear_error()
    {
        var bare = TestRepos.NewDirectory("codeingest-empty-");
        TestRepos.Git(bare, "init", "-q", "--bare");

        var view = await IngestAsync("file://" + bare);

        Assert.Equal(JobStatus.Failed, view.Status);
        var clone = view.Nodes.Single(n => n.Id == "clone");
        Assert.Equal(NodeStatus.Failed, clone.Status);
        Assert.Equal(1, clone.Attempts);
        Assert.Contains("no commits", clone.Error);
        Assert.All(view.Nodes.Where(n => n.Id != "clone"), n => Assert.Equal(NodeStatus.Skipped, n.Status));
    }

    [Fact]
    public async Task An_unreachable_repository_fails_without_retrying()
    {
        var view = await IngestAsync("https://127.0.0.1:9/nobody/repo.git");

        Assert.Equal(JobStatus.Failed, view.Status);
        var clone = view.Nodes.Single(n => n.Id == "clone");
        Assert.Equal(1, clone.Attempts);
        Assert.Contains("127.0.0.1:9/nobody/repo.git", clone.Error);
    }

    [Fact]
    public async Task A_folder_without_supported_files_fails_discovery_with_the_reason()
    {
        var root = TestRepos.NewDirectory("codeingest-docs-");
        TestRepos.Write(root, "notes.txt", "nothing to parse\n");

        var view = await IngestAsync(root);

        Assert.Equal(JobStatus.Failed, view.Status);
        var discover = view.Nodes.Single(n => n.Id == "discover");
        Assert.Contains("nothing to ingest", discover.Error);
        Assert.Contains("1 in unsupported languages", discover.Error);
    }
}
