// SQLite part of the incremental store methods (ICodeStore.Incremental.cs). Path lists travel as one JSON
// array parameter (json_each), so a batch of any size is one statement.
using System.Text.Json;
using CodeIngest.Parsing;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    private const string StagingKeyOf = "(SELECT snapshot_key FROM snapshot_keys WHERE snapshot_id = $staging)";

    public Task<string?> GetLatestSnapshotAsync(string repo, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT latest_snapshot FROM repos WHERE repo = $r").With("$r", repo);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredPathState>> GetPathStatesAsync(string snapshotId, IReadOnlyList<string>? paths, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<StoredPathState>>(async connection =>
        {
            // Every path: one pass over the snapshot's rows. Some paths: each one is looked up by primary key, as a file
            // (path = p) and as a folder (the key range of everything under p/; '0' sorts right after '/'), so the cost is
            // that of the matching rows, not of the snapshot. CROSS JOIN keeps the path list as the outer loop.
            const string Files = "SELECT t.path, t.language, t.hash, NULL FROM json_each($paths) p CROSS JOIN snapshot_files t WHERE t.snapshot_id = $s AND ";
            const string Skips = "SELECT t.path, NULL, NULL, t.reason FROM json_each($paths) p CROSS JOIN skipped_files t WHERE t.snapshot_id = $s AND ";
            const string AsFile = "t.path = p.value";
            const string AsFolder = "t.path > p.value || '/' AND t.path < p.value || '0'";
            var all = paths is null || paths.Contains("");
            await using var command = connection.Command(all
                ? """
                  SELECT path, language, hash, NULL FROM snapshot_files WHERE snapshot_id = $s
                  UNION ALL
                  SELECT path, NULL, NULL, reason FROM skipped_files WHERE snapshot_id = $s
                  """
                : $"{Files}{AsFile} UNION {Files}{AsFolder} UNION {Skips}{AsFile} UNION {Skips}{AsFolder}").With("$s", snapshotId);
            if (!all)
            {
                command.With("$paths", JsonSerializer.Serialize(paths));
            }

            var result = new List<StoredPathState>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new StoredPathState(reader.GetString(0), reader.GetNullableString(1), reader.GetNullableString(2), reader.GetNullableString(3)));
            }

            return result;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredFile>> GetFilesByPathAsync(string snapshotId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<StoredFile>>(async connection =>
        {
            var json = JsonSerializer.Serialize(paths);
            var definitions = new Dictionary<string, List<Definition>>(StringComparer.Ordinal);
            await using (var command = connection.Command(
                $"""
                SELECT f.path, d.name, d.kind, d.start_line, d.end_line, d.start_byte, d.end_byte
                FROM definition_files f JOIN file_definitions d ON d.file_id = f.file_id
                WHERE f.snapshot_key = {SnapshotKeyOf} AND f.path IN (SELECT value FROM json_each($paths)) ORDER BY f.path, d.ordinal
                """).With("$s", snapshotId).With("$paths", json))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var path = reader.GetString(0);
                    if (!definitions.TryGetValue(path, out var list))
                    {
                        definitions[path] = list = [];
                    }

                    list.Add(new Definition(reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)));
                }
            }

            var result = new List<StoredFile>();
            await using (var command = connection.Command(
                """
                SELECT f.path, f.language, f.hash, f.lines, f.parse_error, c.text
                FROM snapshot_files f JOIN contents c ON c.hash = f.hash
                WHERE f.snapshot_id = $s AND f.path IN (SELECT value FROM json_each($paths)) ORDER BY f.path
                """).With("$s", snapshotId).With("$paths", json))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var path = reader.GetString(0);
                    result.Add(new StoredFile(path, reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetNullableString(4),
                        definitions.TryGetValue(path, out var list) ? list : [], reader.GetString(5)));
                }
            }

            return result;
        }, cancellationToken);

    public Task<int> CopyChunksAsync(string fromSnapshotId, string toSnapshotId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            long before;
            await using (var max = connection.Command("SELECT COALESCE(MAX(chunk_id), 0) FROM chunks", transaction))
            {
                before = (long)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            // New rowids are above every existing one, so the copies are exactly the rows past `before`.
            int copied;
            await using (var copy = connection.Command(
                """
                INSERT INTO chunks(snapshot_id, path, language, symbol, kind, start_line, end_line, text, words)
                SELECT $to, path, language, symbol, kind, start_line, end_line, text, words FROM chunks
                WHERE snapshot_id = $from AND path IN (SELECT value FROM json_each($paths)) ORDER BY chunk_id
                """, transaction).With("$from", fromSnapshotId).With("$to", toSnapshotId).With("$paths", JsonSerializer.Serialize(paths)))
            {
                copied = await copy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var index = connection.Command(
                """
                INSERT INTO chunks_fts(rowid, text, path, symbol, words)
                SELECT chunk_id, text, path, COALESCE(symbol, ''), words FROM chunks WHERE chunk_id > $before
                """, transaction).With("$before", before))
            {
                await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return copied;
        }, cancellationToken);

    public Task<SnapshotStats> CountSnapshotAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            var counts = await CountPathsAsync(connection, null, snapshotId, null, cancellationToken).ConfigureAwait(false);
            return counts.ToStats();
        }, cancellationToken);

    public Task<SnapshotStats> ApplyFileChangesAsync(FileChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var affected = JsonSerializer.Serialize(changes.Paths);
        var upserted = JsonSerializer.Serialize(changes.Upserted.Select(f => f.Path));
        var words = IdentifierWords.SplitAll(changes.Chunks);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            string? statsJson;
            await using (var read = connection.Command("SELECT stats_json FROM snapshots WHERE snapshot_id = $s AND completed = 1", transaction).With("$s", changes.SnapshotId))
            {
                statsJson = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
                    ?? throw new InvalidOperationException($"cannot apply file changes to snapshot '{changes.SnapshotId}': it is not a published snapshot");
            }

            var before = await CountPathsAsync(connection, transaction, changes.SnapshotId, affected, cancellationToken).ConfigureAwait(false);
            await using (var delete = connection.Command(
                $"""
                INSERT INTO chunks_fts(chunks_fts, rowid, text, path, symbol, words)
                    SELECT 'delete', chunk_id, text, path, COALESCE(symbol, ''), words FROM chunks
                    WHERE snapshot_id = $s AND path IN (SELECT value FROM json_each($paths));
                DELETE FROM chunks WHERE snapshot_id = $s AND path IN (SELECT value FROM json_each($paths));
                DELETE FROM file_definitions WHERE file_id IN
                    (SELECT file_id FROM definition_files WHERE snapshot_key = {SnapshotKeyOf} AND path IN (SELECT value FROM json_each($paths)));
                DELETE FROM definition_files WHERE snapshot_key = {SnapshotKeyOf} AND path IN (SELECT value FROM json_each($paths));
                DELETE FROM snapshot_files WHERE snapshot_id = $s AND path IN (SELECT value FROM json_each($paths));
                DELETE FROM discovered_files WHERE snapshot_id = $s AND path IN (SELECT value FROM json_each($paths));
                DELETE FROM skipped_files WHERE snapshot_id = $s AND path IN (SELECT value FROM json_each($paths));
                """, transaction).With("$s", changes.SnapshotId).With("$paths", affected))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // The staged files' rows move into the published snapshot: their file rows, and their definitions (the file ids
            // stay; the rows take the published snapshot's key).
            await using (var move = connection.Command(
                "UPDATE snapshot_files SET snapshot_id = $s WHERE snapshot_id = $staging AND path IN (SELECT value FROM json_each($paths))", transaction)
                .With("$s", changes.SnapshotId).With("$staging", changes.StagingSnapshotId).With("$paths", upserted))
            {
                var moved = await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (moved != changes.Upserted.Count)
                {
                    throw new InvalidOperationException($"staging snapshot '{changes.StagingSnapshotId}' holds {moved} of the {changes.Upserted.Count} parsed files to apply");
                }
            }

            await using (var move = connection.Command(
                $"""
                INSERT OR IGNORE INTO snapshot_keys(snapshot_id) VALUES ($s);
                UPDATE file_definitions SET snapshot_key = {SnapshotKeyOf} WHERE file_id IN
                    (SELECT file_id FROM definition_files WHERE snapshot_key = {StagingKeyOf} AND path IN (SELECT value FROM json_each($paths)));
                UPDATE definition_files SET snapshot_key = {SnapshotKeyOf}
                    WHERE snapshot_key = {StagingKeyOf} AND path IN (SELECT value FROM json_each($paths));
                """, transaction).With("$s", changes.SnapshotId).With("$staging", changes.StagingSnapshotId).With("$paths", upserted))
            {
                await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var discovered = connection.Command("INSERT INTO discovered_files(snapshot_id, path, language, size) VALUES ($s, $path, $language, $size)", transaction))
            {
                discovered.With("$s", changes.SnapshotId);
                var path = discovered.Parameters.Add("$path", SqliteType.Text);
                var language = discovered.Parameters.Add("$language", SqliteType.Text);
                var size = discovered.Parameters.Add("$size", SqliteType.Integer);
                foreach (var file in changes.Upserted)
                {
                    (path.Value, language.Value, size.Value) = (file.Path, file.Language, file.Size);
                    await discovered.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await using (var skipped = connection.Command("INSERT INTO skipped_files(snapshot_id, path, reason) VALUES ($s, $path, $reason)", transaction))
            {
                skipped.With("$s", changes.SnapshotId);
                var path = skipped.Parameters.Add("$path", SqliteType.Text);
                var reason = skipped.Parameters.Add("$reason", SqliteType.Text);
                foreach (var file in changes.Skipped)
                {
                    (path.Value, reason.Value) = (file.Path, file.Reason);
                    await skipped.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await InsertChunkRowsAsync(connection, transaction, changes.SnapshotId, changes.Chunks, words, cancellationToken).ConfigureAwait(false);

            var after = await CountPathsAsync(connection, transaction, changes.SnapshotId, affected, cancellationToken).ConfigureAwait(false);
            var stats = JsonSerializer.Deserialize<SnapshotStats>(statsJson, StatsJsonOptions)!.Apply(before, after);
            await using (var update = connection.Command("UPDATE snapshots SET stats_json = $stats WHERE snapshot_id = $s", transaction)
                .With("$s", changes.SnapshotId).With("$stats", JsonSerializer.Serialize(stats, StatsJsonOptions)))
            {
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return stats;
        }, cancellationToken);
    }

    // Counts over the given paths of a snapshot (all of it when pathsJson is null).
    private static async Task<PathCounts> CountPathsAsync(SqliteConnection connection, SqliteTransaction? transaction, string snapshotId, string? pathsJson, CancellationToken cancellationToken)
    {
        var filter = pathsJson is null ? "" : " AND path IN (SELECT value FROM json_each($paths))";
        var definitions = pathsJson is null
            ? $"SELECT COUNT(*) FROM file_definitions WHERE snapshot_key = {SnapshotKeyOf}"
            : $"SELECT COUNT(*) FROM definition_files f JOIN file_definitions d ON d.file_id = f.file_id WHERE f.snapshot_key = {SnapshotKeyOf} AND f.path IN (SELECT value FROM json_each($paths))";
        await using var command = connection.Command(
            $"""
            SELECT (SELECT COUNT(*) FROM skipped_files WHERE snapshot_id = $s{filter}),
                   ({definitions}),
                   (SELECT COUNT(*) FROM chunks WHERE snapshot_id = $s{filter});
            SELECT language, COUNT(*) FROM snapshot_files WHERE snapshot_id = $s{filter} GROUP BY language;
            """, transaction).With("$s", snapshotId);
        if (pathsJson is not null)
        {
            command.With("$paths", pathsJson);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var counts = new PathCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), new Dictionary<string, int>(StringComparer.Ordinal));
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.Languages[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }
}

/// <summary>Row counts over some paths of a snapshot; the difference of two of them updates a snapshot's stats.</summary>
internal sealed record PathCounts(int Skipped, int Symbols, int Chunks, Dictionary<string, int> Languages)
{
    public SnapshotStats ToStats() => new(Languages.Values.Sum(), Skipped, Symbols, Chunks, Sorted(Languages));

    private static Dictionary<string, int> Sorted(Dictionary<string, int> languages) =>
        languages.Where(l => l.Value > 0).OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Value);

    public static Dictionary<string, int> Apply(IReadOnlyDictionary<string, int> stats, PathCounts before, PathCounts after)
    {
        var languages = new Dictionary<string, int>(stats, StringComparer.Ordinal);
        foreach (var (language, count) in before.Languages)
        {
            languages[language] = languages.GetValueOrDefault(language) - count;
        }

        foreach (var (language, count) in after.Languages)
        {
            languages[language] = languages.GetValueOrDefault(language) + count;
        }

        return Sorted(languages);
    }
}

internal static class SnapshotStatsExtensions
{
    /// <summary>The stats of a snapshot after the rows counted in <paramref name="before"/> were replaced by those in <paramref name="after"/>.</summary>
    public static SnapshotStats Apply(this SnapshotStats stats, PathCounts before, PathCounts after) => new(
        stats.Files - before.Languages.Values.Sum() + after.Languages.Values.Sum(),
        stats.FilesSkipped - before.Skipped + after.Skipped,
        stats.Symbols - before.Symbols + after.Symbols,
        stats.Chunks - before.Chunks + after.Chunks,
        PathCounts.Apply(stats.Languages, before, after));
}
