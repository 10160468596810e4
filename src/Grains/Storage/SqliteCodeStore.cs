// The embedded code store: one SQLite file (WAL, busy timeout, a connection per operation) with FTS5 for
// lexical search. Readers only ever see each repository's latest *published* snapshot (repos.latest_snapshot),
// so a half-written ingest is invisible until PublishSnapshotAsync flips the pointer in one transaction.
//
// Tokenizer: unicode61 with tokenchars '_' keeps snake_case identifiers whole in the text column (so
// "parse_file" matches exactly), and the extra `words` column holds every identifier of the chunk split
// into its lower-case words (ParseFile, parse_file -> parse file) so one word of a name finds it.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeIngest.Parsing;
using CodeIngest.Search;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore(string databasePath) : ICodeStore
{
    private const int SchemaVersion = 3;

    // Changes to tables that existed in an older schema version, applied in order to a database at a lower
    // version (new databases get them from the CREATE statements). Each must be safe to run on a database
    // that already has it.
    private static readonly (int Version, string Table, string Column, string Sql)[] Upgrades =
    [
        (2, "snapshot_files", "parse_data", "ALTER TABLE snapshot_files ADD COLUMN parse_data TEXT"),
    ];

    // Version 2 kept definitions keyed by text (snapshot_id, path, ordinal); version 3 moves the rows into the integer-keyed
    // tables (in the old key order, so file ids follow it) and drops the old table with its name index.
    private const string MigrateDefinitionsToVersion3 =
        """
        INSERT OR IGNORE INTO snapshot_keys(snapshot_id) SELECT DISTINCT snapshot_id FROM definitions ORDER BY snapshot_id;
        INSERT INTO definition_files(snapshot_key, path)
            SELECT k.snapshot_key, d.path FROM (SELECT DISTINCT snapshot_id, path FROM definitions) d
            JOIN snapshot_keys k ON k.snapshot_id = d.snapshot_id
            ORDER BY d.snapshot_id, d.path;
        INSERT INTO file_definitions(file_id, ordinal, snapshot_key, name, kind, start_line, end_line, start_byte, end_byte)
            SELECT f.file_id, d.ordinal, f.snapshot_key, d.name, d.kind, d.start_line, d.end_line, d.start_byte, d.end_byte
            FROM definitions d
            JOIN snapshot_keys k ON k.snapshot_id = d.snapshot_id
            JOIN definition_files f ON f.snapshot_key = k.snapshot_key AND f.path = d.path
            ORDER BY f.file_id, d.ordinal;
        DROP TABLE definitions;
        """;

    /// <summary>The integer key of a snapshot in SQL, NULL (matching no row) when the snapshot never had one.</summary>
    private const string SnapshotKeyOf = "(SELECT snapshot_key FROM snapshot_keys WHERE snapshot_id = $s)";

    private const int SnippetLines = 6;

    // bm25 column weights: text, path, symbol, words.
    private const string Bm25 = "bm25(chunks_fts, 1.0, 2.0, 6.0, 1.5)";

    private static readonly JsonSerializerOptions StatsJsonOptions = new(JsonSerializerDefaults.Web);

    // The core schema, then each area's own tables (declared in its SqliteCodeStore.<Area>.cs part); all idempotent.
    private static readonly string[] Schemas = [Schema, QueueSchema, EmbeddingsSchema, GraphSchema];

    private readonly string _databasePath = databasePath ?? throw new ArgumentNullException(nameof(databasePath));

    public string DatabasePath => _databasePath;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => RunAsync(async connection =>
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var schema in Schemas)
        {
            await using var create = connection.Command(schema, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var version = connection.Command("SELECT MAX(version) FROM schema_version", transaction))
        {
            var current = await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            var currentVersion = current is long v ? (int)v : 0;
            if (currentVersion > SchemaVersion)
            {
                throw new StoreUnavailableException($"SQLite database '{_databasePath}' has schema version {currentVersion}, newer than this build understands ({SchemaVersion}); upgrade CodeIngest.");
            }

            if (currentVersion > 0)
            {
                foreach (var upgrade in Upgrades.Where(u => u.Version > currentVersion))
                {
                    if (!await ColumnExistsAsync(connection, transaction, upgrade.Table, upgrade.Column, cancellationToken).ConfigureAwait(false))
                    {
                        await using var alter = connection.Command(upgrade.Sql, transaction);
                        await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                if (currentVersion < 3 && await TableExistsAsync(connection, transaction, "definitions", cancellationToken).ConfigureAwait(false))
                {
                    await using var migrate = connection.Command(MigrateDefinitionsToVersion3, transaction);
                    await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (currentVersion < SchemaVersion)
            {
                await using var insert = connection.Command("INSERT INTO schema_version(version, applied_at) VALUES ($v, $at)", transaction)
                    .With("$v", SchemaVersion).With("$at", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }, cancellationToken);

    private static async Task<bool> TableExistsAsync(SqliteConnection connection, SqliteTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = $table", transaction).With("$table", table);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<bool> ColumnExistsAsync(SqliteConnection connection, SqliteTransaction transaction, string table, string column, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column", transaction)
            .With("$table", table).With("$column", column);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    public Task BeginSnapshotAsync(SnapshotInfo snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var repo = connection.Command(
                "INSERT INTO repos(repo, url) VALUES ($repo, $url) ON CONFLICT(repo) DO UPDATE SET url = excluded.url", transaction)
                .With("$repo", snapshot.Repo).With("$url", snapshot.Url))
            {
                await repo.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var snap = connection.Command(
                """
                INSERT INTO snapshots(snapshot_id, repo, url, branch, commit_sha, created_at, completed)
                VALUES ($id, $repo, $url, $branch, $commit, $created, 0)
                ON CONFLICT(snapshot_id) DO UPDATE SET repo = excluded.repo, url = excluded.url, branch = excluded.branch,
                    commit_sha = excluded.commit_sha, created_at = excluded.created_at
                """, transaction)
                .With("$id", snapshot.SnapshotId).With("$repo", snapshot.Repo).With("$url", snapshot.Url)
                .With("$branch", snapshot.Branch).With("$commit", snapshot.Commit).With("$created", Format(snapshot.CreatedAt)))
            {
                await snap.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task SaveDiscoveryAsync(string snapshotId, IReadOnlyList<DiscoveredFile> files, IReadOnlyList<SkippedFile> skipped, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(skipped);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var delete = connection.Command(
                "DELETE FROM discovered_files WHERE snapshot_id = $s; DELETE FROM skipped_files WHERE snapshot_id = $s;", transaction).With("$s", snapshotId))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var insert = connection.Command(
                "INSERT OR REPLACE INTO discovered_files(snapshot_id, path, language, size) VALUES ($s, $path, $language, $size)", transaction))
            {
                insert.With("$s", snapshotId);
                var path = insert.Parameters.Add("$path", SqliteType.Text);
                var language = insert.Parameters.Add("$language", SqliteType.Text);
                var size = insert.Parameters.Add("$size", SqliteType.Integer);
                foreach (var file in files)
                {
                    path.Value = file.Path;
                    language.Value = file.Language;
                    size.Value = file.Size;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await using (var insert = connection.Command(
                "INSERT OR REPLACE INTO skipped_files(snapshot_id, path, reason) VALUES ($s, $path, $reason)", transaction))
            {
                insert.With("$s", snapshotId);
                var path = insert.Parameters.Add("$path", SqliteType.Text);
                var reason = insert.Parameters.Add("$reason", SqliteType.Text);
                foreach (var file in skipped)
                {
                    path.Value = file.Path;
                    reason.Value = file.Reason;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DiscoveredFile>> GetDiscoveredFilesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<DiscoveredFile>>(async connection =>
        {
            var result = new List<DiscoveredFile>();
            await using var command = connection.Command("SELECT path, language, size FROM discovered_files WHERE snapshot_id = $s ORDER BY path").With("$s", snapshotId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new DiscoveredFile(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }

            return result;
        }, cancellationToken);

    public Task<IReadOnlyList<SkippedFile>> GetSkippedFilesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<SkippedFile>>(async connection =>
        {
            var result = new List<SkippedFile>();
            await using var command = connection.Command("SELECT path, reason FROM skipped_files WHERE snapshot_id = $s ORDER BY path").With("$s", snapshotId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new SkippedFile(reader.GetString(0), reader.GetString(1)));
            }

            return result;
        }, cancellationToken);

    public Task<IReadOnlySet<string>> GetParsedPathsAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlySet<string>>(async connection =>
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            await using var command = connection.Command("SELECT path FROM snapshot_files WHERE snapshot_id = $s").With("$s", snapshotId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(reader.GetString(0));
            }

            return result;
        }, cancellationToken);

    public Task SaveParsedFilesAsync(string snapshotId, IReadOnlyList<ParsedFileContent> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        return SavePreparedFilesAsync(snapshotId, files.Select(PreparedParsedFile.Create).ToList(), cancellationToken);
    }

    public async Task<IReadOnlyList<StoredFile>> GetFilesAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        var result = new List<StoredFile>();
        await ForEachFileAsync(snapshotId, result.Add, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public Task SaveChunksAsync(string snapshotId, IReadOnlyList<CodeChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var words = IdentifierWords.SplitAll(chunks);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await DeleteSnapshotChunksAsync(connection, transaction, snapshotId, cancellationToken).ConfigureAwait(false);
            await InsertChunkRowsAsync(connection, transaction, snapshotId, chunks, words, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task PublishSnapshotAsync(string snapshotId, SnapshotStats stats, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var statsJson = JsonSerializer.Serialize(stats, StatsJsonOptions);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var update = connection.Command(
                "UPDATE snapshots SET completed = 1, completed_at = $at, stats_json = $stats WHERE snapshot_id = $s", transaction)
                .With("$s", snapshotId).With("$at", Format(DateTimeOffset.UtcNow)).With("$stats", statsJson))
            {
                if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new InvalidOperationException($"cannot publish snapshot '{snapshotId}': it was never begun (call BeginSnapshotAsync first)");
                }
            }

            await using (var latest = connection.Command(
                "UPDATE repos SET latest_snapshot = $s WHERE repo = (SELECT repo FROM snapshots WHERE snapshot_id = $s)", transaction).With("$s", snapshotId))
            {
                await latest.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string? repo, int limit, CancellationToken cancellationToken = default)
    {
        var terms = QueryTerms(query);
        if (terms.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<SearchHit>>([]);
        }

        return RunAsync<IReadOnlyList<SearchHit>>(async connection =>
        {
            // All terms first (precise); when that finds nothing, any term, as prefixes (forgiving).
            var hits = await SearchCoreAsync(connection, BuildMatch(terms, " AND ", prefix: false), terms, repo, limit, cancellationToken).ConfigureAwait(false);
            if (hits.Count == 0)
            {
                hits = await SearchCoreAsync(connection, BuildMatch(terms, " OR ", prefix: true), terms, repo, limit, cancellationToken).ConfigureAwait(false);
            }

            return hits;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<SymbolHit>> FindSymbolsAsync(string? name, string? repo, string? kind, int limit, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<SymbolHit>>(async connection =>
        {
            // CROSS JOIN fixes the loop order (SQLite has no table statistics to choose it): the few repositories outside, then
            // their published snapshot's definitions, by the name index when a name filters them, else file by file in path order.
            const string ByName =
                """
                repos r CROSS JOIN snapshot_keys k ON k.snapshot_id = r.latest_snapshot
                    CROSS JOIN file_definitions d ON d.snapshot_key = k.snapshot_key
                    JOIN definition_files f ON f.file_id = d.file_id
                """;
            const string ByFile =
                """
                repos r CROSS JOIN snapshot_keys k ON k.snapshot_id = r.latest_snapshot
                    CROSS JOIN definition_files f ON f.snapshot_key = k.snapshot_key
                    CROSS JOIN file_definitions d ON d.file_id = f.file_id
                """;
            var filter = "($repo IS NULL OR r.repo = $repo) AND ($kind IS NULL OR d.kind = $kind COLLATE NOCASE)";
            var sql = string.IsNullOrEmpty(name)
                ? $"""
                   SELECT r.repo, d.name, d.kind, f.path, d.start_line, d.end_line
                   FROM {ByFile}
                   WHERE {filter}
                   ORDER BY r.repo, f.path, d.start_line, d.ordinal LIMIT $limit
                   """
                : $"""
                   SELECT r.repo, d.name, d.kind, f.path, d.start_line, d.end_line
                   FROM {ByName}
                   WHERE {filter} AND (d.name = $name COLLATE NOCASE OR d.name LIKE $prefix ESCAPE '\')
                   ORDER BY CASE WHEN d.name = $name COLLATE NOCASE THEN 0 ELSE 1 END, r.repo, f.path, d.start_line, d.ordinal
                   LIMIT $limit
                   """;
            await using var command = connection.Command(sql)
                .With("$repo", repo).With("$kind", kind).With("$limit", limit > 0 ? limit : -1);
            if (!string.IsNullOrEmpty(name))
            {
                command.With("$name", name).With("$prefix", EscapeLike(name) + "%");
            }

            var result = new List<SymbolHit>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new SymbolHit(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5)));
            }

            return result;
        }, cancellationToken);

    public Task<IReadOnlyList<RepoInfo>> ListReposAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<RepoInfo>>(async connection =>
        {
            await using var command = connection.Command(
                """
                SELECT r.repo, r.url,
                    (SELECT COUNT(*) FROM snapshots s WHERE s.repo = r.repo AND s.completed = 1),
                    r.latest_snapshot, ls.commit_sha,
                    (SELECT COUNT(*) FROM snapshot_files f WHERE f.snapshot_id = r.latest_snapshot),
                    (SELECT COUNT(*) FROM file_definitions d WHERE d.snapshot_key = (SELECT snapshot_key FROM snapshot_keys k WHERE k.snapshot_id = r.latest_snapshot))
                FROM repos r JOIN snapshots ls ON ls.snapshot_id = r.latest_snapshot
                ORDER BY r.repo
                """);
            var result = new List<RepoInfo>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new RepoInfo(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetNullableString(3), reader.GetNullableString(4), reader.GetInt32(5), reader.GetInt32(6)));
            }

            return result;
        }, cancellationToken);

    public Task SaveJobAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return RunAsync(async connection =>
        {
            await using var command = SaveJobCommand(connection, null, job);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    private static SqliteCommand SaveJobCommand(SqliteConnection connection, SqliteTransaction? transaction, JobRecord job) =>
        connection.Command(
            """
            INSERT OR REPLACE INTO jobs(job_id, repo, status, created_at, created_ticks, finished_at, view_json)
            VALUES ($id, $repo, $status, $created, $ticks, $finished, $view)
            """, transaction)
            .With("$id", job.JobId).With("$repo", job.Repo).With("$status", job.Status)
            .With("$created", Format(job.CreatedAt)).With("$ticks", job.CreatedAt.UtcTicks)
            .With("$finished", job.FinishedAt is { } f ? Format(f) : null).With("$view", job.ViewJson);

    public Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT job_id, repo, status, created_at, finished_at, view_json FROM jobs WHERE job_id = $id").With("$id", jobId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadJob(reader) : null;
        }, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(int limit, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<JobRecord>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT job_id, repo, status, created_at, finished_at, view_json FROM jobs ORDER BY created_ticks DESC, job_id DESC LIMIT $limit")
                .With("$limit", limit > 0 ? limit : -1);
            var result = new List<JobRecord>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(ReadJob(reader));
            }

            return result;
        }, cancellationToken);

    /// <summary>Turns free text into FTS5 terms: runs of letters, digits and '_' (so no user input is ever FTS5 syntax).</summary>
    internal static IReadOnlyList<string> QueryTerms(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        return TermRegex().Matches(query).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase).Take(32).ToList();
    }

    /// <summary>Every identifier of the text split into lower-case words: "parseFile HTTPServer snake_case" → "parse file http server snake case".</summary>
    internal static string SplitIdentifiers(string text) => IdentifierWords.Split(text);

    private static string BuildMatch(IReadOnlyList<string> terms, string separator, bool prefix) =>
        string.Join(separator, terms.Select(t => "\"" + t + "\"" + (prefix ? "*" : string.Empty)));

    private static async Task<IReadOnlyList<SearchHit>> SearchCoreAsync(SqliteConnection connection, string match, IReadOnlyList<string> terms, string? repo, int limit, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"""
            SELECT r.repo, c.path, c.start_line, c.end_line, c.symbol, -{Bm25} AS score, c.text
            FROM chunks_fts
            JOIN chunks c ON c.chunk_id = chunks_fts.rowid
            JOIN repos r ON r.latest_snapshot = c.snapshot_id
            WHERE chunks_fts MATCH $match AND ($repo IS NULL OR r.repo = $repo)
            ORDER BY {Bm25}, c.path, c.start_line
            LIMIT $limit
            """).With("$match", match).With("$repo", repo).With("$limit", limit > 0 ? limit : 20);
        var result = new List<SearchHit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var startLine = reader.GetInt32(2);
            result.Add(new SearchHit(
                reader.GetString(0),
                reader.GetString(1),
                startLine,
                reader.GetInt32(3),
                reader.GetNullableString(4),
                reader.GetDouble(5),
                Snippet(reader.GetString(6), terms)));
        }

        return result;
    }

    /// <summary>A few lines of the chunk around the first line that mentions a query term (its first lines when none does).</summary>
    internal static string Snippet(string text, IReadOnlyList<string> terms)
    {
        var lines = text.Split('\n');
        var first = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (terms.Any(t => lines[i].Contains(t, StringComparison.OrdinalIgnoreCase)))
            {
                first = Math.Max(0, i - 1);
                break;
            }
        }

        return string.Join('\n', lines.Skip(first).Take(SnippetLines).Select(l => l.TrimEnd('\r'))).TrimEnd();
    }

    private static JobRecord ReadJob(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        Parse(reader.GetString(3)),
        reader.GetNullableString(4) is { } finished ? Parse(finished) : null,
        reader.GetString(5));

    private static string EscapeLike(string value) => value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static string Format(DateTimeOffset value) => value.ToString("o", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private Task RunAsync(Func<SqliteConnection, Task<bool>> work, CancellationToken cancellationToken) => RunAsync<bool>(work, cancellationToken);

    private async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_databasePath, cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(connection).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (SqliteDatabase.IsFileError(ex))
        {
            throw SqliteDatabase.Unavailable(_databasePath, ex);
        }
    }

    [GeneratedRegex(@"[\p{L}\p{N}_]+")]
    private static partial Regex TermRegex();

    private const string Schema =
        """
        CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS repos (
            repo TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            latest_snapshot TEXT);
        CREATE TABLE IF NOT EXISTS snapshots (
            snapshot_id TEXT PRIMARY KEY,
            repo TEXT NOT NULL,
            url TEXT NOT NULL,
            branch TEXT,
            commit_sha TEXT,
            created_at TEXT NOT NULL,
            completed INTEGER NOT NULL DEFAULT 0,
            completed_at TEXT,
            stats_json TEXT);
        CREATE INDEX IF NOT EXISTS snapshots_repo ON snapshots(repo);
        CREATE TABLE IF NOT EXISTS discovered_files (
            snapshot_id TEXT NOT NULL, path TEXT NOT NULL, language TEXT NOT NULL, size INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, path)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS skipped_files (
            snapshot_id TEXT NOT NULL, path TEXT NOT NULL, reason TEXT NOT NULL,
            PRIMARY KEY (snapshot_id, path)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS contents (hash TEXT PRIMARY KEY, text TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS snapshot_files (
            snapshot_id TEXT NOT NULL, path TEXT NOT NULL, language TEXT NOT NULL, hash TEXT NOT NULL,
            lines INTEGER NOT NULL, parse_error TEXT, parse_data TEXT,
            PRIMARY KEY (snapshot_id, path)) WITHOUT ROWID;
        -- Definitions are keyed by integers (schema version 3): a snapshot's key and a file id per (snapshot, path) with
        -- definitions, so each of the many definition rows and its name index entry carry two small integers instead of
        -- the snapshot id and path text. File ids grow in insertion order, so a parse stage's writes append to the B-trees.
        CREATE TABLE IF NOT EXISTS snapshot_keys (snapshot_key INTEGER PRIMARY KEY, snapshot_id TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS definition_files (
            file_id INTEGER PRIMARY KEY, snapshot_key INTEGER NOT NULL, path TEXT NOT NULL,
            UNIQUE (snapshot_key, path));
        CREATE TABLE IF NOT EXISTS file_definitions (
            file_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, snapshot_key INTEGER NOT NULL,
            name TEXT NOT NULL, kind TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
            start_byte INTEGER NOT NULL, end_byte INTEGER NOT NULL,
            PRIMARY KEY (file_id, ordinal)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS file_definitions_name ON file_definitions(snapshot_key, name COLLATE NOCASE);
        CREATE TABLE IF NOT EXISTS chunks (
            chunk_id INTEGER PRIMARY KEY,
            snapshot_id TEXT NOT NULL, path TEXT NOT NULL, language TEXT NOT NULL,
            symbol TEXT, kind TEXT, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
            text TEXT NOT NULL, words TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS chunks_snapshot ON chunks(snapshot_id);
        -- A file's chunks by (snapshot, path): what a watched file's update deletes and counts, without reading the snapshot's other chunks.
        CREATE INDEX IF NOT EXISTS chunks_snapshot_path ON chunks(snapshot_id, path);
        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
            text, path, symbol, words,
            content = 'chunks', content_rowid = 'chunk_id',
            tokenize = "unicode61 tokenchars '_'");
        CREATE TABLE IF NOT EXISTS jobs (
            job_id TEXT PRIMARY KEY, repo TEXT NOT NULL, status TEXT NOT NULL,
            created_at TEXT NOT NULL, created_ticks INTEGER NOT NULL, finished_at TEXT, view_json TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_ticks);
        """;
}
