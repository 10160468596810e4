// index (admin): AST-aware chunks + lexical index, then publishes the snapshot (searches see it).
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
        var files = await store.GetFilesAsync(context.JobId, cancellationToken);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var skipped = await store.GetSkippedFilesAsync(context.JobId, cancellationToken);
        var chunks = new List<CodeChunk>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunks.AddRange(Chunker.Chunk(file));
        }

        var chunkSeconds = clock.Elapsed.TotalSeconds;
        await context.ReportProgressAsync(0.5, $"{chunks.Count} chunks");
        clock.Restart();
        await store.SaveChunksAsync(context.JobId, chunks, cancellationToken);
        var saveSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var languages = files.GroupBy(f => f.Language).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        var symbols = files.Sum(f => f.Definitions.Count);
        await store.PublishSnapshotAsync(context.JobId, new SnapshotStats(files.Count, skipped.Count, symbols, chunks.Count, languages), cancellationToken);
        return new Dictionary<string, string>
        {
            ["files"] = files.Count.ToString(CultureInfo.InvariantCulture),
            ["files_skipped"] = skipped.Count.ToString(CultureInfo.InvariantCulture),
            ["files_with_errors"] = files.Count(f => f.ParseError is not null).ToString(CultureInfo.InvariantCulture),
            ["symbols"] = symbols.ToString(CultureInfo.InvariantCulture),
            ["chunks"] = chunks.Count.ToString(CultureInfo.InvariantCulture),
            ["languages"] = JsonSerializer.Serialize(languages),
            ["load_seconds"] = loadSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["chunk_seconds"] = chunkSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["save_chunks_seconds"] = saveSeconds.ToString("0.00", CultureInfo.InvariantCulture),
            ["publish_seconds"] = clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
        };
    }
}
