// SQLite part of the embeddings area: vectors as little-endian float32 BLOBs keyed by (model, hash).
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    private const int LookupBatch = 500;

    private const string EmbeddingsSchema =
        """
        CREATE TABLE IF NOT EXISTS embeddings (
            model_id TEXT NOT NULL, hash TEXT NOT NULL, dimension INTEGER NOT NULL, vector BLOB NOT NULL,
            PRIMARY KEY (model_id, hash)) WITHOUT ROWID;
        """;

    public Task<IReadOnlyList<StoredChunk>> GetChunksAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<StoredChunk>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT chunk_id, path, language, symbol, kind, start_line, end_line, text FROM chunks WHERE snapshot_id = $s ORDER BY chunk_id")
                .With("$s", snapshotId);
            var result = new List<StoredChunk>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new StoredChunk(reader.GetInt64(0), new CodeChunk(
                    reader.GetString(1), reader.GetString(2), reader.GetNullableString(3), reader.GetNullableString(4),
                    reader.GetInt32(5), reader.GetInt32(6), reader.GetString(7))));
            }

            return result;
        }, cancellationToken);

    public Task<IReadOnlyDictionary<long, string>> GetChunkTextsAsync(IReadOnlyCollection<long> chunkIds, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyDictionary<long, string>>(async connection =>
        {
            var result = new Dictionary<long, string>();
            foreach (var batch in chunkIds.Distinct().Chunk(LookupBatch))
            {
                await using var command = connection.Command(
                    $"SELECT chunk_id, text FROM chunks WHERE chunk_id IN ({string.Join(',', batch)})");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    result[reader.GetInt64(0)] = reader.GetString(1);
                }
            }

            return result;
        }, cancellationToken);

    public Task<IReadOnlySet<string>> FindEmbeddedHashesAsync(string modelId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlySet<string>>(async connection =>
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var row in ReadEmbeddingRowsAsync(connection, "hash", modelId, hashes, cancellationToken).ConfigureAwait(false))
            {
                result.Add(row.GetString(0));
            }

            return result;
        }, cancellationToken);

    public Task SaveEmbeddingsAsync(string modelId, IReadOnlyList<ChunkEmbedding> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var insert = connection.Command(
                "INSERT OR IGNORE INTO embeddings(model_id, hash, dimension, vector) VALUES ($m, $h, $d, $v)", transaction).With("$m", modelId);
            var hash = insert.Parameters.Add("$h", SqliteType.Text);
            var dimension = insert.Parameters.Add("$d", SqliteType.Integer);
            var vector = insert.Parameters.Add("$v", SqliteType.Blob);
            foreach (var embedding in embeddings)
            {
                hash.Value = embedding.Hash;
                dimension.Value = embedding.Vector.Length;
                vector.Value = MemoryMarshal.AsBytes(embedding.Vector.AsSpan()).ToArray();
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ChunkEmbedding>> GetEmbeddingsAsync(string modelId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ChunkEmbedding>>(async connection =>
        {
            var result = new List<ChunkEmbedding>();
            await foreach (var row in ReadEmbeddingRowsAsync(connection, "hash, vector", modelId, hashes, cancellationToken).ConfigureAwait(false))
            {
                result.Add(new ChunkEmbedding(row.GetString(0), MemoryMarshal.Cast<byte, float>((byte[])row.GetValue(1)).ToArray()));
            }

            return result;
        }, cancellationToken);

    public Task<long> CountEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            // A store written before the embeddings area existed has no table yet (read-only commands do not create it).
            await using var exists = connection.Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'embeddings'");
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
            {
                return 0L;
            }

            await using var command = connection.Command("SELECT COUNT(*) FROM embeddings WHERE model_id = $m").With("$m", modelId);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);

    public Task<bool> HasEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default) =>
        RunAsync<bool>(async connection =>
        {
            await using var exists = connection.Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'embeddings'");
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
            {
                return false;
            }

            await using var command = connection.Command("SELECT EXISTS (SELECT 1 FROM embeddings WHERE model_id = $m)").With("$m", modelId);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! != 0;
        }, cancellationToken);

    public Task<IReadOnlyList<RepoSnapshot>> ListLatestSnapshotsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<RepoSnapshot>>(async connection =>
        {
            await using var command = connection.Command("SELECT repo, latest_snapshot FROM repos WHERE latest_snapshot IS NOT NULL ORDER BY repo");
            var result = new List<RepoSnapshot>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new RepoSnapshot(reader.GetString(0), reader.GetString(1)));
            }

            return result;
        }, cancellationToken);

    private static async IAsyncEnumerable<SqliteDataReader> ReadEmbeddingRowsAsync(
        SqliteConnection connection, string columns, string modelId, IReadOnlyCollection<string> hashes,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var batch in hashes.Distinct(StringComparer.Ordinal).Chunk(LookupBatch))
        {
            await using var command = connection.Command(
                $"SELECT {columns} FROM embeddings WHERE model_id = $m AND hash IN ({string.Join(',', batch.Select((_, i) => "$h" + i))})")
                .With("$m", modelId);
            for (var i = 0; i < batch.Length; i++)
            {
                command.With("$h" + i, batch[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return reader;
            }
        }
    }
}
