// SQLite part of the graph area: graph_edges and analysis_reports tables.
using CodeIngest.Graph;
using CodeIngest.Parsing;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    // No index on target_path: nothing queries by it, and keeping one current costs a random B-tree write per edge
    // (minutes for a million edges); databases made before this drop it. The index on source_path serves the
    // incremental refresh (its rows of a few files) and the read order; a full build writes in that order, so it appends.
    private const string GraphSchema =
        """
        CREATE TABLE IF NOT EXISTS graph_edges (
            snapshot_id TEXT NOT NULL, ordinal INTEGER NOT NULL, kind TEXT NOT NULL,
            source_path TEXT NOT NULL, source_symbol TEXT, target_path TEXT, target_symbol TEXT, target_name TEXT NOT NULL,
            line INTEGER NOT NULL, resolution TEXT NOT NULL, confidence REAL NOT NULL,
            PRIMARY KEY (snapshot_id, ordinal));
        DROP INDEX IF EXISTS graph_edges_target;
        CREATE INDEX IF NOT EXISTS graph_edges_source ON graph_edges(snapshot_id, source_path, ordinal);
        CREATE TABLE IF NOT EXISTS analysis_reports (
            snapshot_id TEXT NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (snapshot_id, kind));
        """;

    public Task<IReadOnlyList<FileStat>> GetFileStatsAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<FileStat>>(async connection =>
        {
            var result = new List<FileStat>();
            await using var command = connection.Command(
                $"""
                SELECT f.path, f.language, f.lines,
                    CASE WHEN f.parse_data IS NULL
                        THEN (SELECT COUNT(*) FROM definition_files df JOIN file_definitions d ON d.file_id = df.file_id
                              WHERE df.snapshot_key = {SnapshotKeyOf} AND df.path = f.path) END,
                    f.parse_data
                FROM snapshot_files f WHERE f.snapshot_id = $s ORDER BY f.path
                """).With("$s", snapshotId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Parse data (binary or the old JSON) holds the definition count and code lines; rows without it count their definition rows.
                var (definitions, codeLines) = reader.IsDBNull(4) ? (reader.GetInt32(3), null) : ParseData.Summary(reader.GetFieldValue<byte[]>(4));
                result.Add(new FileStat(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), definitions, codeLines));
            }

            return result;
        }, cancellationToken);

    public Task SaveGraphAsync(string snapshotId, IReadOnlyList<GraphEdge> edges, string architectureJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(architectureJson);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var delete = connection.Command("DELETE FROM graph_edges WHERE snapshot_id = $s", transaction).With("$s", snapshotId))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await InsertEdgesAsync(connection, transaction, snapshotId, edges, 0, cancellationToken).ConfigureAwait(false);
            await UpsertReportAsync(connection, transaction, snapshotId, ICodeStore.GraphStampKind, Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
            await UpsertReportAsync(connection, transaction, snapshotId, ReportKinds.Architecture, architectureJson, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    // Many rows per statement: a large graph (a million edges) spends its time in SQLite, not in one call per row.
    // Ordinals are consecutive from `firstOrdinal`, in list order.
    private static async Task InsertEdgesAsync(SqliteConnection connection, SqliteTransaction transaction, string snapshotId, IReadOnlyList<GraphEdge> edges, long firstOrdinal, CancellationToken cancellationToken)
    {
        const int Rows = 100;
        SqliteCommand? full = null;
        try
        {
            for (var offset = 0; offset < edges.Count; offset += Rows)
            {
                var count = Math.Min(Rows, edges.Count - offset);
                var insert = count == Rows ? full ??= EdgeInsert(connection, transaction, snapshotId, Rows) : EdgeInsert(connection, transaction, snapshotId, count);
                for (var i = 0; i < count; i++)
                {
                    var e = edges[offset + i];
                    var p = 1 + i * 10;
                    insert.Parameters[p].Value = firstOrdinal + offset + i;
                    insert.Parameters[p + 1].Value = e.Kind;
                    insert.Parameters[p + 2].Value = e.SourcePath;
                    insert.Parameters[p + 3].Value = (object?)e.SourceSymbol ?? DBNull.Value;
                    insert.Parameters[p + 4].Value = (object?)e.TargetPath ?? DBNull.Value;
                    insert.Parameters[p + 5].Value = (object?)e.TargetSymbol ?? DBNull.Value;
                    insert.Parameters[p + 6].Value = e.TargetName;
                    insert.Parameters[p + 7].Value = e.Line;
                    insert.Parameters[p + 8].Value = e.Resolution;
                    insert.Parameters[p + 9].Value = e.Confidence;
                }

                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (insert != full)
                {
                    await insert.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // INSERT of `rows` edges: parameter 0 is the snapshot, then ten per row in column order.
    private static SqliteCommand EdgeInsert(SqliteConnection connection, SqliteTransaction transaction, string snapshotId, int rows)
    {
        var sql = new System.Text.StringBuilder(
            "INSERT INTO graph_edges(snapshot_id, ordinal, kind, source_path, source_symbol, target_path, target_symbol, target_name, line, resolution, confidence) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "" : ",").Append(System.Globalization.CultureInfo.InvariantCulture,
                $"($s,$o{i},$k{i},$sp{i},$ss{i},$tp{i},$ts{i},$tn{i},$l{i},$r{i},$c{i})");
        }

        var command = connection.Command(sql.ToString(), transaction).With("$s", snapshotId);
        for (var i = 0; i < rows; i++)
        {
            command.Parameters.Add($"$o{i}", SqliteType.Integer);
            command.Parameters.Add($"$k{i}", SqliteType.Text);
            command.Parameters.Add($"$sp{i}", SqliteType.Text);
            command.Parameters.Add($"$ss{i}", SqliteType.Text);
            command.Parameters.Add($"$tp{i}", SqliteType.Text);
            command.Parameters.Add($"$ts{i}", SqliteType.Text);
            command.Parameters.Add($"$tn{i}", SqliteType.Text);
            command.Parameters.Add($"$l{i}", SqliteType.Integer);
            command.Parameters.Add($"$r{i}", SqliteType.Text);
            command.Parameters.Add($"$c{i}", SqliteType.Real);
        }

        return command;
    }

    public Task<IReadOnlyList<GraphEdge>> GetGraphEdgesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<GraphEdge>>(async connection =>
        {
            var edges = new List<GraphEdge>();
            await using var command = connection.Command(
                """
                SELECT kind, source_path, source_symbol, target_path, target_symbol, target_name, line, resolution, confidence
                FROM graph_edges WHERE snapshot_id = $s ORDER BY source_path, ordinal
                """).With("$s", snapshotId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                edges.Add(new GraphEdge(reader.GetString(0), reader.GetString(1), reader.GetNullableString(2), reader.GetNullableString(3), reader.GetNullableString(4),
                    reader.GetString(5), reader.GetInt32(6), reader.GetString(7), reader.GetDouble(8)));
            }

            return edges;
        }, cancellationToken);

    public Task SaveReportAsync(string snapshotId, string kind, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(json);
        return RunAsync(async connection =>
        {
            await UpsertReportAsync(connection, null, snapshotId, kind, json, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<string?> GetReportAsync(string snapshotId, string kind, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT json FROM analysis_reports WHERE snapshot_id = $s AND kind = $k").With("$s", snapshotId).With("$k", kind);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }, cancellationToken);

    public Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(string repo, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<SnapshotSummary>>(async connection =>
        {
            var result = new List<SnapshotSummary>();
            await using var command = connection.Command(
                "SELECT snapshot_id, repo, commit_sha, branch, created_at, completed FROM snapshots WHERE repo = $r ORDER BY created_at DESC, snapshot_id").With("$r", repo);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new SnapshotSummary(reader.GetString(0), reader.GetString(1), reader.GetNullableString(2), reader.GetNullableString(3),
                    DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind), reader.GetInt64(5) != 0));
            }

            return result;
        }, cancellationToken);

    private static async Task UpsertReportAsync(SqliteConnection connection, SqliteTransaction? transaction, string snapshotId, string kind, string json, CancellationToken cancellationToken)
    {
        await using var upsert = connection.Command(
            """
            INSERT INTO analysis_reports(snapshot_id, kind, json, created_at) VALUES ($s, $k, $j, $at)
            ON CONFLICT(snapshot_id, kind) DO UPDATE SET json = excluded.json, created_at = excluded.created_at
            """, transaction)
            .With("$s", snapshotId).With("$k", kind).With("$j", json).With("$at", DateTimeOffset.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
