// SQLite part of the incremental graph and quality refresh (ICodeStore.GraphRefresh.cs).
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    public Task<IReadOnlyList<StoredPathState>> GetFileStatesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<StoredPathState>>(async connection =>
        {
            var result = new List<StoredPathState>();
            await using var command = connection.Command("SELECT path, language, hash FROM snapshot_files WHERE snapshot_id = $s ORDER BY path").With("$s", snapshotId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new StoredPathState(reader.GetString(0), reader.GetString(1), reader.GetString(2), null));
            }

            return result;
        }, cancellationToken);

    public async Task ForEachFileAsync(string snapshotId, IReadOnlyCollection<string> paths, bool withReferences, Action<StoredFile> visit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(visit);
        if (paths.Count == 0)
        {
            return;
        }

        try
        {
            await foreach (var file in ReadFilesAsync(snapshotId, withReferences, paths, cancellationToken).ConfigureAwait(false))
            {
                visit(file);
            }
        }
        catch (SqliteException ex) when (SqliteDatabase.IsFileError(ex))
        {
            throw SqliteDatabase.Unavailable(_databasePath, ex);
        }
    }

    public Task<bool> UpdateGraphEdgesAsync(GraphEdgeUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return RunAsync<bool>(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // The stamp first: the statement that takes the write lock also decides whether this update may go in.
            var now = DateTimeOffset.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture);
            await using (var swap = update.ExpectedStamp is null
                ? connection.Command("INSERT INTO analysis_reports(snapshot_id, kind, json, created_at) VALUES ($s, $k, $new, $at) ON CONFLICT(snapshot_id, kind) DO NOTHING", transaction)
                : connection.Command("UPDATE analysis_reports SET json = $new, created_at = $at WHERE snapshot_id = $s AND kind = $k AND json = $old", transaction).With("$old", update.ExpectedStamp))
            {
                swap.With("$s", update.SnapshotId).With("$k", ICodeStore.GraphStampKind).With("$new", update.NewStamp).With("$at", now);
                if (await swap.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    return false;
                }
            }

            await using (var delete = connection.Command("DELETE FROM graph_edges WHERE snapshot_id = $s AND source_path IN (SELECT value FROM json_each($paths))", transaction)
                .With("$s", update.SnapshotId).With("$paths", System.Text.Json.JsonSerializer.Serialize(update.ReplacedSources)))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            long next;
            await using (var max = connection.Command("SELECT COALESCE(MAX(ordinal), -1) + 1 FROM graph_edges WHERE snapshot_id = $s", transaction).With("$s", update.SnapshotId))
            {
                next = (long)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            await InsertEdgesAsync(connection, transaction, update.SnapshotId, update.Edges, next, cancellationToken).ConfigureAwait(false);
            await UpsertReportAsync(connection, transaction, update.SnapshotId, ReportKinds.Architecture, update.ArchitectureJson, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }
}
