// Watch events as an IAsyncEnumerable: subscribes an observer object to the hub, renews its lease while the
// enumeration runs, and unsubscribes when it ends. Works in a client and inside a silo (the REST API's SSE).
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CodeIngest.Watch;

public static class WatchEventStream
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>Every watch event published from now on, until <paramref name="cancellationToken"/> ends the enumeration.
    /// With <paramref name="announce"/>, a <see cref="WatchEventTypes.Subscribed"/> event comes first, once the subscription is active.</summary>
    public static async IAsyncEnumerable<WatchEvent> ReadAsync(IGrainFactory grains, [EnumeratorCancellation] CancellationToken cancellationToken = default, bool announce = false)
    {
        var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        var observer = new ChannelObserver(channel.Writer);
        var reference = grains.CreateObjectReference<IWatchObserver>(observer);
        var hub = grains.GetGrain<IWatchHubGrain>(IWatchHubGrain.DefaultKey);
        await hub.SubscribeAsync(reference, Lease);
        using var renew = new PeriodicTimer(Lease / 3);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = Task.Run(async () =>
        {
            try
            {
                while (await renew.WaitForNextTickAsync(stop.Token))
                {
                    await hub.SubscribeAsync(reference, Lease);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or OrleansException or TimeoutException)
            {
            }
        }, CancellationToken.None);
        try
        {
            if (announce)
            {
                yield return new WatchEvent(WatchEventTypes.Subscribed, "", "", null, null, null, null, 0, DateTimeOffset.UtcNow, null);
            }

            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return e;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await renewing;
            try
            {
                await hub.UnsubscribeAsync(reference);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException or ObjectDisposedException)
            {
            }

            grains.DeleteObjectReference<IWatchObserver>(reference);

            // Orleans holds observer objects weakly: this keeps ours alive for the whole enumeration.
            GC.KeepAlive(observer);
        }
    }

    private sealed class ChannelObserver(ChannelWriter<WatchEvent> writer) : IWatchObserver
    {
        public Task OnEventsAsync(WatchEvent[] events)
        {
            foreach (var e in events)
            {
                writer.TryWrite(e);
            }

            return Task.CompletedTask;
        }
    }
}
