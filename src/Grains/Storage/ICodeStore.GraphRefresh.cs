// Store methods of the incremental graph and quality refresh (the watcher's file DAG): which files a snapshot holds
// (path, language, content hash, in path order), the files of some paths only, and an edge update that replaces the
// edges of some source files instead of the whole graph. Edges are read back grouped by source file in path order
// (ordinal within a file), which is the order a full build writes them in, so an updated graph reads exactly like
// a rebuilt one. Every write of a snapshot's edges stores a new graph stamp; an update names the stamp it was computed
// against and is refused when another writer changed the edges since (compare and swap).
using CodeIngest.Graph;

namespace CodeIngest.Storage;

/// <summary>
/// Replaces the edges of <paramref name="ReplacedSources"/> (their old rows go, <paramref name="Edges"/> come in, in
/// order) and the architecture report, if the snapshot's graph stamp still is <paramref name="ExpectedStamp"/>
/// (null: no stamp stored yet); the stamp becomes <paramref name="NewStamp"/>.
/// </summary>
public sealed record GraphEdgeUpdate(
    string SnapshotId,
    string? ExpectedStamp,
    string NewStamp,
    IReadOnlyCollection<string> ReplacedSources,
    IReadOnlyList<GraphEdge> Edges,
    string ArchitectureJson);

public partial interface ICodeStore
{
    /// <summary>Report kind holding the stamp of a snapshot's current graph edges (see <see cref="UpdateGraphEdgesAsync"/>).</summary>
    public const string GraphStampKind = "graph-stamp";

    /// <summary>Path, language and content hash of every stored file of the snapshot (no skipped paths), in path order.</summary>
    Task<IReadOnlyList<StoredPathState>> GetFileStatesAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="ForEachFileAsync(string, Action{StoredFile}, CancellationToken)"/> for the given paths only (in path order);
    /// references are decoded when <paramref name="withReferences"/> is true.
    /// </summary>
    Task ForEachFileAsync(string snapshotId, IReadOnlyCollection<string> paths, bool withReferences, Action<StoredFile> visit, CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="update"/> in one transaction; false (nothing written) when the stored stamp is not the expected one.</summary>
    Task<bool> UpdateGraphEdgesAsync(GraphEdgeUpdate update, CancellationToken cancellationToken = default);
}
