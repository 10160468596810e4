// The cluster-mode code store: PostgreSQL through Npgsql, with the same semantics as SqliteCodeStore —
// readers only see each repository's latest *published* snapshot (repos.latest_snapshot, flipped in one
// transaction by PublishSnapshotAsync), file contents are stored once per content hash, symbol lookup is
// exact (case-insensitive) first, then prefix.
//
// Lexical search: a stored, GIN-indexed tsvector per chunk (symbol A, path B, split identifier words C,
// text D, 'simple' configuration: no stemming, no stop words) ranked with ts_rank. Queries are never
// handed to a tsquery parser as user text: the input is reduced to runs of letters, digits and '_' (as
// for SQLite), each run to its lower-case alphanumeric parts, and those are quoted lexemes — so hostile
// input cannot be tsquery syntax. All terms first (a term's parts as a phrase); when that finds nothing,
// any term's parts as prefixes.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeIngest.Parsing;
using CodeIngest.Search;
using Npgsql;
using NpgsqlTypes;

namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore : ICodeStore, IAsyncDisposable, IDisposable
{
    private static readonly JsonSerializerOptions StatsJsonOptions = new(JsonSerializerDefaults.Web);

    private readonly NpgsqlConnectionStringBuilder _builder;
    private readonly NpgsqlDataSource _dataSource;

    public PostgresCodeStore(string connectionString)
    {
        _builder = PostgresConnection.Builder(connectionString);
        _dataSource = NpgsqlDataSource.Create(_builder);
    }

    /// <summary>Where the store lives, for messages: host:port/database.</summary>
    public string Location => PostgresConnection.Describe(_builder);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    /// <summary>Applies the cluster schema migrations (code store and Orleans tables); idempotent.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => RunAsync(async _ =>
    {
        await PostgresMigrations.ApplyAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        return true;
    }, cancellationToken);

    public Task BeginSnapshotAsync(SnapshotInfo snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return InTransactionAsync(async (connection, transaction) =>
        {
            await using (var repo = Command(connection, transaction,
                "INSERT INTO repos(repo, url) VALUES (@repo, @url) ON CONFLICT (repo) DO UPDATE SET url = excluded.url")
                .Text("repo", snapshot.Repo).Text("url", snapshot.Url))
            {
                await repo.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var snap = Command(connection, transaction,
                """
                INSERT INTO snapshots(snapshot_id, repo, url, branch, commit_sha, created_at, completed)
                VALUES (@id, @repo, @url, @branch, @commit, @created, false)
                ON CONFLICT (snapshot_id) DO UPDATE SET repo = excluded.repo, url = excluded.url, branch = excluded.branch,
                    commit_sha = excluded.commit_sha, created_at = excluded.created_at
                """)
                .Text("id", snapshot.SnapshotId).Text("repo", snapshot.Repo).Text("url", snapshot.Url)
                .Text("branch", snapshot.Branch).Text("commit", snapshot.Commit);
            snap.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created", NpgsqlDbType.TimestampTz) { TypedValue = snapshot.CreatedAt.ToUniversalTime() });
            await snap.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task SaveDiscoveryAsync(string snapshotId, IReadOnlyList<DiscoveredFile> files, IReadOnlyList<SkippedFile> skipped, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(skipped);
        return InTransactionAsync(async (connection, transaction) =>
        {
            await using (var delete = Command(connection, transaction,
                "DELETE FROM discovered_files WHERE snapshot_id = @s; DELETE FROM skipped_files WHERE snapshot_id = @s").Text("s", snapshotId))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Arrays in, one statement each: unnest keeps large discoveries to two round trips.
            await using (var insert = Command(connection, transaction,
                """
                INSERT INTO discovered_files(snapshot_id, path, language, size)
                SELECT @s, f.path, f.language, f.size FROM unnest(@paths, @languages, @sizes) AS f(path, language, size)
                ON CONFLICT (snapshot_id, path) DO UPDATE SET language = excluded.language, size = excluded.size
                """).Text("s", snapshotId))
            {
                insert.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = files.Select(f => Clean(f.Path)).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<string[]>("languages", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = files.Select(f => f.Language).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<long[]>("sizes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = files.Select(f => f.Size).ToArray() });
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var insert = Command(connection, transaction,
                """
                INSERT INTO skipped_files(snapshot_id, path, reason)
                SELECT @s, f.path, f.reason FROM unnest(@paths, @reasons) AS f(path, reason)
                ON CONFLICT (snapshot_id, path) DO UPDATE SET reason = excluded.reason
                """).Text("s", snapshotId))
            {
                insert.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = skipped.Select(f => Clean(f.Path)).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<string[]>("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = skipped.Select(f => Clean(f.Reason)).ToArray() });
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DiscoveredFile>> GetDiscoveredFilesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT path, language, size FROM discovered_files WHERE snapshot_id = @s ORDER BY path COLLATE \"C\"",
            c => c.Text("s", snapshotId), r => new DiscoveredFile(r.GetString(0), r.GetString(1), r.GetInt64(2)), cancellationToken);

    public Task<IReadOnlyList<SkippedFile>> GetSkippedFilesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT path, reason FROM skipped_files WHERE snapshot_id = @s ORDER BY path COLLATE \"C\"",
            c => c.Text("s", snapshotId), r => new SkippedFile(r.GetString(0), r.GetString(1)), cancellationToken);

    public async Task<IReadOnlySet<string>> GetParsedPathsAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        var paths = await QueryAsync("SELECT path FROM snapshot_files WHERE snapshot_id = @s", c => c.Text("s", snapshotId), r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        return paths.ToHashSet(StringComparer.Ordinal);
    }

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
        return InTransactionAsync(async (connection, transaction) =>
        {
            await using (var delete = Command(connection, transaction, "DELETE FROM chunks WHERE snapshot_id = @s").Text("s", snapshotId))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (chunks.Count == 0)
            {
                return;
            }

            await InsertChunkRowsAsync(connection, transaction, snapshotId, chunks, words, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task PublishSnapshotAsync(string snapshotId, SnapshotStats stats, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var statsJson = JsonSerializer.Serialize(stats, StatsJsonOptions);
        return InTransactionAsync(async (connection, transaction) =>
        {
            await using (var update = Command(connection, transaction,
                "UPDATE snapshots SET completed = true, completed_at = now(), stats_json = CAST(@stats AS jsonb) WHERE snapshot_id = @s")
                .Text("s", snapshotId).Text("stats", statsJson))
            {
                if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new InvalidOperationException($"cannot publish snapshot '{snapshotId}': it was never begun (call BeginSnapshotAsync first)");
                }
            }

            await using var latest = Command(connection, transaction,
                "UPDATE repos SET latest_snapshot = @s WHERE repo = (SELECT repo FROM snapshots WHERE snapshot_id = @s)").Text("s", snapshotId);
            await latest.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string? repo, int limit, CancellationToken cancellationToken = default)
    {
        var terms = SqliteCodeStore.QueryTerms(query);
        var all = TsQuery(terms, prefix: false);
        if (all is null)
        {
            return [];
        }

        var hits = await SearchCoreAsync(all, terms, repo, limit, cancellationToken).ConfigureAwait(false);
        if (hits.Count == 0 && TsQuery(terms, prefix: true) is { } any)
        {
            hits = await SearchCoreAsync(any, terms, repo, limit, cancellationToken).ConfigureAwait(false);
        }

        return hits;
    }

    public Task<IReadOnlyList<SymbolHit>> FindSymbolsAsync(string? name, string? repo, string? kind, int limit, CancellationToken cancellationToken = default)
    {
        const string Filter = "(CAST(@repo AS text) IS NULL OR r.repo = @repo) AND (CAST(@kind AS text) IS NULL OR lower(d.kind) = lower(@kind))";
        var limitClause = limit > 0 ? "LIMIT " + limit.ToString(CultureInfo.InvariantCulture) : string.Empty;
        var sql = string.IsNullOrEmpty(name)
            ? $"""
               SELECT r.repo, d.name, d.kind, d.path, d.start_line, d.end_line
               FROM definitions d JOIN repos r ON r.latest_snapshot = d.snapshot_id
               WHERE {Filter}
               ORDER BY r.repo COLLATE "C", d.path COLLATE "C", d.start_line, d.ordinal {limitClause}
               """
            : $"""
               SELECT r.repo, d.name, d.kind, d.path, d.start_line, d.end_line
               FROM definitions d JOIN repos r ON r.latest_snapshot = d.snapshot_id
               WHERE {Filter} AND (lower(d.name) = lower(@name) OR lower(d.name) LIKE lower(@prefix) ESCAPE '\')
               ORDER BY CASE WHEN lower(d.name) = lower(@name) THEN 0 ELSE 1 END, r.repo COLLATE "C", d.path COLLATE "C", d.start_line, d.ordinal
               {limitClause}
               """;
        return QueryAsync(sql, c =>
        {
            c.Text("repo", repo).Text("kind", kind);
            if (!string.IsNullOrEmpty(name))
            {
                c.Text("name", Clean(name)).Text("prefix", EscapeLike(Clean(name)) + "%");
            }
        }, r => new SymbolHit(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5)), cancellationToken);
    }

    public Task<IReadOnlyList<RepoInfo>> ListReposAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(
            """
            SELECT r.repo, r.url,
                (SELECT COUNT(*) FROM snapshots s WHERE s.repo = r.repo AND s.completed)::int,
                r.latest_snapshot, ls.commit_sha,
                (SELECT COUNT(*) FROM snapshot_files f WHERE f.snapshot_id = r.latest_snapshot)::int,
                (SELECT COUNT(*) FROM definitions d WHERE d.snapshot_id = r.latest_snapshot)::int
            FROM repos r JOIN snapshots ls ON ls.snapshot_id = r.latest_snapshot
            ORDER BY r.repo COLLATE "C"
            """,
            _ => { },
            r => new RepoInfo(r.GetString(0), r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetInt32(5), r.GetInt32(6)),
            cancellationToken);

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

    private static NpgsqlCommand SaveJobCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction, JobRecord job)
    {
        var command = Command(connection, transaction,
            """
            INSERT INTO jobs(job_id, repo, status, created_at, created_ticks, finished_at, view_json)
            VALUES (@id, @repo, @status, @created, @ticks, @finished, @view)
            ON CONFLICT (job_id) DO UPDATE SET repo = excluded.repo, status = excluded.status, created_at = excluded.created_at,
                created_ticks = excluded.created_ticks, finished_at = excluded.finished_at, view_json = excluded.view_json
            """)
            .Text("id", job.JobId).Text("repo", job.Repo).Text("status", job.Status)
            .Text("created", Format(job.CreatedAt)).Text("finished", job.FinishedAt is { } f ? Format(f) : null).Text("view", Clean(job.ViewJson));
        command.Parameters.Add(new NpgsqlParameter<long>("ticks", NpgsqlDbType.Bigint) { TypedValue = job.CreatedAt.UtcTicks });
        return command;
    }

    public async Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT job_id, repo, status, created_at, finished_at, view_json FROM jobs WHERE job_id = @id",
            c => c.Text("id", jobId), ReadJob, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT job_id, repo, status, created_at, finished_at, view_json FROM jobs ORDER BY created_ticks DESC, job_id COLLATE \"C\" DESC "
                + (limit > 0 ? "LIMIT " + limit.ToString(CultureInfo.InvariantCulture) : string.Empty),
            _ => { }, ReadJob, cancellationToken);

    /// <summary>
    /// A tsquery text built only from quoted lexemes: each term's alphanumeric parts as a phrase (parse_file → 'parse' &lt;-&gt; 'file'),
    /// terms joined with &amp; — or, for the forgiving pass, each term's last part as a prefix ('pars':*), terms joined with |. Null when nothing is left.
    /// </summary>
    internal static string? TsQuery(IReadOnlyList<string> terms, bool prefix)
    {
        var pieces = new List<string>();
        foreach (var term in terms)
        {
            var parts = PartRegex().Matches(term.ToLowerInvariant()).Select(m => m.Value).ToList();
            if (parts.Count == 0)
            {
                continue;
            }

            // A multi-part term stays a phrase in both passes (new_name never matches old_name); the forgiving
            // pass makes its last part a prefix, like SQLite's "new_name"* on the whole identifier.
            var quoted = parts.Select(p => $"'{p}'").ToList();
            if (prefix)
            {
                quoted[^1] += ":*";
            }

            pieces.Add(quoted.Count == 1 ? quoted[0] : "(" + string.Join(" <-> ", quoted) + ")");
        }

        return pieces.Count == 0 ? null : string.Join(prefix ? " | " : " & ", pieces);
    }

    private Task<IReadOnlyList<SearchHit>> SearchCoreAsync(string tsQuery, IReadOnlyList<string> terms, string? repo, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"""
            WITH q AS (SELECT to_tsquery('simple'::regconfig, @query) AS query)
            SELECT r.repo, c.path, c.start_line, c.end_line, c.symbol, ts_rank(c.search, q.query)::float8 AS score, c.text
            FROM q, chunks c JOIN repos r ON r.latest_snapshot = c.snapshot_id
            WHERE c.search @@ q.query AND (CAST(@repo AS text) IS NULL OR r.repo = @repo)
            ORDER BY score DESC, c.path COLLATE "C", c.start_line
            LIMIT {(limit > 0 ? limit : 20).ToString(CultureInfo.InvariantCulture)}
            """,
            c => c.Text("query", tsQuery).Text("repo", repo),
            r => new SearchHit(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetDouble(5), SqliteCodeStore.Snippet(r.GetString(6), terms)),
            cancellationToken);

    private static JobRecord ReadJob(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        Parse(reader.GetString(3)),
        reader.IsDBNull(4) ? null : Parse(reader.GetString(4)),
        reader.GetString(5));

    /// <summary>PostgreSQL text cannot hold NUL characters; they become U+FFFD (the content hash still covers the original bytes).</summary>
    private static string Clean(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    private static string EscapeLike(string value) => value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static string Format(DateTimeOffset value) => value.ToString("o", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) => new(sql, connection, transaction);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<NpgsqlCommand> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        await RunAsync<IReadOnlyList<T>>(async connection =>
        {
            await using var command = Command(connection, null, sql);
            bind(command);
            var result = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(read(reader));
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);

    private Task InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && PostgresConnection.IsUnavailable(ex))
        {
            throw PostgresConnection.Unavailable(_builder, ex);
        }
    }

    // Alphanumeric runs of a term: the parts PostgreSQL's parser also splits identifiers into at '_'.
    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex PartRegex();
}

internal static class NpgsqlCommandExtensions
{
    public static NpgsqlCommand Text(this NpgsqlCommand command, string name, string? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });
        return command;
    }
}
