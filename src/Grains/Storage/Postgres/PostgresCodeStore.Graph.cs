// PostgreSQL part of the graph area: graph_edges and analysis_reports (migration "graph and reports").
using CodeIngest.Graph;
using CodeIngest.Parsing;
using Npgsql;
using NpgsqlTypes;

namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore
{
    internal const string GraphSchema =
        """
        CREATE TABLE IF NOT EXISTS graph_edges (
            snapshot_id text NOT NULL, ordinal integer NOT NULL, kind text NOT NULL,
            source_path text NOT NULL, source_symbol text, target_path text, target_symbol text, target_name text NOT NULL,
            line integer NOT NULL, resolution text NOT NULL, confidence double precision NOT NULL,
            PRIMARY KEY (snapshot_id, ordinal));
        CREATE TABLE IF NOT EXISTS analysis_reports (
            snapshot_id text NOT NULL, kind text NOT NULL, json text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (snapshot_id, kind));
        """;

    // The incremental refresh deletes the rows of a few source files, and edges are read grouped by source file.
    internal const string GraphSourceIndex = "CREATE INDEX IF NOT EXISTS graph_edges_source ON graph_edges (snapshot_id, source_path COLLATE \"C\", ordinal);";

    public Task<IReadOnlyList<FileStat>> GetFileStatsAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            """
            SELECT f.path, f.language, f.lines,
                CASE WHEN f.parse_data IS NULL AND f.parse_blob IS NULL
                    THEN (SELECT COUNT(*) FROM definitions d WHERE d.snapshot_id = f.snapshot_id AND d.path = f.path)::integer END,
                COALESCE(f.parse_blob, convert_to(f.parse_data, 'UTF8'))
            FROM snapshot_files f WHERE f.snapshot_id = @s ORDER BY f.path COLLATE "C"
            """,
            c => c.Text("s", snapshotId),
            r =>
            {
                // Parse data (binary or the old JSON) holds the definition count and code lines; rows without it count their definition rows.
                var (definitions, codeLines) = r.IsDBNull(4) ? (r.GetInt32(3), null) : ParseData.Summary(r.GetFieldValue<byte[]>(4));
                return new FileStat(r.GetString(0), r.GetString(1), r.GetInt32(2), definitions, codeLines);
            },
            cancellationToken);

    public Task SaveGraphAsync(string snapshotId, IReadOnlyList<GraphEdge> edges, string architectureJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(architectureJson);
        return InTransactionAsync(async (connection, transaction) =>
        {
            await using (var delete = Command(connection, transaction, "DELETE FROM graph_edges WHERE snapshot_id = @s").Text("s", snapshotId))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await InsertEdgesAsync(connection, transaction, snapshotId, edges, 0, cancellationToken).ConfigureAwait(false);
            await UpsertReportAsync(connection, transaction, snapshotId, ICodeStore.GraphStampKind, Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
            await UpsertReportAsync(connection, transaction, snapshotId, ReportKinds.Architecture, architectureJson, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    // Ordinals are consecutive from `firstOrdinal`, in list order.
    private static async Task InsertEdgesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string snapshotId, IReadOnlyList<GraphEdge> edges, long firstOrdinal, CancellationToken cancellationToken)
    {
        // Arrays in, one statement per slice: a large graph is a handful of round trips.
        const int Slice = 20_000;
        for (var offset = 0; offset < edges.Count; offset += Slice)
        {
            var part = edges.Skip(offset).Take(Slice).ToList();
            await using var insert = Command(connection, transaction,
                """
                INSERT INTO graph_edges(snapshot_id, ordinal, kind, source_path, source_symbol, target_path, target_symbol, target_name, line, resolution, confidence)
                SELECT @s, e.ordinal, e.kind, e.sp, e.ss, e.tp, e.ts, e.tn, e.line, e.res, e.conf
                FROM unnest(@ordinals, @kinds, @sps, @sss, @tps, @tss, @tns, @lines, @ress, @confs)
                    AS e(ordinal, kind, sp, ss, tp, ts, tn, line, res, conf)
                """).Text("s", snapshotId);
            insert.Parameters.Add(new NpgsqlParameter<int[]>("ordinals", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = part.Select((_, i) => checked((int)(firstOrdinal + offset + i))).ToArray() });
            AddTexts(insert, "kinds", part.Select(e => (string?)e.Kind));
            AddTexts(insert, "sps", part.Select(e => (string?)e.SourcePath));
            AddTexts(insert, "sss", part.Select(e => e.SourceSymbol));
            AddTexts(insert, "tps", part.Select(e => e.TargetPath));
            AddTexts(insert, "tss", part.Select(e => e.TargetSymbol));
            AddTexts(insert, "tns", part.Select(e => (string?)e.TargetName));
            insert.Parameters.Add(new NpgsqlParameter<int[]>("lines", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = part.Select(e => e.Line).ToArray() });
            AddTexts(insert, "ress", part.Select(e => (string?)e.Resolution));
            insert.Parameters.Add(new NpgsqlParameter<double[]>("confs", NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = part.Select(e => e.Confidence).ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<GraphEdge>> GetGraphEdgesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            """
            SELECT kind, source_path, source_symbol, target_path, target_symbol, target_name, line, resolution, confidence
            FROM graph_edges WHERE snapshot_id = @s ORDER BY source_path COLLATE "C", ordinal
            """,
            c => c.Text("s", snapshotId),
            r => new GraphEdge(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetString(5), r.GetInt32(6), r.GetString(7), r.GetDouble(8)),
            cancellationToken);

    public Task SaveReportAsync(string snapshotId, string kind, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(json);
        return InTransactionAsync((connection, transaction) => UpsertReportAsync(connection, transaction, snapshotId, kind, json, cancellationToken), cancellationToken);
    }

    public async Task<string?> GetReportAsync(string snapshotId, string kind, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT json FROM analysis_reports WHERE snapshot_id = @s AND kind = @k",
            c => c.Text("s", snapshotId).Text("k", kind), r => r.GetString(0), cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(string repo, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT snapshot_id, repo, commit_sha, branch, created_at, completed FROM snapshots WHERE repo = @r ORDER BY created_at DESC, snapshot_id COLLATE \"C\"",
            c => c.Text("r", repo),
            r => new SnapshotSummary(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetFieldValue<DateTimeOffset>(4), r.GetBoolean(5)),
            cancellationToken);

    private static async Task UpsertReportAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string snapshotId, string kind, string json, CancellationToken cancellationToken)
    {
        await using var upsert = Command(connection, transaction,
            """
            INSERT INTO analysis_reports(snapshot_id, kind, json, created_at) VALUES (@s, @k, @j, now())
            ON CONFLICT (snapshot_id, kind) DO UPDATE SET json = excluded.json, created_at = excluded.created_at
            """).Text("s", snapshotId).Text("k", kind).Text("j", Clean(json));
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddTexts(NpgsqlCommand command, string name, IEnumerable<string?> values) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.Select(v => v is null ? (object)DBNull.Value : Clean(v)).ToArray() });
}
