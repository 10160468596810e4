// A silo's per-snapshot state for the incremental refresh steps (graph, quality): at most a few snapshots, the least
// recently refreshed dropped first (a silo usually watches one or two repositories).
namespace CodeIngest.Graph;

public sealed class SnapshotCache<T>(Func<string, T> create, int capacity = SnapshotCache<T>.DefaultCapacity)
{
    public const int DefaultCapacity = 4;

    private readonly Lock _gate = new();
    private readonly List<(string SnapshotId, T State)> _snapshots = [];

    /// <summary>The state of one snapshot (created on first use).</summary>
    public T For(string snapshotId)
    {
        lock (_gate)
        {
            var found = _snapshots.FindIndex(s => s.SnapshotId == snapshotId);
            var entry = found >= 0 ? _snapshots[found] : (SnapshotId: snapshotId, State: create(snapshotId));
            if (found >= 0)
            {
                _snapshots.RemoveAt(found);
            }

            _snapshots.Insert(0, entry);
            if (_snapshots.Count > capacity)
            {
                _snapshots.RemoveAt(_snapshots.Count - 1);
            }

            return entry.State;
        }
    }
}
