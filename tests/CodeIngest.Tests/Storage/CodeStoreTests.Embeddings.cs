// The embeddings area of the store contract (SQLite and PostgreSQL): chunks with ids, vectors keyed by
// (model, hash) stored once, and an index shard that refreshes incrementally from the store.
using CodeIngest.Embedding;
using CodeIngest.Search;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public abstract partial class CodeStoreTests
{
    private static float[] VectorFor(string hash, int dimension = 4) =>
        Enumerable.Range(0, dimension).Select(i => (float)(sbyte)Convert.ToByte(hash.Substring(2 * i, 2), 16)).ToArray();

    [Fact]
    public async Task Vectors_are_stored_once_per_model_and_hash_and_read_back_exactly()
    {
        var store = await NewStoreAsync();
        float[] first = [1.5f, -2.25f, float.Epsilon, 3.4e38f];
        await store.SaveEmbeddingsAsync("model-a", [new ChunkEmbedding("h1", first), new ChunkEmbedding("h2", [0, 1, 0, 0])], Ct);

        // The same hash again keeps the stored vector (same text, same model: the vector cannot differ).
        await store.SaveEmbeddingsAsync("model-a", [new ChunkEmbedding("h1", [9, 9, 9, 9])], Ct);
        await store.SaveEmbeddingsAsync("model-b", [new ChunkEmbedding("h1", [7, 7, 7, 7])], Ct);

        Assert.Equal(2, await store.CountEmbeddingsAsync("model-a", Ct));
        Assert.Equal(1, await store.CountEmbeddingsAsync("model-b", Ct));
        Assert.Equal(0, await store.CountEmbeddingsAsync("model-c", Ct));
        Assert.Equal(new HashSet<string> { "h1", "h2" }, await store.FindEmbeddedHashesAsync("model-a", ["h1", "h2", "h3"], Ct));
        Assert.Equal(new HashSet<string> { "h1" }, await store.FindEmbeddedHashesAsync("model-b", ["h1", "h2"], Ct));
        var read = (await store.GetEmbeddingsAsync("model-a", ["h1", "missing"], Ct)).Single();
        Assert.Equal("h1", read.Hash);
        Assert.Equal(first, read.Vector);
        Assert.Equal(new float[] { 7, 7, 7, 7 }, (await store.GetEmbeddingsAsync("model-b", ["h1"], Ct)).Single().Vector);
    }

    [Fact]
    public async Task The_embedding_probe_and_the_latest_snapshot_list_are_cheap_reads_that_follow_writes()
    {
        var store = await NewStoreAsync();
        Assert.False(await store.HasEmbeddingsAsync("model-a", Ct));
        Assert.Empty(await store.ListLatestSnapshotsAsync(Ct));
        await store.SaveEmbeddingsAsync("model-a", [new ChunkEmbedding("h1", [1, 0, 0, 0])], Ct);
        Assert.True(await store.HasEmbeddingsAsync("model-a", Ct));
        Assert.False(await store.HasEmbeddingsAsync("model-b", Ct));

        // Only published snapshots count; a re-ingest moves the repository to its new snapshot.
        await IngestAsync(store, "s1", "c1", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: true);
        await IngestAsync(store, "other-1", "c9", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: false, repo: "github.com/acme/zz");
        Assert.Equal([new RepoSnapshot(Repo, "s1")], await store.ListLatestSnapshotsAsync(Ct));
        await IngestAsync(store, "s2", "c2", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: true);
        await IngestAsync(store, "b1", "c3", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: true, repo: "github.com/acme/aa");
        Assert.Equal([new RepoSnapshot("github.com/acme/aa", "b1"), new RepoSnapshot(Repo, "s2")], await store.ListLatestSnapshotsAsync(Ct));
    }

    [Fact]
    public async Task Chunks_come_back_with_ids_and_texts_by_id()
    {
        var store = await NewStoreAsync();
        await IngestAsync(store, "s1", "c1", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: true);

        var chunks = await store.GetChunksAsync("s1", Ct);
        Assert.NotEmpty(chunks);
        Assert.Equal(chunks.Select(c => c.ChunkId).Order(), chunks.Select(c => c.ChunkId));
        Assert.Contains(chunks, c => c.Chunk.Symbol == "parse_file" && c.Chunk.StartLine == 3);
        var texts = await store.GetChunkTextsAsync([chunks[0].ChunkId, -1], Ct);
        Assert.Equal(chunks[0].Chunk.Text, Assert.Single(texts).Value);
        Assert.Empty(await store.GetChunksAsync("no-such-snapshot", Ct));
    }

    [Fact]
    public async Task An_index_shard_fetches_only_the_vectors_it_does_not_hold_after_a_reingest()
    {
        var store = await NewStoreAsync();
        const string Model = "model-test";
        await IngestAsync(store, "s1", "c1", [Python("src/app.py", PythonSource, PythonDefinitions)], publish: true);
        await StoreVectorsAsync(store, "s1", Model);

        var shard = new ShardIndex(Repo, 0, 1);
        var first = await shard.RefreshAsync(store, Model, 128, 4, Ct);
        Assert.Equal("s1", first.SnapshotId);
        Assert.True(first.Chunks > 0);
        Assert.Equal(first.Vectors, first.FetchedVectors);
        Assert.Equal(0, first.PendingWindows);

        // A re-ingest that changes one function: only that chunk's window is new.
        var changed = PythonSource.Replace("return open(path).read()", "return open(path, encoding='utf-8').read()");
        await IngestAsync(store, "s2", "c2", [Python("src/app.py", changed, PythonDefinitions)], publish: true);
        var pending = await shard.RefreshAsync(store, Model, 128, 4, Ct);
        Assert.Equal("s2", pending.SnapshotId);
        Assert.True(pending.PendingWindows >= 1, "the changed chunk has no vector yet");
        await StoreVectorsAsync(store, "s2", Model);
        var second = await shard.RefreshAsync(store, Model, 128, 4, Ct);
        Assert.Equal(pending.PendingWindows, second.FetchedVectors);
        Assert.Equal(0, second.PendingWindows);
        Assert.Equal(first.Vectors, second.Vectors);

        // Nothing changed: nothing is fetched and the index is not rebuilt.
        var index = shard.Index;
        var third = await shard.RefreshAsync(store, Model, 128, 4, Ct);
        Assert.Equal(0, third.FetchedVectors);
        Assert.Same(index, shard.Index);

        // The index answers with the chunk whose vector equals the query.
        var parseChunk = (await store.GetChunksAsync("s2", Ct)).First(c => c.Chunk.Symbol == "parse_file");
        var hash = EmbeddingText.Windows(parseChunk.Chunk, 128)[0].Hash;
        var top = shard.Index!.Search(VectorFor(hash), 1);
        Assert.Equal(parseChunk.ChunkId, Assert.Single(top).Entry.ChunkId);
    }

    private static async Task StoreVectorsAsync(ICodeStore store, string snapshotId, string model)
    {
        var windows = (await store.GetChunksAsync(snapshotId, Ct)).SelectMany(c => EmbeddingText.Windows(c.Chunk, 128)).ToList();
        await store.SaveEmbeddingsAsync(model, windows.Select(w => new ChunkEmbedding(w.Hash, VectorFor(w.Hash))).ToList(), Ct);
    }
}
