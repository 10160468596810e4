// The watcher over REST: start a watch (Bearer token: it reads a directory of the silo's machine), list watches,
// and follow every change's completion or error as server-sent events (event type = the watch event's type;
// the first event, "subscribed", says the subscription is active).
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using CodeIngest.Ingestion;
using CodeIngest.Watch;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CodeIngest.Silo.Api;

public static class WatchApi
{
    /// <summary>Body of POST /api/v1/watch.</summary>
    public sealed record WatchRequest(string? Directory);

    /// <summary>Answer of the watch endpoints.</summary>
    public sealed record WatchList(string[] Directories);

    public static IEndpointRouteBuilder MapWatchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/watch").WithTags("watch");
        api.MapPost("/", StartAsync).AddEndpointFilter<AdminTokenFilter>().RequireRateLimiting(IngestionApi.WritePolicy)
            .WithSummary("Watches a directory of the silo's machine (Bearer token): ingests it, then applies every change.");
        api.MapGet("/", ListAsync).RequireRateLimiting(IngestionApi.ReadPolicy).WithSummary("The watched directories.");
        api.MapGet("/events", Events).RequireRateLimiting(IngestionApi.ReadPolicy)
            .WithSummary("Completion and error events of every change, as server-sent events (optional ?directory= filter).");
        return app;
    }

    internal static async Task<Results<Ok<WatchList>, ProblemHttpResult>> StartAsync([FromBody] WatchRequest? request, IGrainFactory grains)
    {
        if (request?.Directory is not { Length: > 0 } directory || !Path.IsPathFullyQualified(directory) || !RepositorySource.TryParse(directory, out var source, out var error) || source!.LocalPath is null)
        {
            return TypedResults.Problem(
                detail: $"'directory' must be the absolute path of an existing directory on the silo's machine{(request?.Directory is { Length: > 0 } d ? $" ('{d}' is not)" : "")}",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid directory");
        }

        var hub = grains.GetGrain<IWatchHubGrain>(IWatchHubGrain.DefaultKey);
        await hub.WatchAsync(source.LocalPath);
        return TypedResults.Ok(new WatchList(await hub.ListAsync()));
    }

    internal static async Task<Ok<WatchList>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(new WatchList(await grains.GetGrain<IWatchHubGrain>(IWatchHubGrain.DefaultKey).ListAsync()));

    internal static ServerSentEventsResult<WatchEvent> Events([FromQuery] string? directory, IGrainFactory grains, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(FollowAsync(directory, grains, cancellationToken));

    private static async IAsyncEnumerable<SseItem<WatchEvent>> FollowAsync(string? directory, IGrainFactory grains, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = directory is { Length: > 0 } ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) : null;
        var items = WatchEventStream.ReadAsync(grains, cancellationToken, announce: true).WithCancellation(cancellationToken).ConfigureAwait(false);
        var enumerator = items.GetAsyncEnumerator();
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                var e = enumerator.Current;
                // (The first event, "subscribed", also sends the response headers: a client may start watches once it has it.)
                if (filter is null || e.Directory == filter || e.Type == WatchEventTypes.Subscribed)
                {
                    yield return new SseItem<WatchEvent>(e, e.Type);
                }
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }
}
