// The file watcher's contracts: the hub grain that starts watches and fans events out, its observers,
// and the events themselves. Record parameters are positional wire ids: append, never reorder.
namespace CodeIngest.Watch;

/// <summary>Event types of <see cref="WatchEvent.Type"/>.</summary>
public static class WatchEventTypes
{
    /// <summary>First event of a stream that asked for it: the subscription is active, later events will arrive.</summary>
    public const string Subscribed = "subscribed";

    /// <summary>A directory is now watched (after its catch-up ingest).</summary>
    public const string Watching = "watching";

    /// <summary>The catch-up ingest of a watched directory finished (Detail holds its counts).</summary>
    public const string Ingested = "ingested";

    /// <summary>One changed path is applied: searchable and in the symbols (Change says how).</summary>
    public const string Completed = "completed";

    /// <summary>A change could not be applied (Error says why); the store keeps the previous state of the path.</summary>
    public const string Failed = "failed";

    /// <summary>A directory is no longer watched.</summary>
    public const string Stopped = "stopped";

    /// <summary>
    /// Changes were applied (their completed events came first) but refreshing the graph, quality or summary afterwards
    /// failed: Error names the node and why, Detail lists the applied paths. The changes stay searchable; the analysis
    /// describes the snapshot as it was before them until the next applied batch refreshes it.
    /// </summary>
    public const string AnalysisFailed = "analysis-failed";
}

/// <summary>How a completed path changed: added, changed, removed, skipped (now skipped by discovery), unchanged (same bytes) or ignored.</summary>
public static class WatchChanges
{
    public const string Added = "added";
    public const string Changed = "changed";
    public const string Removed = "removed";
    public const string Skipped = "skipped";
    public const string Unchanged = "unchanged";
    public const string Ignored = "ignored";
}

/// <summary>
/// One notification of the watcher. <paramref name="Path"/> is relative to the watched directory ('/' separators);
/// <paramref name="LatencyMs"/> runs from the first file system event of the change to the moment it was applied.
/// </summary>
[GenerateSerializer, Immutable, Alias("codeingest.WatchEvent")]
public sealed record WatchEvent(
    string Type,
    string Directory,
    string Repo,
    string? Path,
    string? Change,
    string? JobId,
    string? Error,
    double LatencyMs,
    DateTimeOffset At,
    string? Detail);

/// <summary>Receives watch events (a client or an API request subscribes one through <see cref="IWatchHubGrain"/>).</summary>
[Alias("codeingest.IWatchObserver")]
public interface IWatchObserver : IGrainObserver
{
    /// <summary>Delivers a batch of events, in order.</summary>
    [Alias("OnEvents"), Orleans.Concurrency.OneWay]
    Task OnEventsAsync(WatchEvent[] events);
}

/// <summary>Starts and stops directory watches on its silo and fans their events out to subscribers. Singleton, key <see cref="DefaultKey"/>.</summary>
[Alias("codeingest.IWatchHubGrain")]
public interface IWatchHubGrain : IGrainWithStringKey
{
    public const string DefaultKey = "default";

    /// <summary>Watches a directory (absolute path) on the hub's silo; returns its repository id. Watching a watched directory is a no-op.</summary>
    [Alias("Watch")]
    Task<string> WatchAsync(string directory);

    /// <summary>Stops watching a directory; false when it was not watched.</summary>
    [Alias("Unwatch")]
    Task<bool> UnwatchAsync(string directory);

    /// <summary>The watched directories.</summary>
    [Alias("List")]
    Task<string[]> ListAsync();

    /// <summary>Subscribes an observer for <paramref name="lease"/>; subscribe again before it runs out to keep receiving events.</summary>
    [Alias("Subscribe"), Orleans.Concurrency.AlwaysInterleave]
    Task SubscribeAsync(IWatchObserver observer, TimeSpan lease);

    /// <summary>Removes an observer.</summary>
    [Alias("Unsubscribe"), Orleans.Concurrency.AlwaysInterleave]
    Task UnsubscribeAsync(IWatchObserver observer);

    /// <summary>Called by the silos' watchers: delivers events to every subscriber.</summary>
    [Alias("Publish"), Orleans.Concurrency.AlwaysInterleave]
    Task PublishAsync(WatchEvent[] events);
}
