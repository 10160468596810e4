// SQLite part of the graph area: graph_edges and analysis_reports tables.
using CodeIngest.Graph;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    private const string GraphSchema =
        """
        CREATE TABLE IF NOT EXISTS graph_edges (
            snapshot_id TEXT NOT NULL, ordinal INTEGER NOT NULL, kind TEXT NOT NULL,
            source_path TEXT NOT NULL, source_symbol TEXT, target_path TEXT, target_symbol TEXT, target_name TEXT NOT NULL,
            line INTEGER NOT NULL, resolution TEXT NOT NULL, confidence REAL NOT NULL,
            PRIMARY KEY (snapshot_id, ordinal));
        CREATE INDEX IF NOT EXISTS graph_edges_target ON graph_edges(snapshot_id, target_path);
        CREATE TABLE IF NOT EXISTS analysis_reports (
            snapshot_id TEXT NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL, created_at TEXT NOT NULL,
            PRIMARY KEY (snapshot_id, kind));
        """;

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

            await using (var insert = connection.Command(
                """
                INSERT INTO graph_edges(snapshot_id, ordinal, kind, source_path, source_symbol, target_path, target_symbol, target_name, line, resolution, confidence)
                VALUES ($s, $o, $kind, $sp, $ss, $tp, $ts, $tn, $line, $res, $conf)
                """, transaction))
            {
                insert.With("$s", snapshotId);
                var ordinal = insert.Parameters.Add("$o", SqliteType.Integer);
                var kind = insert.Parameters.Add("$kind", SqliteType.Text);
                var sourcePath = insert.Parameters.Add("$sp", SqliteType.Text);
                var sourceSymbol = insert.Parameters.Add("$ss", SqliteType.Text);
                var targetPath = insert.Parameters.Add("$tp", SqliteType.Text);
                var targetSymbol = insert.Parameters.Add("$ts", SqliteType.Text);
                var targetName = insert.Parameters.Add("$tn", SqliteType.Text);
                var line = insert.Parameters.Add("$line", SqliteType.Integer);
                var resolution = insert.Parameters.Add("$res", SqliteType.Text);
                var confidence = insert.Parameters.Add("$conf", SqliteType.Real);
                for (var i = 0; i < edges.Count; i++)
                {
                    var e = edges[i];
                    ordinal.Value = i;
                    kind.Value = e.Kind;
                    sourcePath.Value = e.SourcePath;
                    sourceSymbol.Value = (object?)e.SourceSymbol ?? DBNull.Value;
                    targetPath.Value = (object?)e.TargetPath ?? DBNull.Value;
                    targetSymbol.Value = (object?)e.TargetSymbol ?? DBNull.Value;
                    targetName.Value = e.TargetName;
                    line.Value = e.Line;
                    resolution.Value = e.Resolution;
                    confidence.Value = e.Confidence;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await UpsertReportAsync(connection, transaction, snapshotId, ReportKinds.Architecture, architectureJson, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<GraphEdge>> GetGraphEdgesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<GraphEdge>>(async connection =>
        {
            var edges = new List<GraphEdge>();
            await using var command = connection.Command(
                """
                SELECT kind, source_path, source_symbol, target_path, target_symbol, target_name, line, resolution, confidence
                FROM graph_edges WHERE snapshot_id = $s ORDER BY ordinal
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
