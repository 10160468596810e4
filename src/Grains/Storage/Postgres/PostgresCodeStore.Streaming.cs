// PostgreSQL part of the streaming store methods (ICodeStore.Streaming.cs): files come from one open reader in
// path order; a chunk batch is one INSERT … SELECT FROM unnest(arrays) (the tsvector column and its GIN index
// are filled by the server as part of that statement).
using System.Runtime.CompilerServices;
using CodeIngest.Parsing;
using Npgsql;
using NpgsqlTypes;

namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore
{
    public IAsyncEnumerable<StoredFile> StreamFilesAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        ReadFilesAsync(snapshotId, withReferences: false, null, cancellationToken);

    public async Task ForEachFileAsync(string snapshotId, Action<StoredFile> visit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visit);
        await foreach (var file in ReadFilesAsync(snapshotId, withReferences: true, null, cancellationToken).ConfigureAwait(false))
        {
            visit(file);
        }
    }

    /// <summary>
    /// The snapshot's files (all, or those of <paramref name="paths"/>) one at a time in path order; <paramref name="withReferences"/> false
    /// leaves references empty (not decoded).
    /// </summary>
    private async IAsyncEnumerable<StoredFile> ReadFilesAsync(string snapshotId, bool withReferences, IReadOnlyCollection<string>? paths, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Rows written before parse data was stored keep their definitions in the definitions table (none in new stores);
        // each file's parse_data is tested once, not once per definition row.
        var legacy = (await QueryAsync(
            """
            SELECT d.path, d.name, d.kind, d.start_line, d.end_line, d.start_byte, d.end_byte FROM definitions d
            WHERE d.snapshot_id = @s AND d.path IN (SELECT path FROM snapshot_files WHERE snapshot_id = @s AND parse_data IS NULL AND parse_blob IS NULL)
            ORDER BY d.path, d.ordinal
            """,
            c => c.Text("s", snapshotId),
            r => (Path: r.GetString(0), Definition: new Definition(r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6))),
            cancellationToken).ConfigureAwait(false))
            .GroupBy(d => d.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Definition>)g.Select(d => d.Definition).ToList(), StringComparer.Ordinal);

        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && PostgresConnection.IsUnavailable(ex))
        {
            throw PostgresConnection.Unavailable(_builder, ex);
        }

        await using (connection.ConfigureAwait(false))
        {
            var only = paths is null ? "" : "AND f.path = ANY(@paths)";
            await using var command = Command(connection, null,
                $"""
                SELECT f.path, f.language, f.hash, f.lines, f.parse_error, c.text, COALESCE(f.parse_blob, convert_to(f.parse_data, 'UTF8'))
                FROM snapshot_files f JOIN contents c ON c.hash = f.hash
                WHERE f.snapshot_id = @s {only} ORDER BY f.path COLLATE "C"
                """).Text("s", snapshotId);
            if (paths is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = paths.Select(Clean).ToArray() });
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var path = reader.GetString(0);
                var (definitions, references, metrics) = ParseOutlineJsonContext.Decode(reader.IsDBNull(6) ? [] : reader.GetFieldValue<byte[]>(6), withReferences);
                yield return new StoredFile(path, reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    definitions ?? (legacy.TryGetValue(path, out var list) ? list : []), reader.GetString(5), references, metrics);
            }
        }
    }

    public Task ClearChunksAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await using var delete = Command(connection, transaction, "DELETE FROM chunks WHERE snapshot_id = @s").Text("s", snapshotId);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task AppendChunksAsync(string snapshotId, IReadOnlyList<CodeChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            return Task.CompletedTask;
        }

        var words = IdentifierWords.SplitAll(chunks);
        return InTransactionAsync((connection, transaction) => InsertChunkRowsAsync(connection, transaction, snapshotId, chunks, words, cancellationToken), cancellationToken);
    }

    /// <summary>The chunks in one statement: arrays in, rows in input order.</summary>
    private static async Task InsertChunkRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string snapshotId, IReadOnlyList<CodeChunk> chunks, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            """
            INSERT INTO chunks(snapshot_id, path, language, symbol, kind, start_line, end_line, text, words)
            SELECT @s, c.path, c.language, c.symbol, c.kind, c.start_line, c.end_line, c.text, c.words
            FROM unnest(@paths, @languages, @symbols, @kinds, @starts, @ends, @texts, @words) WITH ORDINALITY
                AS c(path, language, symbol, kind, start_line, end_line, text, words, n)
            ORDER BY c.n
            """).Text("s", snapshotId);
        insert.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = chunks.Select(c => Clean(c.Path)).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("languages", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = chunks.Select(c => c.Language).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string?[]>("symbols", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = chunks.Select(c => c.Symbol is { } s ? Clean(s) : null).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string?[]>("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = chunks.Select(c => c.Kind).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<int[]>("starts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = chunks.Select(c => c.StartLine).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<int[]>("ends", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = chunks.Select(c => c.EndLine).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = chunks.Select(c => Clean(c.Text)).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("words", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = words.ToArray() });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
