// Embedding throughput: the pipeline embedder (tokenize, pad, ONNX Runtime, pool/copy) and the
// silo's embedding runtime (EmbeddingService: the batcher behind the embedding grains, texts queued
// and gathered into batches) against a bare ONNX Runtime session on the same ONNX file, fed the same
// texts' token ids (tokenized before the clock starts) in the same batches of 32, in the same process.
using System.Diagnostics;
using CodeIngest.Embedding;
using Microsoft.ML.OnnxRuntime;

namespace CodeIngest.Bench;

internal static class EmbedBench
{
    public static async Task<int> RunAsync(int count, int threads)
    {
        const int batchSize = 32;
        const int Rounds = 2;
        var options = new EmbeddingOptions { BatchSize = batchSize, IntraOpThreads = threads };
        var bundle = await DefaultModel.EnsureAsync(options);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; ONNX Runtime threads: {threads}");
        Console.WriteLine($"model: {bundle.Id} ({bundle.OnnxFullPath})");

        foreach (var (name, texts) in new[] { ("code chunks (~128 tokens)", CodeTexts(count)), ("short queries (~10 tokens)", Queries(count)) })
        {
            using var embedder = new OnnxEmbedder(bundle, options);
            await using var service = new EmbeddingService(
                Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { BatchSize = batchSize, IntraOpThreads = threads, CacheDirectory = options.CacheDirectory }),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<EmbeddingService>.Instance);
            var tokenized = texts.Select(t => embedder.Tokenizer.Encode(t, bundle.MaxTokens)).ToList();
            var meanTokens = tokenized.Average(t => t.Length);

            using var bare = OnnxEmbedder.CreateSession(bundle.OnnxFullPath, options);
            var batches = tokenized.Chunk(batchSize).Select(b => BareInputs(b)).ToList();

            // Warm up both. The machine may be shared, so the two loops are interleaved batch by
            // batch (each batch runs through the pipeline, then through the bare session) and the
            // time of each side is summed: both see the same load.
            embedder.Embed(texts.Take(batchSize * 2).ToList());
            RunBare(bare, batches.Take(2).ToList());
            await service.EmbedAsync(texts.Take(batchSize * 2).ToList());
            var pipeline = TimeSpan.Zero;
            var batched = TimeSpan.Zero;
            var raw = TimeSpan.Zero;
            var textBatches = texts.Chunk(batchSize).ToList();
            for (var round = 0; round < Rounds; round++)
            {
                for (var b = 0; b < batches.Count; b++)
                {
                    var clock = Stopwatch.StartNew();
                    embedder.Embed(textBatches[b]);
                    pipeline += clock.Elapsed;
                    clock.Restart();
                    RunBare(bare, [batches[b]]);
                    raw += clock.Elapsed;
                    clock.Restart();
                    await service.EmbedAsync(textBatches[b]);
                    batched += clock.Elapsed;
                }
            }

            var tokenizeClock = Stopwatch.StartNew();
            var tokenCount = texts.Sum(t => embedder.Tokenizer.Encode(t, bundle.MaxTokens).Length);
            var tokenize = tokenizeClock.Elapsed;

            var pipelineRate = Rounds * texts.Count / pipeline.TotalSeconds;
            var rawRate = Rounds * texts.Count / raw.TotalSeconds;
            var batchedRate = Rounds * texts.Count / batched.TotalSeconds;
            Console.WriteLine();
            Console.WriteLine($"texts: {texts.Count} {name}, mean {meanTokens:0.0} tokens, batch {batchSize}");
            Console.WriteLine("| loop | texts | seconds | texts/s | vs bare |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine($"| bare ONNX Runtime session (pre-tokenized ids) | {Rounds * texts.Count} | {raw.TotalSeconds:0.00} | {rawRate:0} | - |");
            Console.WriteLine($"| OnnxEmbedder.Embed (tokenize + pad + run + copy) | {Rounds * texts.Count} | {pipeline.TotalSeconds:0.00} | {pipelineRate:0} | {pipelineRate / rawRate:0.00}x |");
            Console.WriteLine($"| EmbeddingService (silo runtime: queue + batcher + OnnxEmbedder) | {Rounds * texts.Count} | {batched.TotalSeconds:0.00} | {batchedRate:0} | {batchedRate / rawRate:0.00}x |");
            Console.WriteLine($"| (tokenizer alone, one thread) | {texts.Count} | {tokenize.TotalSeconds:0.00} | {texts.Count / tokenize.TotalSeconds:0} | - |");
        }

        return 0;
    }

    internal static (long[] Ids, long[] Mask, long[] Shape) BareInputs(int[][] batch)
    {
        var width = Math.Max(1, batch.Max(t => t.Length));
        var ids = new long[batch.Length * width];
        var mask = new long[batch.Length * width];
        for (var r = 0; r < batch.Length; r++)
        {
            for (var c = 0; c < batch[r].Length; c++)
            {
                ids[(r * width) + c] = batch[r][c];
                mask[(r * width) + c] = 1;
            }
        }

        return (ids, mask, [batch.Length, width]);
    }

    internal static float RunBare(InferenceSession session, List<(long[] Ids, long[] Mask, long[] Shape)> batches)
    {
        var checksum = 0f;
        using var runOptions = new RunOptions();
        foreach (var (ids, mask, shape) in batches)
        {
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var outputs = session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], ["embedding"]);
            checksum += outputs[0].GetTensorDataAsSpan<float>()[0];
        }

        return checksum;
    }

    private static List<string> CodeTexts(int count)
    {
        string[] verbs = ["get", "set", "parse", "load", "save", "find", "merge", "split", "render", "validate"];
        string[] nouns = ["user", "config", "order", "invoice", "token", "session", "repository", "chunk", "symbol", "path"];
        var random = new Random(6);
        return Enumerable.Range(0, count).Select(i =>
        {
            var verb = verbs[random.Next(verbs.Length)];
            var noun = nouns[random.Next(nouns.Length)];
            return $"src/{noun}/{verb}_{noun}.py {verb}_{noun} {verb} {noun} def {verb}_{noun}(self, {noun}_id: int, options: dict | None = None) -> {noun.ToUpperInvariant()[0]}{noun[1..]}:\n" +
                   $"    \"\"\"{char.ToUpperInvariant(verb[0])}{verb[1..]} the {noun} with the given id, using the cache when possible.\"\"\"\n" +
                   $"    if {noun}_id in self._cache:\n        return self._cache[{noun}_id]\n" +
                   $"    result = self._store.{verb}({noun}_id, **(options or {{}}))\n    self._cache[{noun}_id] = result\n" +
                   $"    log.debug(\"{verb} {noun} %s took %d ms\", {noun}_id, elapsed)\n    return result  # {i}";
        }).ToList();
    }

    private static List<string> Queries(int count)
    {
        string[] questions = ["how to parse the config file", "where is the user session stored", "function that merges two orders", "validate invoice totals", "render the symbol tree", "load repository chunks from disk"];
        return Enumerable.Range(0, count).Select(i => $"{questions[i % questions.Length]} {i}").ToList();
    }
}
