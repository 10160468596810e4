// parse (coder): reads the discovered files and fans batches out to parse grains across the
// cluster; one writer stores finished batches as they come (merging those that wait into one
// write), so a resumed parse skips what is stored.
// A file whose content is unchanged since the repository's previous snapshot, parsed by a parser
// with the same fingerprint, is not parsed again: its stored result is reused.
using System.Globalization;
using CodeIngest.Dag;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Microsoft.Extensions.Options;

namespace CodeIngest.Ingestion;

public sealed class ParseStep(IOptions<IngestionOptions> options, TreeSitterParser parser) : IDagStep
{
    public const string StepName = "parse";

    public string Name => StepName;

    /// <summary>Most files stored in one write: parsed batches waiting for the writer are merged up to this.</summary>
    internal const int MaxFilesPerWrite = 1024;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var root = context.Tools.Workspace(context.DependencyOutput("clone", "workdir"));
        var store = context.Tools.Store;
        var grains = context.Tools.FanOut();
        var files = await store.GetDiscoveredFilesAsync(context.JobId, cancellationToken);
        var alreadyParsed = await store.GetParsedPathsAsync(context.JobId, cancellationToken);
        var todo = files.Where(f => !alreadyParsed.Contains(f.Path)).ToList();
        var discoveredPaths = files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var batches = MakeBatches(todo, options.Value.ParseBatchFiles, options.Value.ParseBatchBytes);
        var previous = await PreviousSnapshotAsync(context, store, cancellationToken);
        var unchanged = 0;
        var changed = 0;
        var added = 0;

