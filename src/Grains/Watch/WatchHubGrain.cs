// The watch hub: starts watches on its silo and fans events out to subscribed observers (clients, SSE requests).
// Subscriptions are leases: an observer that is not renewed (its client went away) is dropped.
using Orleans.Concurrency;

namespace CodeIngest.Watch;

[Reentrant]
public sealed class WatchHubGrain(WatchService service) : Grain, IWatchHubGrain
{
    private readonly Dictionary<IWatchObserver, DateTimeOffset> _observers = [];

    public Task<string> WatchAsync(string directory) => Task.FromResult(service.Watch(directory));

    public Task<bool> UnwatchAsync(string directory) => service.UnwatchAsync(directory);

    public Task<string[]> ListAsync() => Task.FromResult(service.Directories.ToArray());

    public Task SubscribeAsync(IWatchObserver observer, TimeSpan lease)
    {
        _observers[observer] = DateTimeOffset.UtcNow + lease;
        this.DelayDeactivation(lease);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IWatchObserver observer)
    {
        _observers.Remove(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(WatchEvent[] events)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (observer, expires) in _observers.ToList())
        {
            if (expires < now)
            {
                _observers.Remove(observer);
                continue;
            }

            try
            {
                _ = observer.OnEventsAsync(events);
            }
            catch (Exception)
            {
                _observers.Remove(observer);
            }
        }

        return Task.CompletedTask;
    }
}
