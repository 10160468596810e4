// PostgreSQL part of the incremental store methods (ICodeStore.Incremental.cs). Path lists travel as text arrays.
using System.Text.Json;
using CodeIngest.Parsing;
using Npgsql;
using NpgsqlTypes;

namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore
{
    // Per-snapshot tables whose rows a staged file brings along when it moves into the published snapshot.
    private static readonly string[] StagedFileTables = ["snapshot_files", "definitions"];

    public async Task<string?> GetLatestSnapshotAsync(string repo, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT latest_snapshot FROM repos WHERE repo = @r", c => c.Text("r", repo), r => r.IsDBNull(0) ? null : r.GetString(0), cancellationToken).ConfigureAwait(false))
        .FirstOrDefault();

    public Task<IReadOnlyList<StoredPathState>> GetPathStatesAsync(string snapshotId, IReadOnlyList<string>? paths, CancellationToken cancellationToken = default)
    {
        // Every path: one pass over the snapshot's rows. Some paths: each one is looked up by key, as a file (path = p, the
        // primary key) and as a folder (the byte-wise range of everything under p/, '0' sorting right after '/'; the ~>~ ~<~
        // operators compare bytes whatever the database's collation, and the *_path_bytes indexes serve them).
        const string Files = "SELECT t.path, t.language, t.hash, NULL::text FROM unnest(@paths) p CROSS JOIN snapshot_files t WHERE t.snapshot_id = @s AND ";
        const string Skips = "SELECT t.path, NULL, NULL, t.reason FROM unnest(@paths) p CROSS JOIN skipped_files t WHERE t.snapshot_id = @s AND ";
        const string AsFile = "t.path = p";
        const string AsFolder = "t.path ~>~ (p || '/') AND t.path ~<~ (p || '0')";
        var all = paths is null || paths.Contains("");
        return QueryAsync(
            all
                ? """
                  SELECT path, language, hash, NULL::text FROM snapshot_files WHERE snapshot_id = @s
                  UNION ALL
                  SELECT path, NULL, NULL, reason FROM skipped_files WHERE snapshot_id = @s
                  """
                : $"{Files}{AsFile} UNION {Files}{AsFolder} UNION {Skips}{AsFile} UNION {Skips}{AsFolder}",
            c =>
            {
                c.Text("s", snapshotId);
                if (!all)
                {
                    c.Paths("paths", paths!);
                }
            },
            r => new StoredPathState(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)),
            cancellationToken);
    }

    public async Task<IReadOnlyList<StoredFile>> GetFilesByPathAsync(string snapshotId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        var definitions = (await QueryAsync(
            "SELECT path, name, kind, start_line, end_line, start_byte, end_byte FROM definitions WHERE snapshot_id = @s AND path = ANY(@paths) ORDER BY path, ordinal",
            c => c.Text("s", snapshotId).Paths("paths", paths),
            r => (Path: r.GetString(0), Definition: new Definition(r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6))),
            cancellationToken).ConfigureAwait(false))
            .GroupBy(d => d.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Definition>)g.Select(d => d.Definition).ToList(), StringComparer.Ordinal);
        return await QueryAsync(
            """
            SELECT f.path, f.language, f.hash, f.lines, f.parse_error, c.text
            FROM snapshot_files f JOIN contents c ON c.hash = f.hash
            WHERE f.snapshot_id = @s AND f.path = ANY(@paths) ORDER BY f.path COLLATE "C"
            """,
            c => c.Text("s", snapshotId).Paths("paths", paths),
            r => new StoredFile(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4),
                definitions.TryGetValue(r.GetString(0), out var list) ? list : [], r.GetString(5)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> CopyChunksAsync(string fromSnapshotId, string toSnapshotId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        var copied = 0;
        await InTransactionAsync(async (connection, transaction) =>
        {
            await using var copy = Command(connection, transaction,
                """
                INSERT INTO chunks(snapshot_id, path, language, symbol, kind, start_line, end_line, text, words)
                SELECT @to, path, language, symbol, kind, start_line, end_line, text, words FROM chunks
                WHERE snapshot_id = @from AND path = ANY(@paths) ORDER BY chunk_id
                """).Text("from", fromSnapshotId).Text("to", toSnapshotId).Paths("paths", paths);
            copied = await copy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return copied;
    }

    public async Task<SnapshotStats> CountSnapshotAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        await RunAsync(async connection => (await CountPathsAsync(connection, null, snapshotId, null, cancellationToken).ConfigureAwait(false)).ToStats(), cancellationToken).ConfigureAwait(false);

    public async Task<SnapshotStats> ApplyFileChangesAsync(FileChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var affected = changes.Paths;
        var upserted = changes.Upserted.Select(f => f.Path).ToList();
        SnapshotStats? result = null;
        await InTransactionAsync(async (connection, transaction) =>
        {
            string statsJson;
            await using (var read = Command(connection, transaction, "SELECT stats_json::text FROM snapshots WHERE snapshot_id = @s AND completed FOR UPDATE").Text("s", changes.SnapshotId))
            {
                statsJson = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
                    ?? throw new InvalidOperationException($"cannot apply file changes to snapshot '{changes.SnapshotId}': it is not a published snapshot");
            }

            var before = await CountPathsAsync(connection, transaction, changes.SnapshotId, affected, cancellationToken).ConfigureAwait(false);
            foreach (var table in (string[])["chunks", "definitions", "snapshot_files", "discovered_files", "skipped_files"])
            {
                await using var delete = Command(connection, transaction, $"DELETE FROM {table} WHERE snapshot_id = @s AND path = ANY(@paths)")
                    .Text("s", changes.SnapshotId).Paths("paths", affected);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var table in StagedFileTables)
            {
                await using var move = Command(connection, transaction, $"UPDATE {table} SET snapshot_id = @s WHERE snapshot_id = @staging AND path = ANY(@paths)")
                    .Text("s", changes.SnapshotId).Text("staging", changes.StagingSnapshotId).Paths("paths", upserted);
                var moved = await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (table == "snapshot_files" && moved != changes.Upserted.Count)
                {
                    throw new InvalidOperationException($"staging snapshot '{changes.StagingSnapshotId}' holds {moved} of the {changes.Upserted.Count} parsed files to apply");
                }
            }

            await using (var discovered = Command(connection, transaction,
                "INSERT INTO discovered_files(snapshot_id, path, language, size) SELECT @s, p, l, z FROM unnest(@paths, @languages, @sizes) AS f(p, l, z)")
                .Text("s", changes.SnapshotId).Paths("paths", upserted).Paths("languages", changes.Upserted.Select(f => f.Language).ToList()))
            {
                discovered.Parameters.Add(new NpgsqlParameter<long[]>("sizes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = changes.Upserted.Select(f => f.Size).ToArray() });
                await discovered.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var skipped = Command(connection, transaction,
                "INSERT INTO skipped_files(snapshot_id, path, reason) SELECT @s, p, r FROM unnest(@paths, @reasons) AS f(p, r)")
                .Text("s", changes.SnapshotId).Paths("paths", changes.Skipped.Select(f => f.Path).ToList()).Paths("reasons", changes.Skipped.Select(f => f.Reason).ToList()))
            {
                await skipped.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (changes.Chunks.Count > 0)
            {
                await InsertChunkRowsAsync(connection, transaction, changes.SnapshotId, changes.Chunks, IdentifierWords.SplitAll(changes.Chunks), cancellationToken).ConfigureAwait(false);
            }

            var after = await CountPathsAsync(connection, transaction, changes.SnapshotId, affected, cancellationToken).ConfigureAwait(false);
            result = JsonSerializer.Deserialize<SnapshotStats>(statsJson, StatsJsonOptions)!.Apply(before, after);
            await using var update = Command(connection, transaction, "UPDATE snapshots SET stats_json = CAST(@stats AS jsonb) WHERE snapshot_id = @s")
                .Text("s", changes.SnapshotId).Text("stats", JsonSerializer.Serialize(result, StatsJsonOptions));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result!;
    }

    private static async Task<PathCounts> CountPathsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string snapshotId, IReadOnlyCollection<string>? paths, CancellationToken cancellationToken)
    {
        var filter = paths is null ? "" : " AND path = ANY(@paths)";
        await using var command = Command(connection, transaction,
            $"""
            SELECT (SELECT COUNT(*) FROM skipped_files WHERE snapshot_id = @s{filter})::int,
                   (SELECT COUNT(*) FROM definitions WHERE snapshot_id = @s{filter})::int,
                   (SELECT COUNT(*) FROM chunks WHERE snapshot_id = @s{filter})::int;
            SELECT language, COUNT(*)::int FROM snapshot_files WHERE snapshot_id = @s{filter} GROUP BY language;
            """).Text("s", snapshotId);
        if (paths is not null)
        {
            command.Paths("paths", paths);
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

internal static class NpgsqlPathArrayExtensions
{
    /// <summary>Binds a text array (NUL characters replaced, as PostgreSQL text cannot hold them).</summary>
    public static NpgsqlCommand Paths(this NpgsqlCommand command, string name, IEnumerable<string?> values)
    {
        command.Parameters.Add(new NpgsqlParameter<string?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            TypedValue = values.Select(v => v is null ? null : v.Contains('\0', StringComparison.Ordinal) ? v.Replace('\0', '\uFFFD') : v).ToArray(),
        });
        return command;
    }
}