        var parsed = alreadyParsed.Count;
        var errors = 0;
        var definitions = 0;
        var workers = Math.Max(1, options.Value.ParseConcurrency);
        var next = -1;
        long readTicks = 0, parseTicks = 0, prepareTicks = 0, storeTicks = 0;
        var writes = 0;
        var parsedBatches = System.Threading.Channels.Channel.CreateBounded<List<PreparedParsedFile>>(
            new System.Threading.Channels.BoundedChannelOptions(workers) { SingleReader = true });
        using var writerFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task Worker(int slot)
        {
            // One grain per worker slot: batches of a slot run one after another, slots run in parallel
            // and are placed across the cluster's silos.
            var grain = grains.GetGrain<IFileParseGrain>($"{context.JobId}/{slot}");
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                writerFailed.Token.ThrowIfCancellationRequested();
                var batch = batches[index];
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var requests = new List<ParseRequest>(batch.Count);
                var unreadable = new List<ParsedFileContent>();
                foreach (var file in batch)
                {
                    try
                    {
                        requests.Add(new ParseRequest(file.Path, file.Language, await context.Tools.ReadWorkspaceFileAsync(root, file.Path, cancellationToken)));
                    }
                    catch (IOException ex)
                    {
                        unreadable.Add(new ParsedFileContent(new ParsedFile(file.Path, file.Language, 0, [], $"unreadable: {ex.Message}"), []));
                    }
                }

                Interlocked.Add(ref readTicks, clock.Elapsed.Ticks);
                clock.Restart();
                // Unchanged content (same bytes, same parser): reuse the previous snapshot's result.
                var reused = new List<ParsedFileContent>();
                for (var i = requests.Count - 1; i >= 0; i--)
                {
                    var request = requests[i];
                    if (previous.Files.TryGetValue(request.Path, out var before))
                    {
                        if (previous.Reusable && before.ContentHash == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.Content)))
                        {
                            Interlocked.Increment(ref unchanged);
                            reused.Add(new ParsedFileContent(new ParsedFile(request.Path, request.Language, before.Lines, [.. before.Definitions], before.ParseError, before.References is { } references ? [.. references] : null, before.Metrics), request.Content));
                            requests.RemoveAt(i);
                        }
                        else
                        {
                            Interlocked.Increment(ref changed);
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref added);
                    }
                }

                var results = requests.Count > 0 ? await grain.ParseBatchAsync([.. requests]) : [];
                Interlocked.Add(ref parseTicks, clock.Elapsed.Ticks);
                clock.Restart();
                // Rows are prepared here (hash, parse-data encoding), in parallel, so the one writer only binds values.
                var toStore = results.Select((r, i) => new ParsedFileContent(r, requests[i].Content)).Concat(reused).Concat(unreadable)
                    .Select(PreparedParsedFile.Create).ToList();
                Interlocked.Add(ref prepareTicks, clock.Elapsed.Ticks);
                await parsedBatches.Writer.WriteAsync(toStore, writerFailed.Token);
            }
        }

        // One writer stores what the slots parsed: batches that wait are merged into one write (one
        // transaction), and the slots never queue on the store's write lock while there is parsing to do.
        async Task Writer()
        {
            var reader = parsedBatches.Reader;
            try
            {
                while (await reader.WaitToReadAsync(CancellationToken.None))
                {
                    var group = new List<PreparedParsedFile>();
                    while (group.Count < MaxFilesPerWrite && reader.TryRead(out var batch))
                    {
                        group.AddRange(batch);
                    }

                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    await store.SavePreparedFilesAsync(context.JobId, group, cancellationToken);
                    storeTicks += clock.Elapsed.Ticks;
                    writes++;
                    errors += group.Count(f => f.File.Error is not null);
                    definitions += group.Sum(f => f.File.Definitions.Length);
                    parsed += group.Count;
                    await context.ReportProgressAsync((double)parsed / Math.Max(1, files.Count), $"{parsed}/{files.Count} files");
                }
            }
            catch
            {
                // Stop the slots: what they parse could not be stored.
                await writerFailed.CancelAsync();
                throw;
            }
        }

        var writer = Task.Run(Writer, CancellationToken.None);
        Exception? slotError = null;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(workers, Math.Max(1, batches.Count))).Select(Worker));
        }
        catch (Exception ex)
        {
            slotError = ex;
        }
        finally
        {
            // The writer stores what was parsed before a failure, so a resumed parse does not redo it.
            parsedBatches.Writer.TryComplete();
        }

        await writer;
        if (slotError is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(slotError);
        }

        return new Dictionary<string, string>
        {
            ["files_parsed"] = parsed.ToString(CultureInfo.InvariantCulture),
            ["files_with_errors"] = errors.ToString(CultureInfo.InvariantCulture),
            ["definitions"] = definitions.ToString(CultureInfo.InvariantCulture),
            ["batches"] = batches.Count.ToString(CultureInfo.InvariantCulture),
            ["store_writes"] = writes.ToString(CultureInfo.InvariantCulture),
            ["resumed_after"] = alreadyParsed.Count.ToString(CultureInfo.InvariantCulture),
            ["parser_fingerprint"] = parser.Fingerprint,
            ["previous_snapshot"] = previous.SnapshotId ?? "",
            ["previous_reusable"] = previous.Reusable ? "true" : "false",
            ["files_unchanged"] = unchanged.ToString(CultureInfo.InvariantCulture),
            ["files_changed"] = changed.ToString(CultureInfo.InvariantCulture),
            ["files_added"] = added.ToString(CultureInfo.InvariantCulture),
            ["files_removed"] = previous.Files.Keys.Count(p => !discoveredPaths.Contains(p)).ToString(CultureInfo.InvariantCulture),

            // Time summed over the worker slots (they overlap): where the stage spends its effort.
            ["read_seconds"] = TimeSpan.FromTicks(readTicks).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["parse_call_seconds"] = TimeSpan.FromTicks(parseTicks).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["prepare_seconds"] = TimeSpan.FromTicks(prepareTicks).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["store_seconds"] = TimeSpan.FromTicks(storeTicks).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
        };
    }

    private sealed record Previous(string? SnapshotId, bool Reusable, Dictionary<string, StoredFile> Files);

    /// <summary>The repository's latest published snapshot (before this job), and whether its parse results may be reused.</summary>
    private async Task<Previous> PreviousSnapshotAsync(StepContext context, ICodeStore store, CancellationToken cancellationToken)
    {
        var repo = context.DependencyOutput("clone", "repo");
        var latest = (await store.ListReposAsync(cancellationToken)).FirstOrDefault(r => r.Repo == repo)?.LatestSnapshot;
        if (latest is null || latest == context.JobId)
        {
            return new Previous(null, false, []);
        }

        // The snapshot id is the id of the job that made it; its parse node recorded the parser's fingerprint.
        var job = await store.GetJobAsync(latest, cancellationToken);
        var fingerprint = job is null ? null : Dag.JobViewJson.Deserialize(job.ViewJson)?.Nodes.FirstOrDefault(n => n.Id == "parse")?.Result.GetValueOrDefault("parser_fingerprint");
        var files = (await store.GetFilesAsync(latest, cancellationToken)).ToDictionary(f => f.Path, StringComparer.Ordinal);
        return new Previous(latest, fingerprint == parser.Fingerprint, files);
    }

    internal static List<List<DiscoveredFile>> MakeBatches(IReadOnlyList<DiscoveredFile> files, int maxFiles, long maxBytes)
    {
        var batches = new List<List<DiscoveredFile>>();
        var current = new List<DiscoveredFile>();
        long bytes = 0;
        foreach (var file in files)
        {
            if (current.Count > 0 && (current.Count >= maxFiles || bytes + file.Size > maxBytes))
            {
                batches.Add(current);
                current = [];
                bytes = 0;
            }

            current.Add(file);
            bytes += file.Size;
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }
}
