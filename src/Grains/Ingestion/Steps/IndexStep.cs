// index (admin): AST-aware chunks + lexical index, then publishes the snapshot (searches see it).
// Incremental: a file whose bytes and language equal the previous snapshot's, whose parse was reused (same parser
// fingerprint) and whose chunks were cut by the same chunker version, keeps its chunks — they are copied over in the
// store, never re-chunked or re-split into identifier words. Only changed and added files are chunked.
// Files stream from the store one at a time and chunks go back in batches (one transaction each), so memory stays
// bounded by a few batches whatever the repository's size.
using System.Globalization;
using System.Text.Json;
using CodeIngest.Dag;
using CodeIngest.Indexing;
using CodeIngest.Storage;

namespace CodeIngest.Ingestion;

public sealed class IndexStep : IDagStep
{
    public const string StepName = "index";

    /// <summary>Chunks per write transaction: large enough that per-transaction costs vanish, small enough to bound memory.</summary>
    public const int BatchChunks = 4000;

    public string Name => StepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var store = context.Tools.Store;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var carried = await CarriedPathsAsync(context, store, cancellationToken);

        // A retried attempt starts clean: the snapshot's chunks are removed before the batches go in.
        await store.ClearChunksAsync(context.JobId, cancellationToken);
        var files = carried.Paths.Count == 0
            ? store.StreamFilesAsync(context.JobId, cancellationToken)
            : (await store.GetFilesByPathAsync(context.JobId, carried.Changed, cancellationToken)).ToAsyncEnumerable();

        // Reading and chunking overlap with writing: full batches queue (at most two) for one writer.
        var batches = System.Threading.Channels.Channel.CreateBounded<List<CodeChunk>>(new System.Threading.Channels.BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var writeClock = new System.Diagnostics.Stopwatch();
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
                {
                    writeClock.Start();
                    await store.AppendChunksAsync(context.JobId, batch, cancellationToken);
                    writeClock.Stop();
                }
            }
            catch (Exception ex)
            {
                batches.Writer.TryComplete(ex); // the producer stops instead of waiting on a full queue
                throw;
            }
        }, cancellationToken);

        int filesChunked = 0, chunked = 0;
        try
        {
            var batch = new List<CodeChunk>(BatchChunks);
            await foreach (var file in files.WithCancellation(cancellationToken))
            {
                filesChunked++;
                batch.AddRange(Chunker.Chunk(file));
                if (batch.Count >= BatchChunks)
                {
                    chunked += batch.Count;
                    await batches.Writer.WriteAsync(batch, cancellationToken);
                    batch = new List<CodeChunk>(BatchChunks);
                }
            }

            chunked += batch.Count;
            await batches.Writer.WriteAsync(batch, cancellationToken);
            batches.Writer.Complete();
        }
        catch (Exception ex)
        {
            batches.Writer.TryComplete(ex);
            await Task.WhenAny(writer);
            if (writer.IsFaulted)
            {
                await writer; // the write failure is the cause
            }

            throw;
        }

        await writer;
        var chunkSeconds = clock.Elapsed.TotalSeconds;
        await context.ReportProgressAsync(0.5, $"{chunked} chunks");
        clock.Restart();
        var copied = carried.Paths.Count == 0 ? 0 : await store.CopyChunksAsync(carried.From!, context.JobId, carried.Paths, cancellationToken);
        var copySeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var stats = await store.CountSnapshotAsync(context.JobId, cancellationToken);
        await store.PublishSnapshotAsync(context.JobId, stats, cancellationToken);
        return new Dictionary<string, string>
        {
            ["files"] = stats.Files.ToString(CultureInfo.InvariantCulture),
            ["files_skipped"] = stats.FilesSkipped.ToString(CultureInfo.InvariantCulture),
            ["symbols"] = stats.Symbols.ToString(CultureInfo.InvariantCulture),
            ["chunks"] = stats.Chunks.ToString(CultureInfo.InvariantCulture),
            ["chunks_carried_over"] = copied.ToString(CultureInfo.InvariantCulture),
            ["files_chunked"] = filesChunked.ToString(CultureInfo.InvariantCulture),
            ["chunker"] = Chunker.Version,
            ["languages"] = JsonSerializer.Serialize(stats.Languages),
            ["read_chunk_write_seconds"] = chunkSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["write_seconds"] = writeClock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["copy_seconds"] = copySeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["publish_seconds"] = clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
        };
    }

    private sealed record Carried(string? From, List<string> Paths, List<string> Changed);

    /// <summary>Files whose chunks can be copied from the previous snapshot, and the files that must be chunked.</summary>
    private static async Task<Carried> CarriedPathsAsync(StepContext context, ICodeStore store, CancellationToken cancellationToken)
    {
        var none = new Carried(null, [], []);
        var parse = context.Dependencies.GetValueOrDefault(ParseStep.StepName);
        var previous = parse?.GetValueOrDefault("previous_snapshot");
        if (string.IsNullOrEmpty(previous) || parse!.GetValueOrDefault("previous_reusable") != "true")
        {
            return none;
        }

        var job = await store.GetJobAsync(previous, cancellationToken);
        var chunker = job is null ? null : JobViewJson.Deserialize(job.ViewJson)?.Nodes.FirstOrDefault(n => n.Id == StepName)?.Result.GetValueOrDefault("chunker");
        if (chunker != Chunker.Version)
        {
            return none;
        }

        var before = (await store.GetPathStatesAsync(previous, null, cancellationToken)).Where(s => s.Hash is not null).ToDictionary(s => s.Path, StringComparer.Ordinal);
        var carried = new Carried(previous, [], []);
        foreach (var now in await store.GetPathStatesAsync(context.JobId, null, cancellationToken))
        {
            if (now.Hash is null)
            {
                continue;
            }

            var same = before.TryGetValue(now.Path, out var old) && old.Hash == now.Hash && old.Language == now.Language;
            (same ? carried.Paths : carried.Changed).Add(now.Path);
        }

        return carried;
    }
}
