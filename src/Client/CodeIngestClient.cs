// The typed SDK over an Orleans cluster client: start ingestions, follow jobs, read the code
// knowledge (search, symbols, repositories, job history). The same class serves the embedded
// single silo (EmbeddedCluster) and a PostgreSQL cluster (AddCodeIngestClient).
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Search;
using CodeIngest.Watch;

namespace CodeIngest.Client;

public sealed class CodeIngestClient(IClusterClient cluster, IngestionOptions? options = null)
{
    private readonly IngestionOptions _options = options ?? new IngestionOptions();

    /// <summary>The Orleans client underneath, for grains the typed methods do not cover.</summary>
    public IClusterClient Cluster => cluster;

    /// <summary>A new job id: sortable by time, unique.</summary>
    public static string NewJobId() => $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Validates <paramref name="source"/> (git URL or local path) and starts its ingestion.
    /// Throws <see cref="InvalidRepositorySourceException"/> with what is accepted when the source is not usable.
    /// A local path is read by the silo that runs the clone step: in a cluster, every silo must see it at that path.</summary>
    public Task<JobView> StartIngestionAsync(string source, string? branch = null, string? jobId = null)
    {
        var parsed = RepositorySource.Parse(source);
        return StartAsync(IngestionPipeline.Build(parsed, branch, _options), jobId);
    }

    /// <summary>Starts an ingestion and waits for it to finish.</summary>
    public async Task<JobView> IngestAsync(string source, string? branch = null, Action<JobView>? onUpdate = null, CancellationToken cancellationToken = default)
    {
        var started = await StartIngestionAsync(source, branch);
        return await WaitForJobAsync(started.JobId, onUpdate, cancellationToken: cancellationToken);
    }

    /// <summary>Starts any DAG as a job.</summary>
    public Task<JobView> StartAsync(DagSpec spec, string? jobId = null) =>
        cluster.GetGrain<IIngestionJobGrain>(jobId ?? NewJobId()).StartAsync(spec);

    /// <summary>A job's live status (stages, progress, result).</summary>
    public Task<JobView> GetJobAsync(string jobId) => cluster.GetGrain<IIngestionJobGrain>(jobId).GetStatusAsync();

    public Task<JobView> CancelJobAsync(string jobId) => cluster.GetGrain<IIngestionJobGrain>(jobId).CancelAsync();

    /// <summary>The most recent jobs, newest first (at most <paramref name="limit"/>).</summary>
    public Task<IReadOnlyList<JobView>> GetHistoryAsync(int limit = 10) => Query.HistoryAsync(limit);

    /// <summary>Lexical search over the code of every repository's latest snapshot (or only <paramref name="repo"/>).</summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string? repo = null, int limit = 10) => Query.SearchAsync(query, repo, limit);

    /// <summary>Hybrid code search (lexical + vector + symbol names, fused; or one of them by <paramref name="mode"/>) through
    /// the cluster's search grain, whose index shard grains keep the vectors loaded between searches.</summary>
    public Task<IReadOnlyList<SearchHit>> SearchCodeAsync(string query, SearchFilter? filter = null, int limit = 10, SearchMode mode = SearchMode.Hybrid, CancellationToken cancellationToken = default) =>
        cluster.GetGrain<ISearchGrain>(0).SearchAsync(query, filter ?? new SearchFilter(), limit, mode, cancellationToken);

    /// <summary>Definitions by name (exact, then prefix matches); a null name lists every symbol. A limit of 0 or less means no limit.</summary>
    public Task<IReadOnlyList<SymbolHit>> FindSymbolsAsync(string? name, string? repo = null, string? kind = null, int limit = 0) =>
        Query.FindSymbolsAsync(name, repo, kind, limit);

    /// <summary>Every ingested repository with its latest snapshot.</summary>
    public Task<IReadOnlyList<RepoInfo>> ListReposAsync() => Query.ListReposAsync();

    /// <summary>Polls a job until it finishes, calling <paramref name="onUpdate"/> with each view. A silo that
    /// dies under the job does not end the wait: the job resumes on another silo and the poll continues.</summary>
    public async Task<JobView> WaitForJobAsync(string jobId, Action<JobView>? onUpdate = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(200);
        var failures = 0;
        while (true)
        {
            JobView view;
            try
            {
                view = await GetJobAsync(jobId).WaitAsync(cancellationToken);
                failures = 0;
            }
            catch (Exception ex) when (IsTransient(ex) && ++failures <= MaxTransientFailures)
            {
                // The silo holding the job went away; until the cluster declares it dead, calls can fail or time out.
                await Task.Delay(interval, cancellationToken);
                continue;
            }

            onUpdate?.Invoke(view);
            if (view.IsFinished)
            {
                return view;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary>How many failed polls in a row <see cref="WaitForJobAsync"/> rides out (silo failover).</summary>
    public int MaxTransientFailures { get; init; } = 300;

    private ICodeQueryGrain Query => cluster.GetGrain<ICodeQueryGrain>(0);

    private static bool IsTransient(Exception ex) =>
        ex is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException or System.Net.Sockets.SocketException
        || (ex is OrleansException && ex.InnerException is SiloUnavailableException or TimeoutException);
    /// <summary>Watches a local directory on the cluster (its index is brought up to date, then kept fresh); returns its repository id.</summary>
    public Task<string> WatchAsync(string directory) =>
        cluster.GetGrain<IWatchHubGrain>(IWatchHubGrain.DefaultKey).WatchAsync(Path.GetFullPath(directory));

    /// <summary>Stops watching a directory; false when it was not watched.</summary>
    public Task<bool> UnwatchAsync(string directory) =>
        cluster.GetGrain<IWatchHubGrain>(IWatchHubGrain.DefaultKey).UnwatchAsync(Path.GetFullPath(directory));

    /// <summary>Every watch event (per change: completed or failed) from now until <paramref name="cancellationToken"/> ends the enumeration.</summary>
    public IAsyncEnumerable<WatchEvent> WatchEventsAsync(CancellationToken cancellationToken = default) =>
        WatchEventStream.ReadAsync(cluster, cancellationToken);
}
