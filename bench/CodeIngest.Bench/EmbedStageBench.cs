// The `embed` stage end to end against a bare ONNX Runtime session, in the same process run.
// A hosted embedded silo (SQLite store, gpu=true so the embedding grains run on it) ingests a real
// directory with the embed stage on; the stage's time is its DAG node's (store read of the chunks,
// texts built and looked up by hash, requests to the embedding grains, the silo's batcher and ONNX
// Runtime, vectors written to the store). The yardstick is a bare InferenceSession on the same ONNX
// file with the same thread count, fed exactly the texts the stage embedded (EmbedStep.Texts) in
// batches of the same size: once tokenized in the loop (text in, vector out, as the stage does), once
// more with the texts ordered by length as the stage orders them (the same padding per batch), and
// once pre-tokenized (the session alone). Rounds alternate stage and bare runs so both see the same
// load; between rounds every stored vector is deleted so the stage embeds everything again.
using System.Diagnostics;
using CodeIngest.Client;
using CodeIngest.Embedding;
using CodeIngest.Storage;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Bench;

internal static class EmbedStageBench
{
    public static async Task<int> RunAsync(string directory, int rounds, int threads, int warmup = 1)
    {
        var settings = new EmbeddingOptions();
        var batchSize = settings.BatchSize;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average at start: {LoadAverage()}");
        warmup = Math.Max(1, warmup);
        Console.WriteLine($"corpus: {directory}; {warmup} warm-up round(s), {rounds} rounds; batch {batchSize}; ONNX Runtime intra-op threads {threads}; embedding workers {settings.Workers}, request size {settings.RequestSize}");
        var options = new EmbeddingOptions { IntraOpThreads = threads, BatchSize = batchSize };
        var bundle = await DefaultModel.EnsureAsync(options);
        using var tokenizing = new OnnxEmbedder(bundle, options);
        using var bare = OnnxEmbedder.CreateSession(bundle.OnnxFullPath, options);

        var data = Directory.CreateTempSubdirectory("codeingest-embed-stage-bench-").FullName;
        Environment.SetEnvironmentVariable("CodeIngest__Silo__Gpu", "true");
        Environment.SetEnvironmentVariable("CodeIngest__Embedding__IntraOpThreads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("CodeIngest__Embedding__BatchSize", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var database = Path.Combine(data, "codeingest.db");
        var stage = TimeSpan.Zero;
        var bareText = TimeSpan.Zero;
        var bareSorted = TimeSpan.Zero;
        var bareIds = TimeSpan.Zero;
        var texts = 0;
        var chunkCount = 0;
        var breakdown = new SortedDictionary<string, double>(StringComparer.Ordinal);
        try
        {
            await using var cluster = await EmbeddedCluster.StartAsync(data, configure: o => o.Embed = true);
            var store = new SqliteCodeStore(database);
            for (var round = 1 - warmup; round <= rounds; round++)
            {
                if (round > 1 - warmup)
                {
                    await using var connection = new SqliteConnection($"Data Source={database}");
                    await connection.OpenAsync();
                    await using var delete = connection.CreateCommand();
                    delete.CommandText = "DELETE FROM embeddings";
                    await delete.ExecuteNonQueryAsync();
                }

                var view = await cluster.Client.IngestAsync(directory);
                if (view.Status != CodeIngest.Dag.JobStatus.Completed)
                {
                    Console.Error.WriteLine($"ingest failed: {view.Error}");
                    return 1;
                }

                var node = view.Nodes.Single(n => n.Id == "embed");
                var embedded = int.Parse(node.Result["embedded"], System.Globalization.CultureInfo.InvariantCulture) + int.Parse(node.Result["paths_embedded"], System.Globalization.CultureInfo.InvariantCulture);
                var stageTime = node.FinishedAt!.Value - node.StartedAt!.Value;

                // The same texts, the same batch size, through the bare session.
                var chunks = await store.GetChunksAsync(view.JobId);
                var (chunkWindows, pathWindows) = EmbedStep.Texts(chunks, bundle.MaxTokens);
                var all = chunkWindows.Concat(pathWindows).Select(w => w.Text).ToList();
                if (round > 1 - warmup && (all.Count != embedded || node.Attempts != 1))
                {
                    throw new InvalidOperationException($"the stage embedded {embedded} texts in {node.Attempts} attempt(s); the snapshot has {all.Count}: not a clean run");
                }

                var clock = Stopwatch.StartNew();
                foreach (var batch in all.Chunk(batchSize))
                {
                    EmbedBench.RunBare(bare, [EmbedBench.BareInputs(batch.Select(t => tokenizing.Tokenizer.Encode(t, bundle.MaxTokens)).ToArray())]);
                }

                var textTime = clock.Elapsed;

                // The same texts ordered by length, as the stage orders them (padding per batch is the same).
                var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
                clock.Restart();
                foreach (var batch in all.OrderBy(t => t.Length).Chunk(batchSize))
                {
                    EmbedBench.RunBare(bare, [EmbedBench.BareInputs(batch.Select(t => tokenizing.Tokenizer.Encode(t, bundle.MaxTokens)).ToArray())]);
                }

                var sortedTime = clock.Elapsed;
                var sortedJit = System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
                var sortedPadded = all.OrderBy(t => t.Length).Chunk(batchSize).Sum(b => (long)b.Length * Math.Max(1, b.Max(t => tokenizing.Tokenizer.Encode(t, bundle.MaxTokens).Length)));
                Console.WriteLine($"  bare sorted by length: {all.Count} texts in batches of {batchSize}, {sortedPadded} tokens with padding (the stage's batcher_padded_tokens)");
                var inputs = all.Chunk(batchSize).Select(b => EmbedBench.BareInputs(b.Select(t => tokenizing.Tokenizer.Encode(t, bundle.MaxTokens)).ToArray())).ToList();
                clock.Restart();
                EmbedBench.RunBare(bare, inputs);
                var idsTime = clock.Elapsed;
                Console.WriteLine($"round {round}{(round <= 0 ? " (warm-up: model load, JIT; not counted)" : string.Empty)}: {chunks.Count} chunks, {all.Count} texts; embed stage {stageTime.TotalSeconds:0.00} s, bare (tokenize + run) {textTime.TotalSeconds:0.00} s, bare sorted by length {sortedTime.TotalSeconds:0.00} s (JIT meanwhile {sortedJit.TotalSeconds:0.000} s), bare (ids) {idsTime.TotalSeconds:0.00} s; load {LoadAverage()}");
                Console.WriteLine($"  embed node: {string.Join(", ", node.Result.Where(r => r.Key.EndsWith("_seconds", StringComparison.Ordinal) || r.Key.StartsWith("batcher_", StringComparison.Ordinal)).Select(r => $"{r.Key} {r.Value}"))}");
                foreach (var other in view.Nodes.Where(n => n.Id != "embed" && n.FinishedAt > node.StartedAt))
                {
                    Console.WriteLine($"  beside embed: {other.Id} {other.StartedAt:HH:mm:ss.fff}-{other.FinishedAt:HH:mm:ss.fff} (embed {node.StartedAt:HH:mm:ss.fff}-{node.FinishedAt:HH:mm:ss.fff})");
                }

                if (round > 0)
                {
                    foreach (var (key, value) in node.Result.Where(r => r.Key.EndsWith("_seconds", StringComparison.Ordinal)))
                    {
                        breakdown[key] = breakdown.GetValueOrDefault(key) + double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                if (round > 0)
                {
                    stage += stageTime;
                    bareText += textTime;
                    bareSorted += sortedTime;
                    bareIds += idsTime;
                    texts += all.Count;
                    chunkCount = chunks.Count;
                }
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine($"{chunkCount} chunks, {texts / Math.Max(1, rounds)} texts per round, {rounds} rounds; load average at end: {LoadAverage()}");
        Console.WriteLine("| loop | texts | seconds | texts/s | stage throughput / this loop's |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| embed stage (DAG node: store read, grains, batcher, ONNX Runtime, store write) | {texts} | {stage.TotalSeconds:0.00} | {texts / stage.TotalSeconds:0} | - |");
        Console.WriteLine($"| bare session, tokenize + run, batch {batchSize} | {texts} | {bareText.TotalSeconds:0.00} | {texts / bareText.TotalSeconds:0} | {bareText / stage:0.00}x |");
        Console.WriteLine($"| bare session, tokenize + run, texts ordered by length as the stage orders them, batch {batchSize} | {texts} | {bareSorted.TotalSeconds:0.00} | {texts / bareSorted.TotalSeconds:0} | {bareSorted / stage:0.00}x |");
        Console.WriteLine($"| bare session, pre-tokenized ids, batch {batchSize} | {texts} | {bareIds.TotalSeconds:0.00} | {texts / bareIds.TotalSeconds:0} | {bareIds / stage:0.00}x |");
        Console.WriteLine();
        Console.WriteLine($"embed node breakdown, {rounds} rounds summed (worker_* are summed over concurrent requests; jit_seconds is the process's JIT time while the texts were embedded): {string.Join(", ", breakdown.Select(b => $"{b.Key} {b.Value:0.00}"))}");
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
