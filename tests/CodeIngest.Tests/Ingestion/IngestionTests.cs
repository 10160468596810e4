using System.Diagnostics;
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using Xunit;

namespace CodeIngest.Tests.Ingestion;

public sealed class RepositorySourceTableTests
{
    [Theory]
    [InlineData("https://github.com/Owner/Name.git", "github.com/Owner/Name")]
    [InlineData("https://GitHub.com/owner/name/", "github.com/owner/name")]
    [InlineData("http://example.org/a/b/c", "example.org/a/b/c")]
    [InlineData("git@github.com:owner/name.git", "github.com/owner/name")]
    [InlineData("ssh://git@github.com/owner/name", "github.com/owner/name")]
    public void ParsesRemoteUrls(string input, string repoId)
    {
        var source = RepositorySource.Parse(input);
        Assert.Equal(repoId, source.RepoId);
        Assert.Equal(SourceKind.Remote, source.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("htp://x")]
    [InlineData("https://")]
    [InlineData("https://github.com")]
    [InlineData("ftp://host/owner/repo")]
    [InlineData("https://github.com/owner/my repo")]
    [InlineData("/definitely/not/here/xyz")]
    public void RejectsInvalidInput(string input)
    {
        var ex = Assert.Throws<InvalidRepositorySourceException>(() => RepositorySource.Parse(input));
        Assert.Contains("Accepted:", ex.Message);
        Assert.False(RepositorySource.TryParse(input, out _, out var error));
        Assert.Contains("Accepted:", error);
    }

    [Fact]
    public void ParsesLocalDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("ci-src").FullName;
        var source = RepositorySource.Parse(dir + "/");
        Assert.Equal("local" + dir, source.RepoId);
        Assert.Equal(SourceKind.LocalDirectory, source.Kind);
        Directory.CreateDirectory(Path.Combine(dir, ".git"));
        Assert.Equal(SourceKind.LocalGit, RepositorySource.Parse("file://" + dir).Kind);
    }
}

