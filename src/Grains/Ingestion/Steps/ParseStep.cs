// parse (coder): reads the discovered files and fans batches out to parse grains across the
// cluster; one writer stores finished batches as they come (merging those that wait into one
// write), so a resumed parse skips what is stored.
// A file whose content is unchanged since the repository's previous snapshot, parsed by a parser
// with the same fingerprint, is not parsed again: its stored result is reused. Files with the same
// bytes and language (vendored copies, headers installed twice) are parsed once: a first pass hashes
// every file to parse, and each copy is stored with the result of the first file of its content.
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
        var hashClock = System.Diagnostics.Stopwatch.StartNew();
        var hashes = await HashFilesAsync(context, root, todo, cancellationToken);
        var hashSeconds = hashClock.Elapsed.TotalSeconds;
        var (distinct, copiesOf) = GroupIdenticalFiles(todo, hashes);
        var batches = MakeBatches(distinct, options.Value.ParseBatchFiles, options.Value.ParseBatchBytes);
        var previous = await PreviousSnapshotAsync(context, store, cancellationToken);
        var unchanged = 0;
        var changed = 0;
        var copies = 0;
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
                // The hash of the bytes read here (a file may change after the hashing pass), and by path of a file
                // to parse, its copies whose bytes read here are still the same.
                var hashOf = new Dictionary<string, string>(StringComparer.Ordinal);
                var sameAs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                async Task<byte[]?> ReadAsync(DiscoveredFile file)
                {
                    try
                    {
                        var content = await context.Tools.ReadWorkspaceFileAsync(root, file.Path, cancellationToken);
                        hashOf[file.Path] = PreparedParsedFile.HashContent(content);
                        return content;
                    }
                    catch (IOException ex)
                    {
                        unreadable.Add(new ParsedFileContent(new ParsedFile(file.Path, file.Language, 0, [], $"unreadable: {ex.Message}"), []));
                        return null;
                    }
                }

                foreach (var file in batch)
                {
                    var content = await ReadAsync(file);
                    if (content is not null)
                    {
                        requests.Add(new ParseRequest(file.Path, file.Language, content));
                    }

                    foreach (var copy in copiesOf.GetValueOrDefault(file.Path) ?? [])
                    {
                        if (await ReadAsync(copy) is not { } copyContent)
                        {
                            continue;
                        }

                        if (content is not null && hashOf[copy.Path] == hashOf[file.Path])
                        {
                            (sameAs.TryGetValue(file.Path, out var list) ? list : sameAs[file.Path] = []).Add(copy.Path);
                        }
                        else
                        {
                            // Changed since the hashing pass, or the first file of its content became unreadable: parsed on its own.
                            requests.Add(new ParseRequest(copy.Path, copy.Language, copyContent));
                        }
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
                        if (previous.Reusable && before.ContentHash == hashOf[request.Path])
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
                var toStore = new List<PreparedParsedFile>(batch.Count);
                foreach (var file in results.Select((r, i) => new ParsedFileContent(r, requests[i].Content)).Concat(reused).Concat(unreadable))
                {
                    var prepared = PreparedParsedFile.Create(file, hashOf.GetValueOrDefault(file.File.Path));
                    toStore.Add(prepared);
                    foreach (var copy in sameAs.GetValueOrDefault(file.File.Path) ?? [])
                    {
                        // The copy's own previous-snapshot state, for the counters.
                        if (!previous.Files.TryGetValue(copy, out var before))
                        {
                            Interlocked.Increment(ref added);
                        }
                        else if (previous.Reusable && before.ContentHash == prepared.Hash)
                        {
                            Interlocked.Increment(ref unchanged);
                        }
                        else
                        {
                            Interlocked.Increment(ref changed);
                        }

                        toStore.Add(prepared.WithPath(copy));
                        Interlocked.Increment(ref copies);
                    }
                }

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
            ["files_identical_to_another"] = copies.ToString(CultureInfo.InvariantCulture),
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
            ["hash_seconds"] = hashSeconds.ToString("0.00", CultureInfo.InvariantCulture),
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

    /// <summary>SHA-256 of every file in <paramref name="files"/>, by path, read in parallel; files that cannot be read are left out (the parse records why).</summary>
    private static async Task<Dictionary<string, string>> HashFilesAsync(StepContext context, string root, IReadOnlyList<DiscoveredFile> files, CancellationToken cancellationToken)
    {
        var hashes = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (file, token) =>
            {
                try
                {
                    hashes[file.Path] = await context.Tools.HashWorkspaceFileAsync(root, file.Path, token);
                }
                catch (IOException)
                {
                }
            });
        return new Dictionary<string, string>(hashes, StringComparer.Ordinal);
    }

    /// <summary>
    /// The files to parse (the first of each content and language, in the given order) and, by the path of each of
    /// those, the later files with the same bytes and language, which take its result.
    /// </summary>
    internal static (List<DiscoveredFile> Distinct, Dictionary<string, List<DiscoveredFile>> CopiesOf) GroupIdenticalFiles(
        IReadOnlyList<DiscoveredFile> files, IReadOnlyDictionary<string, string> hashes)
    {
        var distinct = new List<DiscoveredFile>(files.Count);
        var copiesOf = new Dictionary<string, List<DiscoveredFile>>(StringComparer.Ordinal);
        var first = new Dictionary<(string Hash, string Language), DiscoveredFile>();
        foreach (var file in files)
        {
            if (!hashes.TryGetValue(file.Path, out var hash) || first.TryAdd((hash, file.Language), file))
            {
                distinct.Add(file);
                continue;
            }

            var original = first[(hash, file.Language)].Path;
            if (!copiesOf.TryGetValue(original, out var copies))
            {
                copiesOf[original] = copies = [];
            }

            copies.Add(file);
        }

        return (distinct, copiesOf);
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
