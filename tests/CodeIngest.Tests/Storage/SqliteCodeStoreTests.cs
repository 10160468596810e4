using CodeIngest.Indexing;
using CodeIngest.Parsing;
using CodeIngest.Search;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

/// <summary>The code store contract against the embedded SQLite store, plus its file-specific behaviour.</summary>
public sealed class SqliteCodeStoreTests : CodeStoreTests
{
    private readonly TempDatabase _db = new();

    protected override ICodeStore CreateStore() => new SqliteCodeStore(_db.Path);

    protected override async Task WriteLegacyJsonParseDataAsync(string snapshotId, string path, string json)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db.Path}");
        await connection.OpenAsync(Ct);
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE snapshot_files SET parse_data = $json WHERE snapshot_id = $s AND path = $path";
        update.Parameters.AddWithValue("$json", json);
        update.Parameters.AddWithValue("$s", snapshotId);
        update.Parameters.AddWithValue("$path", path);
        Assert.Equal(1, await update.ExecuteNonQueryAsync(Ct));
    }

    public override void Dispose()
    {
        _db.Dispose();
        base.Dispose();
    }

    [Fact]
    public async Task Missing_directory_fails_with_a_message_naming_the_path()
    {
        var path = Path.Combine(_db.Directory, "no-such-dir", "store.db");
        var store = new SqliteCodeStore(path);

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(Ct));

        Assert.Contains(path, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public async Task A_directory_as_database_path_fails_with_a_message_naming_the_path()
    {
        var store = new SqliteCodeStore(_db.Directory);

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(Ct));

        Assert.Contains(_db.Directory, ex.Message);
    }

    [Fact]
    public async Task A_version_1_database_is_upgraded_and_keeps_its_definitions()
    {
        // The tables a version-1 store had before parse data was stored (snapshot_files without parse_data).
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db.Path}"))
        {
            await connection.OpenAsync(Ct);
            await using var create = connection.CreateCommand();
            create.CommandText =
                """
                CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);
                INSERT INTO schema_version VALUES (1, '2026-11-01T00:00:00Z');
                CREATE TABLE contents (hash TEXT PRIMARY KEY, text TEXT NOT NULL);
                INSERT INTO contents VALUES ('h1', 'def old():\n    pass\n');
                CREATE TABLE snapshot_files (
                    snapshot_id TEXT NOT NULL, path TEXT NOT NULL, language TEXT NOT NULL, hash TEXT NOT NULL,
                    lines INTEGER NOT NULL, parse_error TEXT,
                    PRIMARY KEY (snapshot_id, path)) WITHOUT ROWID;
                INSERT INTO snapshot_files VALUES ('old', 'old.py', 'python', 'h1', 2, NULL);
                CREATE TABLE definitions (
                    snapshot_id TEXT NOT NULL, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
                    name TEXT NOT NULL, kind TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
                    start_byte INTEGER NOT NULL, end_byte INTEGER NOT NULL,
                    PRIMARY KEY (snapshot_id, path, ordinal)) WITHOUT ROWID;
                INSERT INTO definitions VALUES ('old', 'old.py', 0, 'old', 'function', 1, 2, 0, 20);
                """;
            await create.ExecuteNonQueryAsync(Ct);
        }

        var store = await NewStoreAsync();
        await store.InitializeAsync(Ct);

        var old = Assert.Single(await store.GetFilesAsync("old", Ct));
        Assert.Equal([new Definition("old", "function", 1, 2, 0, 20)], old.Definitions);
        Assert.Empty(old.References!);
        Assert.Null(old.Metrics);

        var parsed = new ParsedFile("new.py", "python", 1, [new Definition("f", "function", 1, 1, 0, 9, "f")], null, [new Reference(ReferenceKinds.Call, "g", 1, "f")], new CodeMetrics(1, 1, 0, 1, 0, 0, 0));
        await store.SaveParsedFilesAsync("new", [new ParsedFileContent(parsed, "def f(): g()"u8.ToArray())], Ct);
        var stored = Assert.Single(await store.GetFilesAsync("new", Ct));
        Assert.Equal("f", stored.Definitions[0].QualifiedName);
        Assert.Equal("g", Assert.Single(stored.References!).Target);
    }

    [Fact]
    public async Task A_version_2_database_moves_its_definitions_to_integer_keys_and_reads_them_as_before()
    {
        // The tables a version-2 store had, with definitions keyed by (snapshot_id, path, ordinal) text: a published
        // snapshot with two files (rows without parse data, so reads take the definitions from the table) and an
        // unpublished one whose rows must stay apart.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db.Path}"))
        {
            await connection.OpenAsync(Ct);
            await using var create = connection.CreateCommand();
            create.CommandText =
                """
                CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);
                INSERT INTO schema_version VALUES (1, '2026-11-01T00:00:00Z'), (2, '2026-11-20T00:00:00Z');
                CREATE TABLE repos (repo TEXT PRIMARY KEY, url TEXT NOT NULL, latest_snapshot TEXT);
                INSERT INTO repos VALUES ('github.com/acme/old', 'https://github.com/acme/old', 'snap-1');
                CREATE TABLE snapshots (
                    snapshot_id TEXT PRIMARY KEY, repo TEXT NOT NULL, url TEXT NOT NULL, branch TEXT, commit_sha TEXT,
                    created_at TEXT NOT NULL, completed INTEGER NOT NULL DEFAULT 0, completed_at TEXT, stats_json TEXT);
                INSERT INTO snapshots VALUES ('snap-1', 'github.com/acme/old', 'https://github.com/acme/old', 'main', 'c1', '2026-11-20T00:00:00Z', 1, '2026-11-20T00:01:00Z', NULL);
                INSERT INTO snapshots VALUES ('snap-2', 'github.com/acme/old', 'https://github.com/acme/old', 'main', 'c2', '2026-11-21T00:00:00Z', 0, NULL, NULL);
                CREATE TABLE contents (hash TEXT PRIMARY KEY, text TEXT NOT NULL);
                INSERT INTO contents VALUES ('ha', 'class Alpha:\n    pass\n'), ('hb', 'def beta():\n    pass\n');
                CREATE TABLE snapshot_files (
                    snapshot_id TEXT NOT NULL, path TEXT NOT NULL, language TEXT NOT NULL, hash TEXT NOT NULL,
                    lines INTEGER NOT NULL, parse_error TEXT, parse_data TEXT,
                    PRIMARY KEY (snapshot_id, path)) WITHOUT ROWID;
                INSERT INTO snapshot_files VALUES ('snap-1', 'b.py', 'python', 'hb', 2, NULL, NULL), ('snap-1', 'a.py', 'python', 'ha', 9, NULL, NULL),
                    ('snap-2', 'a.py', 'python', 'ha', 9, NULL, NULL);
                CREATE TABLE definitions (
                    snapshot_id TEXT NOT NULL, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
                    name TEXT NOT NULL, kind TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
                    start_byte INTEGER NOT NULL, end_byte INTEGER NOT NULL,
                    PRIMARY KEY (snapshot_id, path, ordinal)) WITHOUT ROWID;
                CREATE INDEX definitions_name ON definitions(snapshot_id, name COLLATE NOCASE);
                INSERT INTO definitions VALUES
                    ('snap-1', 'b.py', 0, 'beta', 'function', 1, 2, 0, 20),
                    ('snap-1', 'a.py', 1, 'alpha_helper', 'function', 6, 9, 40, 80),
                    ('snap-1', 'a.py', 0, 'Alpha', 'class', 1, 5, 0, 39),
                    ('snap-2', 'a.py', 0, 'Alpha', 'class', 1, 5, 0, 39);
                """;
            await create.ExecuteNonQueryAsync(Ct);
        }

        var store = await NewStoreAsync();

        const string OldRepo = "github.com/acme/old";
        Assert.Equal(
            [new SymbolHit(OldRepo, "Alpha", "class", "a.py", 1, 5), new SymbolHit(OldRepo, "alpha_helper", "function", "a.py", 6, 9)],
            await store.FindSymbolsAsync("alpha", null, null, 10, Ct));
        Assert.Equal(
            [new SymbolHit(OldRepo, "Alpha", "class", "a.py", 1, 5), new SymbolHit(OldRepo, "alpha_helper", "function", "a.py", 6, 9), new SymbolHit(OldRepo, "beta", "function", "b.py", 1, 2)],
            await store.FindSymbolsAsync(null, OldRepo, null, 0, Ct));
        Assert.Equal(3, Assert.Single(await store.ListReposAsync(Ct)).Symbols);

        var files = await store.GetFilesAsync("snap-1", Ct);
        Assert.Equal(["a.py", "b.py"], files.Select(f => f.Path));
        Assert.Equal([new Definition("Alpha", "class", 1, 5, 0, 39), new Definition("alpha_helper", "function", 6, 9, 40, 80)], files[0].Definitions);
        Assert.Equal([new Definition("beta", "function", 1, 2, 0, 20)], files[1].Definitions);
        Assert.Equal([new Definition("Alpha", "class", 1, 5, 0, 39)], Assert.Single(await store.GetFilesByPathAsync("snap-2", ["a.py"], Ct)).Definitions);
        Assert.Equal([("a.py", 2), ("b.py", 1)], (await store.GetFileStatsAsync("snap-1", Ct)).Select(f => (f.Path, f.Definitions)));
        Assert.Equal(3, (await store.CountSnapshotAsync("snap-1", Ct)).Symbols);

        // The old table and its index are gone and the version is recorded; opening again changes nothing.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db.Path}"))
        {
            await connection.OpenAsync(Ct);
            await using var check = connection.CreateCommand();
            check.CommandText = "SELECT (SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('definitions', 'definitions_name')), (SELECT MAX(version) FROM schema_version)";
            await using var reader = await check.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
            Assert.Equal((0L, 3L), (reader.GetInt64(0), reader.GetInt64(1)));
        }

        await store.InitializeAsync(Ct);
        Assert.Equal(2, (await store.FindSymbolsAsync("alpha", OldRepo, null, 10, Ct)).Count);

        // New writes to the migrated store get their own file ids: rewriting a migrated file replaces only its rows.
        var parsed = new ParsedFile("a.py", "python", 1, [new Definition("gamma", "function", 1, 1, 0, 12)], null);
        await store.SaveParsedFilesAsync("snap-1", [new ParsedFileContent(parsed, "def gamma(): pass"u8.ToArray())], Ct);
        Assert.Empty(await store.FindSymbolsAsync("alpha", OldRepo, null, 10, Ct));
        Assert.Equal(
            [new SymbolHit(OldRepo, "gamma", "function", "a.py", 1, 1), new SymbolHit(OldRepo, "beta", "function", "b.py", 1, 2)],
            await store.FindSymbolsAsync(null, OldRepo, null, 0, Ct));
        Assert.Equal([new Definition("Alpha", "class", 1, 5, 0, 39)], Assert.Single(await store.GetFilesByPathAsync("snap-2", ["a.py"], Ct)).Definitions);
    }

    [Fact]
    public async Task Definitions_read_back_in_order_and_a_file_written_twice_in_one_write_keeps_the_later_rows()
    {
        var store = await NewStoreAsync();
        static ParsedFileContent File(string path, string prefix, int count) => new(
            new ParsedFile(path, "python", count, [.. Enumerable.Range(0, count).Select(i => new Definition($"{prefix}{i}", "function", i + 1, i + 1, i * 10, i * 10 + 9))], null),
            System.Text.Encoding.UTF8.GetBytes(path + prefix));

        // A rewrite of the file in a later write, one write holding a file twice (the later copy wins).
        await store.SaveParsedFilesAsync("s", [File("a.py", "a", 70), File("b.py", "b", 3)], Ct);
        Assert.Equal(Enumerable.Range(0, 70).Select(i => $"a{i}"), Assert.Single(await store.GetFilesByPathAsync("s", ["a.py"], Ct)).Definitions.Select(d => d.Name));
        await store.SaveParsedFilesAsync("s", [File("a.py", "x", 40), File("c.py", "c", 1), File("a.py", "y", 5)], Ct);

        var files = await store.GetFilesByPathAsync("s", ["a.py", "b.py", "c.py"], Ct);
        Assert.Equal(["a.py", "b.py", "c.py"], files.Select(f => f.Path));
        Assert.Equal([new Definition("y0", "function", 1, 1, 0, 9), new Definition("y1", "function", 2, 2, 10, 19), new Definition("y2", "function", 3, 3, 20, 29), new Definition("y3", "function", 4, 4, 30, 39), new Definition("y4", "function", 5, 5, 40, 49)], files[0].Definitions);
        Assert.Equal(["b0", "b1", "b2"], files[1].Definitions.Select(d => d.Name));
        Assert.Equal(["c0"], files[2].Definitions.Select(d => d.Name));
        Assert.Equal(9, (await store.CountSnapshotAsync("s", Ct)).Symbols);
    }

    [Theory]
    [InlineData("parseFile HTTPServer snake_case x2", "parse file http server snake case 2")]
    [InlineData("getHTTPResponse2", "get http response 2")]
    public void Identifiers_are_split_into_words(string text, string expected)
    {
        Assert.Equal(expected.Split(' ').Order(), SqliteCodeStore.SplitIdentifiers(text).Split(' ').Order());
    }
    [Fact]
    public async Task A_file_change_rewrites_only_that_files_chunks_and_keeps_the_lexical_index_consistent()
    {
        var store = await NewStoreAsync();
        await PublishCountedAsync(store, "s1", [PythonFunction("a.py", "alpha"), PythonFunction("b.py", "beta"), PythonFunction("c/d.py", "delta")]);
        var before = await ChunkIdsAsync();

        await store.SaveParsedFilesAsync("job-1", [PythonFunction("a.py", "alpha_edited")], Ct);
        var chunks = (await store.GetFilesAsync("job-1", Ct)).SelectMany(f => Chunker.Chunk(f)).ToList();
        await store.ApplyFileChangesAsync(new FileChangeSet("s1", "job-1", [new DiscoveredFile("a.py", "python", 30)], ["c/d.py"], [], chunks), Ct);

        // The untouched file keeps its chunk rows (same ids); the edited one has new rows, the deleted one none.
        var after = await ChunkIdsAsync();
        Assert.Equal(before["b.py"], after["b.py"]);
        Assert.Empty(before["a.py"].Intersect(after["a.py"]));
        Assert.False(after.ContainsKey("c/d.py"));

        // FTS5's own check that the index holds exactly the chunks table's rows (rank 1: compare with the content table).
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db.Path}");
        await connection.OpenAsync(Ct);
        await using var check = connection.CreateCommand();
        check.CommandText = "INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)";
        await check.ExecuteNonQueryAsync(Ct);
        Assert.Equal("b.py", Assert.Single(await store.SearchAsync("beta", "github.com/acme/tools", 10, Ct)).Path);
        Assert.Empty(await store.SearchAsync("delta", "github.com/acme/tools", 10, Ct));
    }

    private async Task<Dictionary<string, long[]>> ChunkIdsAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db.Path}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT path, chunk_id FROM chunks WHERE snapshot_id = 's1' ORDER BY chunk_id";
        var rows = new List<(string Path, long Id)>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.Select(r => r.Id).ToArray());
    }
}