public sealed class GitClonerEdgeCaseTests
{
    internal static void Git(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    private static string MakeRepo()
    {
        var dir = Directory.CreateTempSubdirectory("ci-repo").FullName;
        Git(dir, "init", "-q", "-b", "main");
        Git(dir, "config", "user.name", "Test");
        Git(dir, "config", "user.email", "test@example.com");
        File.WriteAllText(Path.Combine(dir, "a.py"), "x = 1\n");
        Git(dir, "add", "-A");
        Git(dir, "commit", "-q", "-m", "one");
        Git(dir, "branch", "dev");
        return dir;
    }

    [Fact]
    public async Task ClonesFileUrlAndSelectsBranch()
    {
        var repo = MakeRepo();
        var ws = Directory.CreateTempSubdirectory("ci-ws").FullName;
        var source = RepositorySource.Parse("file://" + repo);
        var result = await GitCloner.PrepareAsync(source, ws, null, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(result.IsGit);
        Assert.Equal("main", result.Branch);
        Assert.Equal(40, result.Commit!.Length);
        Assert.True(File.Exists(Path.Combine(result.WorkingDirectory, "a.py")));

        var again = await GitCloner.PrepareAsync(source, ws, "dev", TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("dev", again.Branch);

        var ex = await Assert.ThrowsAsync<NonRetryableStepException>(() => GitCloner.PrepareAsync(source, ws, "nope", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Contains("dev", ex.Message);
        Assert.Contains("main", ex.Message);
    }

    [Fact]
    public async Task EmptyAndMissingRepositoriesAreNonRetryable()
    {
        var empty = Directory.CreateTempSubdirectory("ci-empty").FullName;
        Git(empty, "init", "-q", "--bare");
        var ws = Directory.CreateTempSubdirectory("ci-ws").FullName;
        var ex = await Assert.ThrowsAsync<NonRetryableStepException>(() => GitCloner.PrepareAsync(
            new RepositorySource("local/empty", "file://" + empty, SourceKind.Remote, null), ws, null, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Contains("no commits", ex.Message);

        await Assert.ThrowsAsync<NonRetryableStepException>(() => GitCloner.PrepareAsync(
            new RepositorySource("local/nonexistent", "file:///nonexistent", SourceKind.Remote, null), ws, null, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task LocalSourcesAreUsedInPlace()
    {
        var repo = MakeRepo();
        var local = await GitCloner.PrepareAsync(RepositorySource.Parse(repo), "/tmp/unused-ws", null, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(repo, local.WorkingDirectory);
        Assert.Equal("main", local.Branch);
        Assert.NotNull(local.Commit);
        await Assert.ThrowsAsync<NonRetryableStepException>(() => GitCloner.PrepareAsync(RepositorySource.Parse(repo), "/tmp/unused-ws", "dev", TimeSpan.FromMinutes(1), CancellationToken.None));

        var plain = Directory.CreateTempSubdirectory("ci-plain").FullName;
        var dir = await GitCloner.PrepareAsync(RepositorySource.Parse(plain), "/tmp/unused-ws", null, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.False(dir.IsGit);
        Assert.Null(dir.Commit);
    }
}

public sealed class FileDiscovererRuleTests
{
    private static void Write(string root, string path, string text)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public void AppliesIgnoresAndSkipsWithReasons()
    {
        var root = Directory.CreateTempSubdirectory("ci-disc").FullName;
        var outside = Directory.CreateTempSubdirectory("ci-out").FullName;
        Write(root, ".gitignore", "# comment\n*.gen.py\n!keep.gen.py\n/top.py\nlogs/\n");
        Write(root, "a.py", "x");
        Write(root, "x.gen.py", "x");
        Write(root, "keep.gen.py", "x");
        Write(root, "top.py", "x");
        Write(root, "sub/top.py", "x");
        Write(root, "logs/l.py", "x");
        Write(root, "sub/.gitignore", "inner.py\n");
        Write(root, "sub/inner.py", "x");
        Write(root, "inner.py", "x");
        Write(root, "node_modules/m.js", "x");
        Write(root, "gen/skip.go", "x");
        Write(root, "notes.txt", "x");
        Write(outside, "secret.py", "x");
        File.WriteAllBytes(Path.Combine(root, "big.py"), new byte[2_000_000]);
        File.WriteAllBytes(Path.Combine(root, "bin.c"), [65, 0, 66]);
        File.WriteAllBytes(Path.Combine(root, "latin.rb"), [65, 66, 0xE9, 67]);
        File.CreateSymbolicLink(Path.Combine(root, "link.py"), Path.Combine(outside, "secret.py"));
        File.CreateSymbolicLink(Path.Combine(root, "inlink.py"), Path.Combine(root, "a.py"));
        Directory.CreateSymbolicLink(Path.Combine(root, "sub", "loop"), root);
        File.CreateSymbolicLink(Path.Combine(root, "c1.py"), Path.Combine(root, "c2.py"));
        File.CreateSymbolicLink(Path.Combine(root, "c2.py"), Path.Combine(root, "c1.py"));

        var options = DiscoveryOptions.Default with { IgnorePatterns = [.. DiscoveryOptions.Default.IgnorePatterns, "gen/"] };
        var result = FileDiscoverer.Discover(root, options, CancellationToken.None);
        var files = result.Files.Select(f => f.Path).ToList();
        Assert.Equal(["a.py", "inlink.py", "inner.py", "keep.gen.py", "sub/top.py"], files);
        var skipped = result.Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal("larger than 1048576 bytes (2000000 bytes)", skipped["big.py"]);
        Assert.Equal("binary file", skipped["bin.c"]);
        Assert.Equal("not valid UTF-8 text (invalid byte at offset 2)", skipped["latin.rb"]);
        Assert.StartsWith("symlink pointing outside the repository", skipped["link.py"]);
        Assert.StartsWith("unreadable", skipped["c1.py"]);
        Assert.Equal(3, result.UnsupportedFiles); // notes.txt and the two .gitignore files
        Assert.True(result.IgnoredFiles >= 5);
    }
}
