// The silo's file watcher: one DirectoryWatcher per watched directory. A directory is first brought up to date
// by an ordinary (incremental) ingestion job, then every batch of changes runs the file DAG as a job on the DAG
// engine; each outcome becomes events published through the watch hub grain.
using System.Collections.Concurrent;
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeIngest.Watch;

public sealed partial class WatchService(
    IGrainFactory grains,
    IOptions<WatchOptions> watchOptions,
    IOptions<IngestionOptions> ingestionOptions,
    ILogger<WatchService> logger,
    CodeIngestPaths? paths = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Watched> _watched = new(StringComparer.Ordinal);

    private sealed record Watched(RepositorySource Source, DirectoryWatcher Watcher, Task CatchUp);

    public IReadOnlyCollection<string> Directories => [.. _watched.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Watches a directory: starts receiving events at once, ingests it, then applies changes. Returns its repository id.</summary>
    public string Watch(string directory)
    {
        var source = RepositorySource.Parse(directory);
        if (source.LocalPath is null)
        {
            throw new InvalidRepositorySourceException(directory, "only local directories can be watched");
        }

        var root = source.LocalPath;
        if (_watched.ContainsKey(root))
        {
            return source.RepoId;
        }

        var watcher = new DirectoryWatcher(root, watchOptions.Value, paths is null ? [] : [paths.DataDirectory], batch => RunBatchAsync(source, batch));
        var catchUp = new TaskCompletionSource();
        if (!_watched.TryAdd(root, new Watched(source, watcher, catchUp.Task)))
        {
            _ = watcher.DisposeAsync();
            return source.RepoId;
        }

        watcher.Start();
        _ = Task.Run(async () =>
        {
            await CatchUpAsync(source, watcher);
            catchUp.SetResult();
        });
        Log.Watching(logger, root);
        return source.RepoId;
    }

    public async Task<bool> UnwatchAsync(string directory)
    {
        var root = RepositorySource.TryParse(directory, out var source, out _) && source!.LocalPath is { } local ? local : Path.GetFullPath(directory);
        if (!_watched.TryRemove(root, out var watched))
        {
            return false;
        }

        await watched.Watcher.DisposeAsync();
        await PublishAsync([new WatchEvent(WatchEventTypes.Stopped, root, watched.Source.RepoId, null, null, null, null, 0, DateTimeOffset.UtcNow, null)]);
        return true;
    }

    private async Task CatchUpAsync(RepositorySource source, DirectoryWatcher watcher)
    {
        var root = source.LocalPath!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var jobId = "watch-ingest-" + NewId();
            var job = grains.GetGrain<IIngestionJobGrain>(jobId);
            await job.StartAsync(IngestionPipeline.Build(source, null, ingestionOptions.Value));
            var view = await WaitAsync(job);
            var report = IngestionReport.From(view);
            var detail = $"{report.Files} files: {report.FilesUnchanged} unchanged, {report.FilesChanged} changed, {report.FilesAdded} added, {report.FilesRemoved} removed";
            await PublishAsync([view.Status == JobStatus.Completed
                ? new WatchEvent(WatchEventTypes.Ingested, root, source.RepoId, null, null, jobId, null, clock.Elapsed.TotalMilliseconds, DateTimeOffset.UtcNow, detail)
                : new WatchEvent(WatchEventTypes.Failed, root, source.RepoId, null, null, jobId, report.Error ?? "the catch-up ingest failed", clock.Elapsed.TotalMilliseconds, DateTimeOffset.UtcNow, null)]);
        }
        catch (Exception ex)
        {
            await PublishAsync([new WatchEvent(WatchEventTypes.Failed, root, source.RepoId, null, null, null, ex.Message, clock.Elapsed.TotalMilliseconds, DateTimeOffset.UtcNow, null)]);
        }

        watcher.Open();
        await PublishAsync([new WatchEvent(WatchEventTypes.Watching, root, source.RepoId, null, null, null, null, 0, DateTimeOffset.UtcNow, null)]);
    }

    private async Task RunBatchAsync(RepositorySource source, IReadOnlyList<PendingChange> batch)
    {
        var root = source.LocalPath!;
        var jobId = "watch-" + NewId();
        List<WatchEvent> events;
        try
        {
            var job = grains.GetGrain<IIngestionJobGrain>(jobId);
            await job.StartAsync(FileUpdatePipeline.Build(root, source.RepoId, [.. batch.Select(c => c.Path)], watchOptions.Value, ingestionOptions.Value));
            var view = await WaitAsync(job);
            var done = DateTimeOffset.UtcNow;
            var first = batch.Min(c => c.FirstSeen);
            double Latency(string path) => (done - (batch.FirstOrDefault(c => c.Path == path)?.FirstSeen ?? first)).TotalMilliseconds;
            if (view.Status == JobStatus.Completed || view.Nodes.FirstOrDefault(n => n.Id == "apply")?.Status == NodeStatus.Completed)
            {
                // Applied (searchable); a failed graph/quality/summary refresh afterwards is reported with each change, not as its failure.
                var analysis = view.Status == JobStatus.Completed ? null
                    : view.Nodes.FirstOrDefault(n => n.Error is not null) is { } failed ? $"applied, but refreshing the analysis failed: {failed.Id}: {failed.Error}" : $"applied, but the file DAG ended {view.Status}";
                var plan = ChangePlan.From(view.Nodes.First(n => n.Id == "detect").Result);
                events = [.. plan.Changes.Select(c => new WatchEvent(WatchEventTypes.Completed, root, source.RepoId, c.Path, c.Change, jobId, analysis, Latency(c.Path), done, c.Reason))];
                if (analysis is not null)
                {
                    // The error event of the refresh: the changes stay applied; the next applied batch refreshes the analysis again.
                    events.Add(new WatchEvent(WatchEventTypes.AnalysisFailed, root, source.RepoId, null, null, jobId, analysis, (done - first).TotalMilliseconds, done,
                        string.Join(", ", plan.Changes.Where(c => c.Change is not WatchChanges.Unchanged and not WatchChanges.Ignored).Select(c => c.Path))));
                }
            }
            else
            {
                var error = view.Nodes.FirstOrDefault(n => n.Error is not null) is { } failed ? $"{failed.Id}: {failed.Error}" : view.Error ?? $"the file DAG ended {view.Status}";
                events = [.. batch.Select(c => new WatchEvent(WatchEventTypes.Failed, root, source.RepoId, c.Path, null, jobId, error, Latency(c.Path), done, null))];
            }
        }
        catch (Exception ex)
        {
            events = [.. batch.Select(c => new WatchEvent(WatchEventTypes.Failed, root, source.RepoId, c.Path, null, jobId, ex.Message, 0, DateTimeOffset.UtcNow, null))];
        }

        await PublishAsync([.. events]);
    }

    // The job answers when it finishes (no polling); the wait is renewed below the grain call timeout.
    private static async Task<JobView> WaitAsync(IIngestionJobGrain job)
    {
        while (true)
        {
            var view = await job.WaitForFinishAsync(TimeSpan.FromSeconds(20));
            if (view.IsFinished)
            {
                return view;
            }
        }
    }

    private async Task PublishAsync(WatchEvent[] events)
    {
        foreach (var e in events)
        {
            if (e.Type == WatchEventTypes.Failed)
            {
                Log.ChangeFailed(logger, e.Directory, e.Path ?? ".", e.Error ?? "");
            }
        }

        try
        {
            await grains.GetGrain<IWatchHubGrain>(IWatchHubGrain.DefaultKey).PublishAsync(events);
        }
        catch (Exception ex)
        {
            Log.PublishFailed(logger, ex.Message);
        }
    }

    private static string NewId() => $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";

    public async ValueTask DisposeAsync()
    {
        foreach (var watched in _watched.Values)
        {
            await watched.Watcher.DisposeAsync();
        }

        _watched.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Watching {Directory}")]
        public static partial void Watching(ILogger logger, string directory);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Change in {Directory} failed ({Path}): {Error}")]
        public static partial void ChangeFailed(ILogger logger, string directory, string path, string error);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Could not publish watch events: {Error}")]
        public static partial void PublishFailed(ILogger logger, string error);
    }
}

/// <summary>Watches the directories of CodeIngest:Watch:Directories once the silo is up; stops every watch when it stops.</summary>
internal sealed class WatchStartup(WatchService service, IOptions<WatchOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WatchStartup), ServiceLifecycleStage.Active + 1, _ =>
        {
            foreach (var directory in options.Value.Directories)
            {
                service.Watch(directory);
            }

            return Task.CompletedTask;
        }, async _ => await service.DisposeAsync());
}
