// PostgreSQL part of the parse stage's write path (ICodeStore.ParseStore.cs): the prepared rows go in as arrays, one
// statement per table. The binary parse data goes to the parse_blob column (bytea); parse_data (JSON text) is
// what rows written before hold, and readers take parse_blob when it is there.
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore
{
    public Task SavePreparedFilesAsync(string snapshotId, IReadOnlyList<PreparedParsedFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            return Task.CompletedTask;
        }

        var prepared = files;
        return InTransactionAsync(async (connection, transaction) =>
        {
            // Content once per hash; a hash already stored is not written again.
            var distinct = prepared.DistinctBy(p => p.Hash).ToList();
            await using (var content = Command(connection, transaction,
                "INSERT INTO contents(hash, text) SELECT * FROM unnest(@hashes, @texts) ON CONFLICT (hash) DO NOTHING"))
            {
                content.Parameters.Add(new NpgsqlParameter<string[]>("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = distinct.Select(p => p.Hash).ToArray() });
                content.Parameters.Add(new NpgsqlParameter<string[]>("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = distinct.Select(p => Clean(Encoding.UTF8.GetString(p.Utf8Text))).ToArray() });
                await content.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // The last occurrence of a path in the batch wins, as with one upsert per file.
            var byPath = prepared.GroupBy(p => p.File.Path, StringComparer.Ordinal).Select(g => g.Last()).ToList();
            await using (var file = Command(connection, transaction,
                """
                INSERT INTO snapshot_files(snapshot_id, path, language, hash, lines, parse_error, parse_data, parse_blob)
                SELECT @s, f.path, f.language, f.hash, f.lines, f.error, NULL, f.data FROM unnest(@paths, @languages, @hashes, @lines, @errors, @data) AS f(path, language, hash, lines, error, data)
                ON CONFLICT (snapshot_id, path) DO UPDATE SET language = excluded.language, hash = excluded.hash, lines = excluded.lines, parse_error = excluded.parse_error, parse_data = NULL, parse_blob = excluded.parse_blob
                """).Text("s", snapshotId))
            {
                file.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = byPath.Select(p => Clean(p.File.Path)).ToArray() });
                file.Parameters.Add(new NpgsqlParameter<string[]>("languages", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = byPath.Select(p => p.File.Language).ToArray() });
                file.Parameters.Add(new NpgsqlParameter<string[]>("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = byPath.Select(p => p.Hash).ToArray() });
                file.Parameters.Add(new NpgsqlParameter<int[]>("lines", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = byPath.Select(p => p.File.Lines).ToArray() });
                file.Parameters.Add(new NpgsqlParameter<string?[]>("errors", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = byPath.Select(p => p.File.Error is { } e ? Clean(e) : null).ToArray() });
                file.Parameters.Add(new NpgsqlParameter<byte[][]>("data", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = byPath.Select(p => p.ParseData).ToArray() });
                await file.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var delete = Command(connection, transaction,
                "DELETE FROM definitions WHERE snapshot_id = @s AND path = ANY(@paths)").Text("s", snapshotId))
            {
                delete.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = byPath.Select(p => Clean(p.File.Path)).ToArray() });
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var definitions = byPath.SelectMany(p => (p.File.Definitions ?? []).Select((d, i) => (Path: Clean(p.File.Path), Ordinal: i, Definition: d))).ToList();
            if (definitions.Count > 0)
            {
                await using var insert = Command(connection, transaction,
                    """
                    INSERT INTO definitions(snapshot_id, path, ordinal, name, kind, start_line, end_line, start_byte, end_byte)
                    SELECT @s, d.* FROM unnest(@paths, @ordinals, @names, @kinds, @startLines, @endLines, @startBytes, @endBytes) AS d
                    """).Text("s", snapshotId);
                insert.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = definitions.Select(d => d.Path).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<int[]>("ordinals", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = definitions.Select(d => d.Ordinal).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<string[]>("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = definitions.Select(d => Clean(d.Definition.Name)).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<string[]>("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = definitions.Select(d => d.Definition.Kind).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<int[]>("startLines", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = definitions.Select(d => d.Definition.StartLine).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<int[]>("endLines", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = definitions.Select(d => d.Definition.EndLine).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<int[]>("startBytes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = definitions.Select(d => d.Definition.StartByte).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<int[]>("endBytes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = definitions.Select(d => d.Definition.EndByte).ToArray() });
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }
}
