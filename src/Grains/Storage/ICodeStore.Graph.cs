// Store methods of the graph, quality and summary area: graph edges per snapshot, analysis reports
// (JSON documents: the architecture, the quality review, the summary) and the snapshots of a repository.
using CodeIngest.Graph;

namespace CodeIngest.Storage;

/// <summary>A snapshot of a repository as listed for comparisons.</summary>
public sealed record SnapshotSummary(string SnapshotId, string Repo, string? Commit, string? Branch, DateTimeOffset CreatedAt, bool Completed);

/// <summary>The kinds of analysis report a snapshot can hold.</summary>
public static class ReportKinds
{
    public const string Architecture = "architecture";
    public const string Quality = "quality";
    public const string Summary = "summary";
}

/// <summary>What the summary needs of one stored file: no text, no parse data.</summary>
public sealed record FileStat(string Path, string Language, int Lines, int Definitions, int? CodeLines);

public partial interface ICodeStore
{
    /// <summary>
    /// Hands every stored file of the snapshot, in path order, to <paramref name="visit"/> as it is read, so a caller that
    /// keeps only what it needs of each never holds the whole snapshot (texts and parse data) in memory.
    /// </summary>
    Task ForEachFileAsync(string snapshotId, Action<StoredFile> visit, CancellationToken cancellationToken = default);

    /// <summary>Path, language, line count, definition count and code lines (from the file metrics) of every stored file of the snapshot, in path order.</summary>
    Task<IReadOnlyList<FileStat>> GetFileStatsAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the snapshot's graph: its edges and its architecture report (JSON), in one transaction.</summary>
    Task SaveGraphAsync(string snapshotId, IReadOnlyList<GraphEdge> edges, string architectureJson, CancellationToken cancellationToken = default);

    /// <summary>The snapshot's graph edges in the order they were saved (empty when no graph was built).</summary>
    Task<IReadOnlyList<GraphEdge>> GetGraphEdgesAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces one analysis report (<see cref="ReportKinds"/>) of a snapshot.</summary>
    Task SaveReportAsync(string snapshotId, string kind, string json, CancellationToken cancellationToken = default);

    /// <summary>One analysis report of a snapshot, or null.</summary>
    Task<string?> GetReportAsync(string snapshotId, string kind, CancellationToken cancellationToken = default);

    /// <summary>The snapshots of a repository, newest first (completed or not).</summary>
    Task<IReadOnlyList<SnapshotSummary>> ListSnapshotsAsync(string repo, CancellationToken cancellationToken = default);
}
