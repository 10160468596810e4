// `codeingest watch <path>`: brings the directory's index up to date, then keeps it fresh as files change,
// printing one line per event (--json: one JSON object per line) until Ctrl+C.
using System.CommandLine;
using System.Text.Json;
using CodeIngest.Ingestion;
using CodeIngest.Watch;
using Microsoft.Extensions.Logging;

namespace CodeIngest.Client.Cli;

internal static class WatchCli
{
    private static readonly JsonSerializerOptions JsonLines = new(CliApp.Json) { WriteIndented = false };

    public static Command Create(Option<string> dataOption, Option<string?> clusterOption, Option<bool> jsonOption)
    {
        var path = new Argument<string>("path") { Description = "A local directory (a git working tree or a plain folder)" };
        var verbose = new Option<bool>("--verbose") { Description = "Log the silo's activity to stderr" };
        var command = new Command("watch", "Ingest a directory, then apply every file change as it happens (until Ctrl+C)") { path, verbose };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(clusterOption) is { Length: > 0 })
            {
                Console.Error.WriteLine("error: watch --cluster is not supported: set CodeIngest:Watch:Directories on the silo that can read the directory");
                return 2;
            }

            var input = parse.GetRequiredValue(path);
            if (!RepositorySource.TryParse(input, out var source, out var error) || source!.LocalPath is null)
            {
                Console.Error.WriteLine($"error: {error ?? $"'{input}' is not a local directory"}; watch accepts a local directory");
                return 2;
            }

            var json = parse.GetValue(jsonOption);
            var cluster = await EmbeddedCluster.StartAsync(parse.GetRequiredValue(dataOption), parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning, cancellationToken: ct);
            try
            {
                if (!cluster.IsHost)
                {
                    Console.Error.WriteLine($"note: joined the embedded silo hosted by process {cluster.HostProcessId} on this data directory");
                }

                var client = cluster.Client;
                var events = client.WatchEventsAsync(ct).GetAsyncEnumerator(ct);
                var first = events.MoveNextAsync();
                await client.WatchAsync(source.LocalPath);
                try
                {
                    for (var next = first; await next; next = events.MoveNextAsync())
                    {
                        var e = events.Current;
                        if (e.Directory == source.LocalPath)
                        {
                            Console.WriteLine(json ? JsonSerializer.Serialize(e, JsonLines) : Describe(e));
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                }
                finally
                {
                    await events.DisposeAsync();
                    await client.UnwatchAsync(source.LocalPath);
                }

                return 0;
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        });
        return command;
    }

    private static string Describe(WatchEvent e)
    {
        var at = e.At.ToLocalTime().ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
        return e.Type switch
        {
            WatchEventTypes.Completed => $"{at} {e.Change,-9} {e.Path}{(e.Detail is null ? "" : $" ({e.Detail})")}  {e.LatencyMs:0} ms{(e.Error is null ? "" : $"  ({e.Error})")}",
            WatchEventTypes.Failed => $"{at} failed    {e.Path ?? e.Directory}: {e.Error}",
            WatchEventTypes.AnalysisFailed => $"{at} analysis  {e.Directory}: {e.Error}",
            WatchEventTypes.Ingested => $"{at} ingested  {e.Directory}: {e.Detail} in {e.LatencyMs / 1000:0.0} s",
            _ => $"{at} {e.Type,-9} {e.Directory}",
        };
    }
}
