// The code store as a step sees it: every operation first checks the capability it needs.
using CodeIngest.Search;
using CodeIngest.Storage;

namespace CodeIngest.Dag;

internal sealed partial class GuardedCodeStore(ICodeStore inner, StepToolkit tools) : ICodeStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.InitializeAsync(cancellationToken);
    }

    public Task BeginSnapshotAsync(SnapshotInfo snapshot, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteOwnResults);
        return inner.BeginSnapshotAsync(snapshot, cancellationToken);
    }

    public Task SaveDiscoveryAsync(string snapshotId, IReadOnlyList<DiscoveredFile> files, IReadOnlyList<SkippedFile> skipped, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteOwnResults);
        return inner.SaveDiscoveryAsync(snapshotId, files, skipped, cancellationToken);
    }

    public Task<IReadOnlyList<DiscoveredFile>> GetDiscoveredFilesAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetDiscoveredFilesAsync(snapshotId, cancellationToken);
    }

    public Task<IReadOnlyList<SkippedFile>> GetSkippedFilesAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetSkippedFilesAsync(snapshotId, cancellationToken);
    }

    public Task<IReadOnlySet<string>> GetParsedPathsAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetParsedPathsAsync(snapshotId, cancellationToken);
    }

    public Task SaveParsedFilesAsync(string snapshotId, IReadOnlyList<ParsedFileContent> files, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteOwnResults);
        return inner.SaveParsedFilesAsync(snapshotId, files, cancellationToken);
    }

    public Task SavePreparedFilesAsync(string snapshotId, IReadOnlyList<PreparedParsedFile> files, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteOwnResults);
        return inner.SavePreparedFilesAsync(snapshotId, files, cancellationToken);
    }

    public Task<IReadOnlyList<StoredFile>> GetFilesAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetFilesAsync(snapshotId, cancellationToken);
    }

    public Task SaveChunksAsync(string snapshotId, IReadOnlyList<CodeChunk> chunks, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.SaveChunksAsync(snapshotId, chunks, cancellationToken);
    }

    public Task PublishSnapshotAsync(string snapshotId, SnapshotStats stats, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.PublishSnapshotAsync(snapshotId, stats, cancellationToken);
    }

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string? repo, int limit, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.SearchAsync(query, repo, limit, cancellationToken);
    }

    public Task<IReadOnlyList<SymbolHit>> FindSymbolsAsync(string? name, string? repo, string? kind, int limit, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.FindSymbolsAsync(name, repo, kind, limit, cancellationToken);
    }

    public Task<IReadOnlyList<RepoInfo>> ListReposAsync(CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.ListReposAsync(cancellationToken);
    }

    public Task SaveJobAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.WriteStore);
        return inner.SaveJobAsync(job, cancellationToken);
    }

    public Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetJobAsync(jobId, cancellationToken);
    }

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(int limit, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.ListJobsAsync(limit, cancellationToken);
    }
}
