// Incremental updates: what an incremental re-index and the file watcher need from the store.
// A re-ingest carries unchanged files' chunks over from the previous snapshot (no re-chunking, no identifier
// splitting); the watcher applies a batch of file changes to the repository's published snapshot in one
// transaction, so searches see either the old or the new state of every changed file, never a mix.
namespace CodeIngest.Storage;

/// <summary>What the store holds for one path of a snapshot: a stored file (language, content hash) or a skip reason.</summary>
public sealed record StoredPathState(string Path, string? Language, string? Hash, string? SkipReason);

/// <summary>
/// A batch of file changes applied to the published snapshot <paramref name="SnapshotId"/>: <paramref name="Upserted"/> files were
/// parsed into <paramref name="StagingSnapshotId"/> (by the parse step, as its own results) and move over with their
/// <paramref name="Chunks"/>; <paramref name="Removed"/> paths disappear; <paramref name="Skipped"/> paths are recorded as skipped.
/// </summary>
public sealed record FileChangeSet(
    string SnapshotId,
    string StagingSnapshotId,
    IReadOnlyList<DiscoveredFile> Upserted,
    IReadOnlyList<string> Removed,
    IReadOnlyList<SkippedFile> Skipped,
    IReadOnlyList<CodeChunk> Chunks)
{
    /// <summary>Every path the change touches.</summary>
    public IReadOnlyList<string> Paths => [.. Upserted.Select(f => f.Path).Concat(Removed).Concat(Skipped.Select(s => s.Path)).Distinct(StringComparer.Ordinal)];
}

public partial interface ICodeStore
{
    /// <summary>The repository's latest published snapshot, or null when it has none.</summary>
    Task<string?> GetLatestSnapshotAsync(string repo, CancellationToken cancellationToken = default);

    /// <summary>Stored files and skipped paths of a snapshot at, or under (as folders), the given paths; every path when null.</summary>
    Task<IReadOnlyList<StoredPathState>> GetPathStatesAsync(string snapshotId, IReadOnlyList<string>? paths, CancellationToken cancellationToken = default);

    /// <summary>The stored files (definitions and text) of the given paths, ordered by path.</summary>
    Task<IReadOnlyList<StoredFile>> GetFilesByPathAsync(string snapshotId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default);

    /// <summary>Copies the chunks (and their lexical index rows) of the given paths from one snapshot to another; returns how many.</summary>
    Task<int> CopyChunksAsync(string fromSnapshotId, string toSnapshotId, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default);

    /// <summary>Counts of a snapshot as the index stage records them: files, skipped files, symbols, chunks, files per language.</summary>
    Task<SnapshotStats> CountSnapshotAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Applies a batch of file changes to a published snapshot in one transaction and returns its updated counts.</summary>
    Task<SnapshotStats> ApplyFileChangesAsync(FileChangeSet changes, CancellationToken cancellationToken = default);
}
