// PostgreSQL part of the incremental graph and quality refresh (ICodeStore.GraphRefresh.cs).
using Npgsql;
using NpgsqlTypes;

namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore
{
    public Task<IReadOnlyList<StoredPathState>> GetFileStatesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT path, language, hash FROM snapshot_files WHERE snapshot_id = @s ORDER BY path COLLATE \"C\"",
            c => c.Text("s", snapshotId),
            r => new StoredPathState(r.GetString(0), r.GetString(1), r.GetString(2), null),
            cancellationToken);

    public async Task ForEachFileAsync(string snapshotId, IReadOnlyCollection<string> paths, bool withReferences, Action<StoredFile> visit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(visit);
        if (paths.Count == 0)
        {
            return;
        }

        await foreach (var file in ReadFilesAsync(snapshotId, withReferences, paths, cancellationToken).ConfigureAwait(false))
        {
            visit(file);
        }
    }

    public async Task<bool> UpdateGraphEdgesAsync(GraphEdgeUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var applied = false;
        await InTransactionAsync(async (connection, transaction) =>
        {
            // The stamp first: its row lock is held to the commit, so a concurrent update with the same expectation waits, then finds
            // the stamp changed and writes nothing.
            await using (var swap = update.ExpectedStamp is null
                ? Command(connection, transaction, "INSERT INTO analysis_reports(snapshot_id, kind, json, created_at) VALUES (@s, @k, @new, now()) ON CONFLICT (snapshot_id, kind) DO NOTHING")
                : Command(connection, transaction, "UPDATE analysis_reports SET json = @new, created_at = now() WHERE snapshot_id = @s AND kind = @k AND json = @old").Text("old", update.ExpectedStamp))
            {
                swap.Text("s", update.SnapshotId).Text("k", ICodeStore.GraphStampKind).Text("new", update.NewStamp);
                if (await swap.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    return;
                }
            }

            await using (var delete = Command(connection, transaction, "DELETE FROM graph_edges WHERE snapshot_id = @s AND source_path = ANY(@paths)").Text("s", update.SnapshotId))
            {
                delete.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = update.ReplacedSources.Select(Clean).ToArray() });
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            long next;
            await using (var max = Command(connection, transaction, "SELECT COALESCE(MAX(ordinal), -1) + 1 FROM graph_edges WHERE snapshot_id = @s").Text("s", update.SnapshotId))
            {
                next = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }

            await InsertEdgesAsync(connection, transaction, update.SnapshotId, update.Edges, next, cancellationToken).ConfigureAwait(false);
            await UpsertReportAsync(connection, transaction, update.SnapshotId, ReportKinds.Architecture, update.ArchitectureJson, cancellationToken).ConfigureAwait(false);
            applied = true;
        }, cancellationToken).ConfigureAwait(false);
        return applied;
    }
}
