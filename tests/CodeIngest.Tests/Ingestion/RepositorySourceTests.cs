// Parsing user input into repository sources: canonical ids, and clear errors that say what is accepted.
using CodeIngest.Ingestion;
using CodeIngest.Tests.Pipeline;
using Xunit;

namespace CodeIngest.Tests.Ingestion;

public sealed class RepositorySourceTests
{
    [Theory]
    [InlineData("https://github.com/Owner/Name", "github.com/Owner/Name")]
    [InlineData("https://github.com/owner/name.git", "github.com/owner/name")]
    [InlineData("https://GitHub.com/owner/name/", "github.com/owner/name")]
    [InlineData("http://git.example.org:8080/group/sub/project.git", "git.example.org:8080/group/sub/project")]
    [InlineData("git@github.com:owner/name.git", "github.com/owner/name")]
    [InlineData("ssh://git@github.com/owner/name", "github.com/owner/name")]
    public void Remote_urls_get_canonical_repository_ids(string input, string expected)
    {
        var source = RepositorySource.Parse(input);
        Assert.Equal(expected, source.RepoId);
        Assert.Equal(SourceKind.Remote, source.Kind);
        Assert.True(source.IsCloneUrl);
    }

    [Fact]
    public void A_local_git_working_tree_and_a_plain_folder_are_told_apart()
    {
        var repo = TestRepos.MultiLanguage();
        var folder = TestRepos.NewDirectory("codeingest-plain-");

        var git = RepositorySource.Parse(repo + "/");
        var plain = RepositorySource.Parse(folder);

        Assert.Equal(SourceKind.LocalGit, git.Kind);
        Assert.Equal("local" + repo, git.RepoId);
        Assert.Equal(repo, git.LocalPath);
        Assert.Equal(SourceKind.LocalDirectory, plain.Kind);
        Assert.Equal("local" + folder, plain.RepoId);
    }

    [Fact]
    public void A_file_url_to_a_git_repository_is_cloned()
    {
        var repo = TestRepos.MultiLanguage();
        var source = RepositorySource.Parse("file://" + repo);
        Assert.True(source.IsCloneUrl);
        Assert.Equal("local" + repo, source.RepoId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("htp://example.com/owner/repo")]
    [InlineData("ftp://example.com/owner/repo.git")]
    [InlineData("https://")]
    [InlineData("https://github.com/")]
    [InlineData("https://exa mple.com/owner/repo")]
    [InlineData("/no/such/directory/for/codeingest")]
    [InlineData("file:///no/such/directory/for/codeingest")]
    public void Unusable_input_is_rejected_with_the_accepted_forms(string input)
    {
        var error = Assert.Throws<InvalidRepositorySourceException>(() => RepositorySource.Parse(input));
        Assert.Contains(RepositorySource.AcceptedForms, error.Message);
        Assert.False(RepositorySource.TryParse(input, out var source, out var message));
        Assert.Null(source);
        Assert.Equal(error.Message, message);
    }
}
