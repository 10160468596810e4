// SQLite part of the parse stage's write path (ICodeStore.ParseStore.cs). The rows come prepared (hash, binary
// parse data, UTF-8 text), so the one writer only binds values: the text goes in as its UTF-8 bytes and is
// CAST to TEXT inside SQLite (no decode to a .NET string and re-encode), the parse data as a BLOB in the
// parse_data column (rows written before hold JSON text there; readers tell them apart by the first byte).
//
// Durability is the store's usual one: WAL with synchronous = NORMAL (a commit survives a crash of the
// process; the last commits may be lost on power loss, and the parse stage redoes what is not stored).
// The writer's connection gets a larger page cache while it writes, so the definitions name index and the
// file rows are not evicted and re-read between the thousands of inserts of one transaction.
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    /// <summary>Page cache of the connection while it stores parsed files, in KiB (SQLite's default is 2 MiB).</summary>
    private const int BulkWriteCacheKib = 64 * 1024;

    public Task SavePreparedFilesAsync(string snapshotId, IReadOnlyList<PreparedParsedFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync(async connection =>
        {
            await using (var cache = connection.Command($"PRAGMA cache_size = -{BulkWriteCacheKib}"))
            {
                await cache.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await WritePreparedFilesAsync(connection, snapshotId, files, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // The connection goes back to the pool: other operations get the default cache again.
                await using var reset = connection.Command("PRAGMA cache_size = -2000");
                await reset.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>The snapshot's integer key in the definitions tables, made on its first use.</summary>
    private static async Task<long> EnsureSnapshotKeyAsync(SqliteConnection connection, SqliteTransaction transaction, string snapshotId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"INSERT OR IGNORE INTO snapshot_keys(snapshot_id) VALUES ($s); SELECT {SnapshotKeyOf};", transaction).With("$s", snapshotId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task WritePreparedFilesAsync(SqliteConnection connection, string snapshotId, IReadOnlyList<PreparedParsedFile> files, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var content = connection.Command("INSERT OR IGNORE INTO contents(hash, text) VALUES ($hash, CAST($text AS TEXT))", transaction);
        var contentHash = content.Parameters.Add("$hash", SqliteType.Text);
        var contentText = content.Parameters.Add("$text", SqliteType.Blob);

        await using var file = connection.Command(
            "INSERT OR REPLACE INTO snapshot_files(snapshot_id, path, language, hash, lines, parse_error, parse_data) VALUES ($s, $path, $language, $hash, $lines, $error, $data)", transaction);
        file.With("$s", snapshotId);
        var filePath = file.Parameters.Add("$path", SqliteType.Text);
        var fileLanguage = file.Parameters.Add("$language", SqliteType.Text);
        var fileHash = file.Parameters.Add("$hash", SqliteType.Text);
        var fileLines = file.Parameters.Add("$lines", SqliteType.Integer);
        var fileError = file.Parameters.Add("$error", SqliteType.Text);
        var fileData = file.Parameters.Add("$data", SqliteType.Blob);

        // Definitions: the snapshot's integer key once per write; per file, the old file row goes (with its definitions when
        // there was one) and a file with definitions gets a new file id, so ids grow in write order and the rows append.
        var snapshotKey = await EnsureSnapshotKeyAsync(connection, transaction, snapshotId, cancellationToken).ConfigureAwait(false);
        await using var deleteFile = connection.Command("DELETE FROM definition_files WHERE snapshot_key = $k AND path = $path RETURNING file_id", transaction);
        deleteFile.With("$k", snapshotKey);
        var deletePath = deleteFile.Parameters.Add("$path", SqliteType.Text);

        await using var deleteDefinitions = connection.Command("DELETE FROM file_definitions WHERE file_id = $f", transaction);
        var deleteFileId = deleteDefinitions.Parameters.Add("$f", SqliteType.Integer);

        await using var insertFile = connection.Command("INSERT INTO definition_files(snapshot_key, path) VALUES ($k, $path) RETURNING file_id", transaction);
        insertFile.With("$k", snapshotKey);
        var insertPath = insertFile.Parameters.Add("$path", SqliteType.Text);

        await using var definition = connection.Command(
            """
            INSERT INTO file_definitions(file_id, ordinal, snapshot_key, name, kind, start_line, end_line, start_byte, end_byte)
            VALUES ($f, $ordinal, $k, $name, $kind, $startLine, $endLine, $startByte, $endByte)
            """, transaction);
        definition.With("$k", snapshotKey);
        var defFileId = definition.Parameters.Add("$f", SqliteType.Integer);
        var defOrdinal = definition.Parameters.Add("$ordinal", SqliteType.Integer);
        var defName = definition.Parameters.Add("$name", SqliteType.Text);
        var defKind = definition.Parameters.Add("$kind", SqliteType.Text);
        var defStartLine = definition.Parameters.Add("$startLine", SqliteType.Integer);
        var defEndLine = definition.Parameters.Add("$endLine", SqliteType.Integer);
        var defStartByte = definition.Parameters.Add("$startByte", SqliteType.Integer);
        var defEndByte = definition.Parameters.Add("$endByte", SqliteType.Integer);

        // Content is stored once per hash: copies of one content in this write bind its text once.
        var contentWritten = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prepared in files)
        {
            var parsed = prepared.File;
            if (contentWritten.Add(prepared.Hash))
            {
                contentHash.Value = prepared.Hash;
                contentText.Value = prepared.Utf8Text;
                await content.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            filePath.Value = parsed.Path;
            fileLanguage.Value = parsed.Language;
            fileHash.Value = prepared.Hash;
            fileLines.Value = parsed.Lines;
            fileError.Value = (object?)parsed.Error ?? DBNull.Value;
            fileData.Value = prepared.ParseData;
            await file.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            deletePath.Value = parsed.Path;
            if (await deleteFile.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long oldFileId)
            {
                deleteFileId.Value = oldFileId;
                await deleteDefinitions.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (parsed.Definitions is not { Length: > 0 } definitions)
            {
                continue;
            }

            insertPath.Value = parsed.Path;
            defFileId.Value = (long)(await insertFile.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            var ordinal = 0;
            foreach (var d in definitions)
            {
                defOrdinal.Value = ordinal++;
                defName.Value = d.Name;
                defKind.Value = d.Kind;
                defStartLine.Value = d.StartLine;
                defEndLine.Value = d.EndLine;
                defStartByte.Value = d.StartByte;
                defEndByte.Value = d.EndByte;
                await definition.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
