// SQLite part of the streaming store methods (ICodeStore.Streaming.cs). Files are read by one open reader in
// path order; chunk batches go in with one prepared row insert reused per batch and the batch's lexical index
// entries added by one INSERT … SELECT over the new rows, all in one transaction.
using System.Runtime.CompilerServices;
using CodeIngest.Parsing;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    public IAsyncEnumerable<StoredFile> StreamFilesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        ReadFilesAsync(snapshotId, withReferences: false, null, cancellationToken);

    public async Task ForEachFileAsync(string snapshotId, Action<StoredFile> visit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visit);
        try
        {
            await foreach (var file in ReadFilesAsync(snapshotId, withReferences: true, null, cancellationToken).ConfigureAwait(false))
            {
                visit(file);
            }
        }
        catch (SqliteException ex) when (SqliteDatabase.IsFileError(ex))
        {
            throw SqliteDatabase.Unavailable(_databasePath, ex);
        }
    }

    /// <summary>
    /// The snapshot's files (all, or those of <paramref name="paths"/>) one at a time in path order; <paramref name="withReferences"/> false
    /// leaves references empty (not decoded).
    /// </summary>
    private async IAsyncEnumerable<StoredFile> ReadFilesAsync(string snapshotId, bool withReferences, IReadOnlyCollection<string>? paths, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await SqliteDatabase.OpenAsync(_databasePath, cancellationToken).ConfigureAwait(false);

        // Rows written before parse data was stored keep their definitions in the definitions tables (none in new stores);
        // each file's parse_data is tested once, not once per definition row.
        var legacy = new Dictionary<string, List<Definition>>(StringComparer.Ordinal);
        await using (var command = connection.Command(
            $"""
            SELECT f.path, d.name, d.kind, d.start_line, d.end_line, d.start_byte, d.end_byte
            FROM definition_files f JOIN file_definitions d ON d.file_id = f.file_id
            WHERE f.snapshot_key = {SnapshotKeyOf} AND f.path IN (SELECT path FROM snapshot_files WHERE snapshot_id = $s AND parse_data IS NULL)
            ORDER BY f.path, d.ordinal
            """).With("$s", snapshotId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var path = reader.GetString(0);
                if (!legacy.TryGetValue(path, out var list))
                {
                    legacy[path] = list = [];
                }

                list.Add(new Definition(reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)));
            }
        }

        var only = paths is null ? "" : "AND f.path IN (SELECT value FROM json_each($paths))";
        await using var files = connection.Command(
            $"""
            SELECT f.path, f.language, f.hash, f.lines, f.parse_error, c.text, f.parse_data
            FROM snapshot_files f JOIN contents c ON c.hash = f.hash
            WHERE f.snapshot_id = $s {only} ORDER BY f.path
            """).With("$s", snapshotId);
        if (paths is not null)
        {
            files.With("$paths", System.Text.Json.JsonSerializer.Serialize(paths));
        }

        await using var rows = await files.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var path = rows.GetString(0);
            var (definitions, references, metrics) = ParseOutlineJsonContext.Decode(rows.IsDBNull(6) ? [] : rows.GetFieldValue<byte[]>(6), withReferences);
            yield return new StoredFile(path, rows.GetString(1), rows.GetString(2), rows.GetInt32(3), rows.GetNullableString(4),
                definitions ?? (legacy.TryGetValue(path, out var list) ? list : []), rows.GetString(5), references, metrics);
        }
    }

    public Task ClearChunksAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await DeleteSnapshotChunksAsync(connection, transaction, snapshotId, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Removes a snapshot's chunks and their lexical index rows (external-content FTS5: the index rows go
    /// with the 'delete' command, before the rows themselves).</summary>
    private static async Task DeleteSnapshotChunksAsync(SqliteConnection connection, SqliteTransaction transaction, string snapshotId, CancellationToken cancellationToken)
    {
        await using var delete = connection.Command(
            """
            INSERT INTO chunks_fts(chunks_fts, rowid, text, path, symbol, words)
                SELECT 'delete', chunk_id, text, path, COALESCE(symbol, ''), words FROM chunks WHERE snapshot_id = $s;
            DELETE FROM chunks WHERE snapshot_id = $s;
            """, transaction).With("$s", snapshotId);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task AppendChunksAsync(string snapshotId, IReadOnlyList<CodeChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            return Task.CompletedTask;
        }

        var words = IdentifierWords.SplitAll(chunks);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await InsertChunkRowsAsync(connection, transaction, snapshotId, chunks, words, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Inserts the chunk rows with one prepared statement, then indexes exactly those rows with one statement.</summary>
    private static async Task InsertChunkRowsAsync(SqliteConnection connection, SqliteTransaction transaction, string snapshotId, IReadOnlyList<CodeChunk> chunks, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        long before;
        await using (var max = connection.Command("SELECT COALESCE(MAX(chunk_id), 0) FROM chunks", transaction))
        {
            before = (long)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        // New rowids are above every existing one (the write lock is held), so the batch is exactly the rows past `before`.
        await using (var insert = connection.Command(
            """
            INSERT INTO chunks(snapshot_id, path, language, symbol, kind, start_line, end_line, text, words)
            VALUES ($s, $path, $language, $symbol, $kind, $start, $end, $text, $words)
            """, transaction))
        {
            insert.With("$s", snapshotId);
            var path = insert.Parameters.Add("$path", SqliteType.Text);
            var language = insert.Parameters.Add("$language", SqliteType.Text);
            var symbol = insert.Parameters.Add("$symbol", SqliteType.Text);
            var kind = insert.Parameters.Add("$kind", SqliteType.Text);
            var start = insert.Parameters.Add("$start", SqliteType.Integer);
            var end = insert.Parameters.Add("$end", SqliteType.Integer);
            var text = insert.Parameters.Add("$text", SqliteType.Text);
            var chunkWords = insert.Parameters.Add("$words", SqliteType.Text);
            insert.Prepare();
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                (path.Value, language.Value, symbol.Value, kind.Value) = (chunk.Path, chunk.Language, (object?)chunk.Symbol ?? DBNull.Value, (object?)chunk.Kind ?? DBNull.Value);
                (start.Value, end.Value, text.Value, chunkWords.Value) = (chunk.StartLine, chunk.EndLine, chunk.Text, words[i]);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using var index = connection.Command(
            """
            INSERT INTO chunks_fts(rowid, text, path, symbol, words)
            SELECT chunk_id, text, path, COALESCE(symbol, ''), words FROM chunks WHERE chunk_id > $before ORDER BY chunk_id
            """, transaction).With("$before", before);
        await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
