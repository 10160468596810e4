// Cloning real git repositories through file:// URLs (no network on these machines).
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Tests.Pipeline;
using Xunit;

namespace CodeIngest.Tests.Ingestion;

public sealed class GitClonerTests
{
    private readonly string _workspaces = TestRepos.NewDirectory("codeingest-workspaces-");

    private Task<CloneResult> CloneAsync(string input, string? branch = null) =>
        GitCloner.PrepareAsync(RepositorySource.Parse(input), _workspaces, branch, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_clone_checks_out_the_requested_branch_and_records_its_commit()
    {
        var repo = TestRepos.MultiLanguage();
        TestRepos.Git(repo, "checkout", "-q", "-b", "feature");
        TestRepos.Write(repo, "feature.py", "def on_feature():\n    pass\n");
        TestRepos.Git(repo, "add", "-A");
        TestRepos.Git(repo, "commit", "-q", "-m", "feature");
        var featureCommit = TestRepos.Git(repo, "rev-parse", "HEAD");
        var mainCommit = TestRepos.Git(repo, "rev-parse", "main");

        var feature = await CloneAsync("file://" + repo, "feature");
        Assert.Equal(featureCommit, feature.Commit);
        Assert.True(File.Exists(Path.Combine(feature.WorkingDirectory, "feature.py")));
        Assert.StartsWith(_workspaces, feature.WorkingDirectory);

        var main = await CloneAsync("file://" + repo, "main");
        Assert.Equal(mainCommit, main.Commit);
        Assert.False(File.Exists(Path.Combine(main.WorkingDirectory, "feature.py")));
        Assert.True(File.Exists(Path.Combine(main.WorkingDirectory, "app/main.py")));
    }

    [Fact]
    public async Task An_unknown_branch_is_a_non_retryable_error_that_lists_the_branches()
    {
        var repo = TestRepos.MultiLanguage();
        var error = await Assert.ThrowsAsync<NonRetryableStepException>(() => CloneAsync("file://" + repo, "no-such-branch"));
        Assert.Contains("no-such-branch", error.Message);
        Assert.Contains("main", error.Message);
    }

    [Fact]
    public async Task An_empty_repository_is_a_non_retryable_error()
    {
        var bare = TestRepos.NewDirectory("codeingest-bare-");
        TestRepos.Git(bare, "init", "-q", "--bare");
        var error = await Assert.ThrowsAsync<NonRetryableStepException>(() => CloneAsync("file://" + bare));
        Assert.Contains("no commits", error.Message);
    }

    [Fact]
    public async Task A_local_working_tree_is_read_in_place_with_its_head_commit()
    {
        var repo = TestRepos.MultiLanguage();
        var result = await CloneAsync(repo);
        Assert.Equal(repo, result.WorkingDirectory);
        Assert.Equal(TestRepos.Git(repo, "rev-parse", "HEAD"), result.Commit);
        Assert.True(result.IsGit);
        Assert.Empty(Directory.GetFileSystemEntries(_workspaces));
    }

    [Fact]
    public async Task A_plain_folder_is_read_in_place_without_a_commit()
    {
        var folder = TestRepos.NewDirectory("codeingest-plain-");
        TestRepos.Write(folder, "a.py", "x = 1\n");
        var result = await CloneAsync(folder);
        Assert.Equal(folder, result.WorkingDirectory);
        Assert.Null(result.Commit);
        Assert.False(result.IsGit);
    }
}
