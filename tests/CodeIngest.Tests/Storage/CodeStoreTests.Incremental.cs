// The incremental store methods, against every store: carrying chunks over, and applying a batch of file
// changes to a published snapshot (staged parse moved in, removals, skips, counts kept exact).
using CodeIngest.Indexing;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public abstract partial class CodeStoreTests
{
    protected static ParsedFileContent PythonFunction(string path, string name) =>
        Python(path, $"def {name}(x):\n    return x\n", new Definition(name, "function", 1, 2, 0, 0));

    protected static async Task<SnapshotStats> PublishCountedAsync(ICodeStore store, string snapshotId, IReadOnlyList<ParsedFileContent> files)
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
    [Fact]
    public async Task Path_states_of_some_paths_match_each_path_as_a_file_or_a_folder_and_nothing_else()
    {
        var store = await NewStoreAsync();
        await PublishCountedAsync(store, "s1",
            [PythonFunction("src/a.py", "a1"), PythonFunction("src/sub/b.py", "b1"), PythonFunction("src2/c.py", "c1"), PythonFunction("src.py", "d1"), PythonFunction("srcé/e.py", "e1")]);
        await PublishCountedAsync(store, "other", [PythonFunction("src/a.py", "a1")]);
        async Task<string[]> PathsOf(params string[] paths) => [.. (await store.GetPathStatesAsync("s1", paths, Ct)).Select(s => s.Path).Order(StringComparer.Ordinal)];

        Assert.Equal(["src/a.py", "src/sub/b.py"], await PathsOf("src"));
        Assert.Equal(["src/sub/b.py"], await PathsOf("src/sub"));
        Assert.Equal(["src/a.py"], await PathsOf("src/a.py"));
        Assert.Equal(["src.py", "src/a.py", "src/sub/b.py"], await PathsOf("src", "src.py", "src/a.py"));
        Assert.Equal(["srcé/e.py"], await PathsOf("srcé"));
        Assert.Empty(await PathsOf("sr", "src/a", "nothing/here.py"));
        Assert.Equal(["logo.png"], await PathsOf("logo.png"));
        string[] all = ["logo.png", "src.py", "src/a.py", "src/sub/b.py", "src2/c.py", "srcé/e.py"];
        Assert.Equal(all, await PathsOf(""));
        Assert.Equal(all, (await store.GetPathStatesAsync("s1", null, Ct)).Select(s => s.Path).Order(StringComparer.Ordinal));
        var a = Assert.Single(await store.GetPathStatesAsync("s1", ["src/a.py"], Ct));
        Assert.Equal(("python", (string?)null), (a.Language, a.SkipReason));
        Assert.NotNull(a.Hash);
    }

    [Fact]
    public async Task Counts_kept_through_edits_renames_and_deletions_equal_a_full_recount()
    {
        var store = await NewStoreAsync();

        // An older snapshot with the same paths: its rows and counts must stay as they are.
        var otherBefore = await PublishCountedAsync(store, "other", [PythonFunction("src/a.py", "alpha"), PythonFunction("lib/c.py", "gamma")]);
        await PublishCountedAsync(store, "s1",
            [PythonFunction("src/a.py", "alpha"), PythonFunction("src/b.py", "beta"), PythonFunction("lib/c.py", "gamma"), PythonFunction("lib/d.py", "delta")]);

        static ParsedFileContent TwoFunctions(string path, string first, string second) => Python(path,
            $"def {first}(x):\n    return x\n\n\ndef {second}(y):\n    return y\n",
            new Definition(first, "function", 1, 2, 0, 0), new Definition(second, "function", 5, 6, 0, 0));
        static ParsedFileContent Script(string path) =>
            new(new ParsedFile(path, "bash", 2, [new Definition("deploy", "function", 1, 2, 0, 0)], null), "deploy() {\n  echo hi\n}\n"u8.ToArray());

        (ParsedFileContent[] Upserted, string[] Removed, SkippedFile[] Skipped)[] steps =
        [
            ([TwoFunctions("src/a.py", "alpha", "alpha_two")], [], []),                              // an edit that adds a symbol and a chunk
            ([PythonFunction("src/renamed.py", "beta")], ["src/b.py"], []),                          // a rename
            ([Script("tools/deploy.sh")], ["lib/c.py"], [new SkippedFile("lib/d.py", "too large")]), // a new language, a deletion, a file now skipped
            ([PythonFunction("logo.png", "not_binary_any_more")], [], []),                           // a skipped path becomes a file
            ([PythonFunction("lib/d.py", "delta_back")], ["tools/deploy.sh"], []),                   // a skip becomes a file again; the last file of a language goes
            ([], ["src/a.py", "src/renamed.py", "logo.png", "lib/d.py"], []),                        // everything is deleted
            ([PythonFunction("fresh.py", "fresh")], [], [new SkippedFile("big.bin", "binary")]),     // and something new arrives
        ];

        for (var i = 0; i < steps.Length; i++)
        {
            var (upserted, removed, skipped) = steps[i];
            var job = $"job-{i}";
            await store.SaveParsedFilesAsync(job, upserted, Ct);
            var chunks = (await store.GetFilesAsync(job, Ct)).SelectMany(f => Chunker.Chunk(f)).ToList();
            var kept = await store.ApplyFileChangesAsync(
                new FileChangeSet("s1", job, [.. upserted.Select(f => new DiscoveredFile(f.File.Path, f.File.Language, f.Content.Length))], removed, skipped, chunks), Ct);

            var recount = await store.CountSnapshotAsync("s1", Ct);
            Assert.Equal(Describe(recount), Describe(kept));
            var repo = Assert.Single(await store.ListReposAsync(Ct));
            Assert.Equal((recount.Files, recount.Symbols), (repo.Files, repo.Symbols));
            Assert.Equal(Describe(otherBefore), Describe(await store.CountSnapshotAsync("other", Ct)));
        }

        var final = await store.CountSnapshotAsync("s1", Ct);
        Assert.Equal("1 files, 1 skipped, 1 symbols, 1 chunks, python=1", Describe(final));
        Assert.Equal(["big.bin", "fresh.py"], (await store.GetPathStatesAsync("s1", null, Ct)).Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.Equal("fresh.py", Assert.Single(await store.SearchAsync("fresh", Repo, 10, Ct)).Path);
    }

    private static string Describe(SnapshotStats stats) =>
        $"{stats.Files} files, {stats.FilesSkipped} skipped, {stats.Symbols} symbols, {stats.Chunks} chunks, {string.Join(",", stats.Languages.Select(l => $"{l.Key}={l.Value}"))}";
}
