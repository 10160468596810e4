// PostgreSQL part of the embeddings area: vectors as little-endian float32 bytea keyed by (model, hash)
// (pgvector is not available on these machines; the index shard grains do the exact top-k in memory).
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;

namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore
{
    internal const string EmbeddingsSchema =
        """
        -- Vectors content-addressed by (model, SHA-256 of the embedded text): an unchanged chunk is never embedded twice.
        CREATE TABLE IF NOT EXISTS embeddings (
            model_id  text NOT NULL,
            hash      text NOT NULL,
            dimension integer NOT NULL,
            vector    bytea NOT NULL,
            PRIMARY KEY (model_id, hash));
        """;

    public Task<IReadOnlyList<StoredChunk>> GetChunksAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT chunk_id, path, language, symbol, kind, start_line, end_line, text FROM chunks WHERE snapshot_id = @s ORDER BY chunk_id",
            c => c.Text("s", snapshotId),
            r => new StoredChunk(r.GetInt64(0), new CodeChunk(
                r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetInt32(5), r.GetInt32(6), r.GetString(7))),
            cancellationToken);

    public async Task<IReadOnlyDictionary<long, string>> GetChunkTextsAsync(IReadOnlyCollection<long> chunkIds, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            "SELECT chunk_id, text FROM chunks WHERE chunk_id = ANY(@ids)",
            c => c.Parameters.Add(new NpgsqlParameter<long[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = chunkIds.Distinct().ToArray() }),
            r => (Id: r.GetInt64(0), Text: r.GetString(1)),
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Id, r => r.Text);
    }

    public async Task<IReadOnlySet<string>> FindEmbeddedHashesAsync(string modelId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            "SELECT hash FROM embeddings WHERE model_id = @m AND hash = ANY(@h)",
            c => c.Text("m", modelId).Parameters.Add(HashArray(hashes)),
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return rows.ToHashSet(StringComparer.Ordinal);
    }

    public Task SaveEmbeddingsAsync(string modelId, IReadOnlyList<ChunkEmbedding> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        return InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var batch in embeddings.Chunk(1000))
            {
                await using var insert = Command(connection, transaction,
                    """
                    INSERT INTO embeddings(model_id, hash, dimension, vector)
                    SELECT @m, t.h, t.d, t.v FROM unnest(@h, @d, @v) AS t(h, d, v)
                    ON CONFLICT (model_id, hash) DO NOTHING
                    """).Text("m", modelId);
                insert.Parameters.Add(new NpgsqlParameter<string[]>("h", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = batch.Select(e => e.Hash).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<int[]>("d", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = batch.Select(e => e.Vector.Length).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter<byte[][]>("v", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = batch.Select(e => MemoryMarshal.AsBytes(e.Vector.AsSpan()).ToArray()).ToArray() });
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<ChunkEmbedding>> GetEmbeddingsAsync(string modelId, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            "SELECT hash, vector FROM embeddings WHERE model_id = @m AND hash = ANY(@h)",
            c => c.Text("m", modelId).Parameters.Add(HashArray(hashes)),
            r => new ChunkEmbedding(r.GetString(0), MemoryMarshal.Cast<byte, float>(r.GetFieldValue<byte[]>(1)).ToArray()),
            cancellationToken).ConfigureAwait(false);

    public async Task<long> CountEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT COUNT(*) FROM embeddings WHERE model_id = @m", c => c.Text("m", modelId), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0];

    public async Task<bool> HasEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT EXISTS (SELECT 1 FROM embeddings WHERE model_id = @m)", c => c.Text("m", modelId), r => r.GetBoolean(0), cancellationToken).ConfigureAwait(false))[0];

    public Task<IReadOnlyList<RepoSnapshot>> ListLatestSnapshotsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT repo, latest_snapshot FROM repos WHERE latest_snapshot IS NOT NULL ORDER BY repo COLLATE \"C\"",
            _ => { },
            r => new RepoSnapshot(r.GetString(0), r.GetString(1)),
            cancellationToken);

    private static NpgsqlParameter HashArray(IReadOnlyCollection<string> hashes) =>
        new NpgsqlParameter<string[]>("h", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = hashes.Distinct(StringComparer.Ordinal).ToArray() };
}
