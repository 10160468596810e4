// The code store: repositories, snapshots, files, symbols, chunks and job history.
// One interface, one implementation per database (SQLite embedded; PostgreSQL in cluster mode).
using CodeIngest.Parsing;
using CodeIngest.Search;

namespace CodeIngest.Storage;

/// <summary>A snapshot being built by a job (one per ingestion run).</summary>
public sealed record SnapshotInfo(string SnapshotId, string Repo, string Url, string? Branch, string? Commit, DateTimeOffset CreatedAt);

/// <summary>A file that discovery accepted for parsing.</summary>
public sealed record DiscoveredFile(string Path, string Language, long Size);

/// <summary>A file that discovery skipped, with a reason a user can act on (e.g. "binary", "larger than 1048576 bytes").</summary>
public sealed record SkippedFile(string Path, string Reason);

/// <summary>A parsed file with the bytes it was parsed from (stored content-addressed).</summary>
public sealed record ParsedFileContent(ParsedFile File, byte[] Content);

/// <summary>A file of a snapshot as stored: metadata, its definitions, references (imports, calls, inheritance), file metrics and its text.</summary>
public sealed record StoredFile(
    string Path,
    string Language,
    string ContentHash,
    int Lines,
    string? ParseError,
    IReadOnlyList<Definition> Definitions,
    string Text,
    IReadOnlyList<Reference>? References = null,
    CodeMetrics? Metrics = null);

/// <summary>A searchable chunk: one function or class (or a slice of a long one, or a file-level remainder).</summary>
public sealed record CodeChunk(string Path, string Language, string? Symbol, string? Kind, int StartLine, int EndLine, string Text);

/// <summary>Counts describing a finished snapshot.</summary>
public sealed record SnapshotStats(int Files, int FilesSkipped, int Symbols, int Chunks, Dictionary<string, int> Languages);

/// <summary>A job as recorded in history (the JSON of its final or current view).</summary>
public sealed record JobRecord(string JobId, string Repo, string Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string ViewJson);

/// <summary>The code store. Each area (parsing, graph, embeddings…) declares its methods in its own <c>ICodeStore.&lt;Area&gt;.cs</c> part.</summary>
public partial interface ICodeStore
{
    /// <summary>Creates the schema if it does not exist (idempotent).</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Records (or updates, when called again for the same id) a snapshot being built.</summary>
    Task BeginSnapshotAsync(SnapshotInfo snapshot, CancellationToken cancellationToken = default);

    /// <summary>Replaces the discovery result of a snapshot: accepted files and skipped files with reasons.</summary>
    Task SaveDiscoveryAsync(string snapshotId, IReadOnlyList<DiscoveredFile> files, IReadOnlyList<SkippedFile> skipped, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DiscoveredFile>> GetDiscoveredFilesAsync(string snapshotId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SkippedFile>> GetSkippedFilesAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Paths of the snapshot already stored by the parse stage (so a resumed parse skips them).</summary>
    Task<IReadOnlySet<string>> GetParsedPathsAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Stores parsed files (content, metadata, definitions) for a snapshot; storing a path again replaces it. One transaction per call.</summary>
    Task SaveParsedFilesAsync(string snapshotId, IReadOnlyList<ParsedFileContent> files, CancellationToken cancellationToken = default);

    /// <summary>Every stored file of the snapshot, ordered by path.</summary>
    Task<IReadOnlyList<StoredFile>> GetFilesAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the snapshot's chunks and their lexical (FTS5) index, in one transaction.</summary>
    Task SaveChunksAsync(string snapshotId, IReadOnlyList<CodeChunk> chunks, CancellationToken cancellationToken = default);

    /// <summary>Marks the snapshot complete and makes it its repository's latest (what searches see).</summary>
    Task PublishSnapshotAsync(string snapshotId, SnapshotStats stats, CancellationToken cancellationToken = default);

    /// <summary>BM25 search over the chunks (text, path, symbol) of each repository's latest snapshot.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string? repo, int limit, CancellationToken cancellationToken = default);

    /// <summary>Definitions of each repository's latest snapshot; name null lists all, otherwise exact (case-insensitive) then prefix matches.</summary>
    Task<IReadOnlyList<SymbolHit>> FindSymbolsAsync(string? name, string? repo, string? kind, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RepoInfo>> ListReposAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a job's history record.</summary>
    Task SaveJobAsync(JobRecord job, CancellationToken cancellationToken = default);

    Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Most recent jobs first.</summary>
    Task<IReadOnlyList<JobRecord>> ListJobsAsync(int limit, CancellationToken cancellationToken = default);
}
