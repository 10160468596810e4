// Vector search latency and memory: exact top-10 over N chunk vectors (512 dimensions, the default
// model's) in a VectorIndex (TensorPrimitives.Dot, SIMD) against a scalar loop over the same matrix
// with the same top-k heap, in the same run, queries interleaved. Vectors are random unit vectors
// (latency of exact search does not depend on their values). Memory: managed heap growth after
// building the index for N vectors (forced full GC before and after), and the whole of what a shard
// holds (entries, its vector cache for incremental refresh, the index), next to the raw float bytes.
using System.Diagnostics;
using CodeIngest.Search;

namespace CodeIngest.Bench;

internal static class SearchBench
{
    private const int Dimension = 512;
    private const int K = 10;

    public static int Run(IReadOnlyList<int> sizes, int queries)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {Dimension} dimensions, top-{K}, {queries} queries per size");
        Console.WriteLine("| chunks | index p50 ms | index p99 ms | scalar loop p50 ms | scalar loop p99 ms | speed-up (p50) | index matrix MB | shard total MB | raw vectors MB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var start = GC.GetTotalMemory(forceFullCollection: true);
            var random = new Random(size);
            var entries = new List<IndexEntry>(size);
            var vectors = new Dictionary<string, float[]>(size);
            for (var i = 0; i < size; i++)
            {
                var hash = i.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
                entries.Add(new IndexEntry("bench/repo", i, $"src/file_{i % 997}.py", "python", $"symbol_{i}", 1, 20, [hash], ["symbol"], ["file"]));
                vectors[hash] = UnitVector(random);
            }

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var index = VectorIndex.Build(entries, vectors, Dimension);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(entries);
            GC.KeepAlive(vectors);

            // The yardstick reads the same normalised rows the index built.
            var matrix = vectors.OrderBy(v => v.Key, StringComparer.Ordinal).SelectMany(v => Normalised(v.Value)).ToArray();
            var queryVectors = Enumerable.Range(0, queries).Select(_ => UnitVector(random)).ToList();
            index.Search(queryVectors[0], K);
            ScalarTopK(matrix, queryVectors[0]);

            var indexTimes = new List<double>();
            var scalarTimes = new List<double>();
            foreach (var query in queryVectors)
            {
                var clock = Stopwatch.StartNew();
                var top = index.Search(query, K);
                indexTimes.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                var best = ScalarTopK(matrix, query);
                scalarTimes.Add(clock.Elapsed.TotalMilliseconds);
                if (top[0].Entry.ChunkId != best)
                {
                    throw new InvalidOperationException($"index and scalar loop disagree on the best chunk ({top[0].Entry.ChunkId} vs {best})");
                }
            }

            var p50 = Percentile(indexTimes, 0.5);
            var scalarP50 = Percentile(scalarTimes, 0.5);
            Console.WriteLine($"| {size:N0} | {p50:0.00} | {Percentile(indexTimes, 0.99):0.00} | {scalarP50:0.00} | {Percentile(scalarTimes, 0.99):0.00} | {scalarP50 / p50:0.0}x | {(after - before) / 1048576.0:0.0} | {(after - start) / 1048576.0:0.0} | {(double)size * Dimension * 4 / 1048576:0.0} |");
            GC.KeepAlive(index);
        }

        return 0;
    }

    private static long ScalarTopK(float[] matrix, float[] query)
    {
        var heap = new PriorityQueue<int, float>();
        var rows = matrix.Length / Dimension;
        for (var r = 0; r < rows; r++)
        {
            var sum = 0f;
            var offset = r * Dimension;
            for (var d = 0; d < Dimension; d++)
            {
                sum += matrix[offset + d] * query[d];
            }

            if (heap.Count < K)
            {
                heap.Enqueue(r, sum);
            }
            else if (heap.TryPeek(out _, out var lowest) && sum > lowest)
            {
                heap.DequeueEnqueue(r, sum);
            }
        }

        var best = -1;
        while (heap.TryDequeue(out var r, out _))
        {
            best = r;
        }

        return best;
    }

    private static float[] UnitVector(Random random) => Normalised(Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());

    private static float[] Normalised(float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return vector.Select(v => v / norm).ToArray();
    }

    internal static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
