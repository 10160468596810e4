// The incremental store methods, against every store: carrying chunks over, and applying a batch of file
// changes to a published snapshot (staged parse moved in, removals, skips, counts kept exact).
using CodeIngest.Indexing;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public abstract partial class CodeStoreTests
{
    private static ParsedFileContent PythonFunction(string path, string name) =>
        Python(path, $"def {name}(x):\n    return x\n", new Definition(name, "function", 1, 2, 0, 0));

    private static async Task<SnapshotStats> PublishCountedAsync(ICodeStore store, string snapshotId, IReadOnlyList<ParsedFileContent> files)
    {
        await IngestAsync(store, snapshotId, "c1", files, publish: false);
        var stats = await store.CountSnapshotAsync(snapshotId, Ct);
        await store.PublishSnapshotAsync(snapshotId, stats, Ct);
        return stats;
    }

    [Fact]
    public async Task Chunks_of_unchanged_files_are_copied_to_the_next_snapshot_and_searchable()
    {
        var store = await NewStoreAsync();
        await PublishCountedAsync(store, "s1", [PythonFunction("a.py", "alpha_one"), PythonFunction("b.py", "beta_two")]);

        await store.BeginSnapshotAsync(new SnapshotInfo("s2", Repo, "https://" + Repo, "main", "c2", DateTimeOffset.UtcNow), Ct);
        await store.SaveParsedFilesAsync("s2", [PythonFunction("a.py", "alpha_one"), PythonFunction("c.py", "gamma_three")], Ct);
        await store.SaveChunksAsync("s2", [.. (await store.GetFilesByPathAsync("s2", ["c.py"], Ct)).SelectMany(f => Chunker.Chunk(f))], Ct);
        Assert.Equal(1, await store.CopyChunksAsync("s1", "s2", ["a.py"], Ct));
        await store.PublishSnapshotAsync("s2", await store.CountSnapshotAsync("s2", Ct), Ct);

        Assert.Equal("a.py", Assert.Single(await store.SearchAsync("alpha_one", Repo, 10, Ct)).Path);
        Assert.Equal("c.py", Assert.Single(await store.SearchAsync("gamma_three", Repo, 10, Ct)).Path);
        Assert.Empty(await store.SearchAsync("beta_two", Repo, 10, Ct));
        var stats = await store.CountSnapshotAsync("s2", Ct);
        Assert.Equal((2, 0, 2, 2), (stats.Files, stats.FilesSkipped, stats.Symbols, stats.Chunks));
        Assert.Equal(["a.py", "c.py"], (await store.GetPathStatesAsync("s2", null, Ct)).Select(s => s.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task File_changes_apply_to_the_published_snapshot_in_place_with_exact_counts()
    {
        var store = await NewStoreAsync();
        await PublishCountedAsync(store, "s1", [PythonFunction("src/a.py", "alpha_one"), PythonFunction("src/b.py", "beta_two"), PythonFunction("lib/c.py", "gamma_three")]);
        Assert.Equal("s1", await store.GetLatestSnapshotAsync(Repo, Ct));
        Assert.Null(await store.GetLatestSnapshotAsync("github.com/nobody/none", Ct));

        // Folder lookups: a folder matches what is under it, and the skipped logo.png is reported with its reason.
        Assert.Equal(["src/a.py", "src/b.py"], (await store.GetPathStatesAsync("s1", ["src"], Ct)).Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.Equal("binary", Assert.Single(await store.GetPathStatesAsync("s1", ["logo.png"], Ct)).SkipReason);

        // Staged by the parse step under the job's id, then applied: a.py changed, d.py added, b.py removed, c.py now skipped.
        var staged = new[] { PythonFunction("src/a.py", "alpha_new"), PythonFunction("src/d.py", "delta_four") };
        await store.SaveParsedFilesAsync("job-1", staged, Ct);
        var chunks = (await store.GetFilesAsync("job-1", Ct)).SelectMany(f => Chunker.Chunk(f)).ToList();
        var stats = await store.ApplyFileChangesAsync(
            new FileChangeSet("s1", "job-1", [.. staged.Select(f => new DiscoveredFile(f.File.Path, "python", f.Content.Length))], ["src/b.py"], [new SkippedFile("lib/c.py", "binary")], chunks),
            Ct);

        Assert.Empty(await store.GetFilesAsync("job-1", Ct));
        Assert.Equal(["src/a.py", "src/d.py"], (await store.GetFilesAsync("s1", Ct)).Select(f => f.Path));
        Assert.Equal(["src/a.py", "src/d.py"], (await store.GetDiscoveredFilesAsync("s1", Ct)).Select(f => f.Path));
        Assert.Equal(["lib/c.py", "logo.png"], (await store.GetSkippedFilesAsync("s1", Ct)).Select(f => f.Path));
        Assert.Equal(["alpha_new", "delta_four"], (await store.FindSymbolsAsync(null, Repo, null, 0, Ct)).Select(s => s.Name));
        Assert.Empty(await store.SearchAsync("alpha_one", Repo, 10, Ct));
        Assert.Empty(await store.SearchAsync("beta_two", Repo, 10, Ct));
        Assert.Equal("src/d.py", Assert.Single(await store.SearchAsync("delta_four", Repo, 10, Ct)).Path);

        var recount = await store.CountSnapshotAsync("s1", Ct);
        Assert.Equal((2, 2, 2, 2), (stats.Files, stats.FilesSkipped, stats.Symbols, stats.Chunks));
        Assert.Equal((recount.Files, recount.FilesSkipped, recount.Symbols, recount.Chunks), (stats.Files, stats.FilesSkipped, stats.Symbols, stats.Chunks));
        Assert.Equal(recount.Languages, stats.Languages);
        var repo = Assert.Single(await store.ListReposAsync(Ct));
        Assert.Equal((2, 2), (repo.Files, repo.Symbols));

        // A batch whose staged parse is missing changes nothing.
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ApplyFileChangesAsync(
            new FileChangeSet("s1", "job-2", [new DiscoveredFile("src/a.py", "python", 1)], [], [], []), Ct));
        Assert.Equal(["src/a.py", "src/d.py"], (await store.GetFilesAsync("s1", Ct)).Select(f => f.Path));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ApplyFileChangesAsync(new FileChangeSet("nope", "job-3", [], ["x"], [], []), Ct));
    }
}
