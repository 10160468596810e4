// The in-memory index's build rules: windows without a vector are pending (also when none has one),
// and a rebuild takes kept windows' rows from the previous index, so the shard needs no second copy.
using CodeIngest.Search;
using Xunit;

namespace CodeIngest.Tests.Embedding;

public sealed class VectorIndexTests
{
    private static IndexEntry Entry(long id, params string[] hashes) => new("r", id, $"f{id}.py", "python", $"s{id}", 1, 2, hashes, ["s"], ["f"]);

    [Fact]
    public void Entries_without_any_vector_build_an_empty_index_with_every_window_pending()
    {
        var index = VectorIndex.Build([Entry(1, "a"), Entry(2, "b", "c")], new Dictionary<string, float[]>(), 2);
        Assert.Equal(0, index.Rows);
        Assert.Equal(3, index.Pending);
        Assert.Empty(index.Search(new float[] { 1, 0 }, 5));
    }

    [Fact]
    public void A_rebuild_copies_kept_rows_from_the_previous_index_and_drops_removed_ones()
    {
        var first = VectorIndex.Build([Entry(1, "a"), Entry(2, "b")], new Dictionary<string, float[]> { ["a"] = [3, 0], ["b"] = [0, 2] }, 2);

        // "b" left the snapshot, "c" is new and arrives fresh; "a" comes only from the previous index.
        var second = VectorIndex.Build([Entry(1, "a"), Entry(3, "c")], new Dictionary<string, float[]> { ["c"] = [1, 1] }, first, 2);

        Assert.Equal(2, second.Rows);
        Assert.Equal(0, second.Pending);
        Assert.True(second.Contains("a"));
        Assert.False(second.Contains("b"));
        var top = second.Search(new float[] { 1, 0 }, 2);
        Assert.Equal(1, top[0].Entry.ChunkId);
        Assert.Equal(1.0, top[0].Score, 5); // the copied row is still the normalised (1, 0)
        Assert.Equal(3, top[1].Entry.ChunkId);
        Assert.Equal(Math.Sqrt(0.5), top[1].Score, 5);
    }

    [Fact]
    public void Rows_combine_window_and_path_vectors_and_a_missing_path_vector_leaves_a_window_row_that_is_replaced_later()
    {
        var entry = new IndexEntry("r", 1, "billing/rules.py", "python", "s", 1, 2, ["w"], ["s"], ["rules"], PathHash: "p");

        // The path vector is not stored yet (a rename seen by the watcher): the window alone, still pending.
        var first = VectorIndex.Build([entry], new Dictionary<string, float[]> { ["w"] = [1, 0] }, null, 2, pathWeight: 1);
        Assert.Equal(1, first.Rows);
        Assert.Equal(1, first.Pending);
        Assert.True(first.Contains("w"));
        Assert.False(first.Contains(entry.RowKey("w")));
        Assert.Equal(1.0, first.Search(new float[] { 1, 0 }, 1)[0].Score, 5);

        // Both vectors: normalize((1, 0) + 1 * (0, 1)) = (0.707, 0.707); the combined row replaces the window-only one.
        var second = VectorIndex.Build([entry], new Dictionary<string, float[]> { ["w"] = [2, 0], ["p"] = [0, 3] }, first, 2, pathWeight: 1);
        Assert.Equal(1, second.Rows);
        Assert.Equal(0, second.Pending);
        Assert.True(second.Contains(entry.RowKey("w")));
        Assert.Equal(Math.Sqrt(0.5), second.Search(new float[] { 1, 0 }, 1)[0].Score, 5);

        // A rebuild with nothing fresh keeps the combined row from the previous index.
        var third = VectorIndex.Build([entry], new Dictionary<string, float[]>(), second, 2, pathWeight: 1);
        Assert.Equal(0, third.Pending);
        Assert.Equal(Math.Sqrt(0.5), third.Search(new float[] { 0, 1 }, 1)[0].Score, 5);
    }
}
