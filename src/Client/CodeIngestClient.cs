// The typed SDK over an Orleans cluster client: start ingestions, follow jobs.
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Watch;

namespace CodeIngest.Client;

public sealed class CodeIngestClient(IClusterClient cluster, IngestionOptions? options = null)
{
    private readonly IngestionOptions _options = options ?? new IngestionOptions();

    /// <summary>A new job id: sortable by time, unique.</summary>
    public static string NewJobId() => $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Validates <paramref name="source"/> (git URL or local path) and starts its ingestion.
    /// Throws <see cref="InvalidRepositorySourceException"/> with what is accepted when the source is not usable.</summary>
    public Task<JobView> StartIngestionAsync(string source, string? branch = null, string? jobId = null)
    {
        var parsed = RepositorySource.Parse(source);
        return StartAsync(IngestionPipeline.Build(parsed, branch, _options), jobId);
    }

    /// <summary>Starts any DAG as a job.</summary>
    public Task<JobView> StartAsync(DagSpec spec, string? jobId = null) =>
        cluster.GetGrain<IIngestionJobGrain>(jobId ?? NewJobId()).StartAsync(spec);

    public Task<JobView> GetJobAsync(string jobId) => cluster.GetGrain<IIngestionJobGrain>(jobId).GetStatusAsync();

    public Task<JobView> CancelJobAsync(string jobId) => cluster.GetGrain<IIngestionJobGrain>(jobId).CancelAsync();

    /// <summary>Polls a job until it finishes, calling <paramref name="onUpdate"/> with each view.</summary>
    public async Task<JobView> WaitForJobAsync(string jobId, Action<JobView>? onUpdate = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(200);
        while (true)
        {
            var view = await GetJobAsync(jobId);
            onUpdate?.Invoke(view);
            if (view.IsFinished)
            {
                return view;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

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
