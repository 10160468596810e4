// index (admin): AST-aware chunks + lexical index, then publishes the snapshot (searches see it).
// Incremental: a file whose bytes and language equal the previous snapshot's, whose parse was reused (same parser
// fingerprint) and whose chunks were cut by the same chunker version, keeps its chunks — they are copied over in the
// store, never re-chunked or re-split into identifier words. Only changed and added files are chunked.
using System.Globalization;
using System.Text.Json;
using CodeIngest.Dag;
using CodeIngest.Indexing;
using CodeIngest.Storage;

namespace CodeIngest.Ingestion;

public sealed class IndexStep : IDagStep
{
    public const string StepName = "index";

    public string Name => StepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var store = context.Tools.Store;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var carried = await CarriedPathsAsync(context, store, cancellationToken);
        var files = carried.Paths.Count == 0
            ? await store.GetFilesAsync(context.JobId, cancellationToken)
            : await store.GetFilesByPathAsync(context.JobId, carried.Changed, cancellationToken);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var chunks = new List<CodeChunk>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunks.AddRange(Chunker.Chunk(file));
        }

        var chunkSeconds = clock.Elapsed.TotalSeconds;
        await context.ReportProgressAsync(0.5, $"{chunks.Count} chunks");
        clock.Restart();

        // SaveChunksAsync replaces the snapshot's chunks, so a retried attempt starts clean before copying again.
        await store.SaveChunksAsync(context.JobId, chunks, cancellationToken);
        var copied = carried.Paths.Count == 0 ? 0 : await store.CopyChunksAsync(carried.From!, context.JobId, carried.Paths, cancellationToken);
        var saveSeconds = clock.Elapsed.TotalSeconds;
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
            ["files_chunked"] = files.Count.ToString(CultureInfo.InvariantCulture),
            ["chunker"] = Chunker.Version,
            ["languages"] = JsonSerializer.Serialize(stats.Languages),
            ["load_seconds"] = loadSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["chunk_seconds"] = chunkSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["save_chunks_seconds"] = saveSeconds.ToString("0.00", CultureInfo.InvariantCulture),
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
