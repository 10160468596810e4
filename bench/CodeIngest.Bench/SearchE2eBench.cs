// End-to-end search latency at N chunks through the real path: a hosted embedded silo's search grain
// (lexical FTS5 BM25 on the silo's SQLite store, the query embedded by the embedding grain, the index
// shard grains' exact top-k and symbol-name matches, RRF fusion, snippets), called through the SDK
// client. Yardsticks in the same run, queries interleaved with the grain calls: a bare FTS5 query on
// the same database (same MATCH string, same BM25 weights, top 10), a bare exact top-10 over the same
// vectors (one float[] matrix, TensorPrimitives.Dot, a heap) and a bare query embedding (OnnxEmbedder,
// same model). Also: shard memory after loading N vectors (forced full GC before and after), and the
// `codeingest search` CLI as a separate process: through the running silo (first and repeated runs)
// against no silo running (the CLI loads the index in-process each run).
//
// Chunks are real code: the corpus's *.py files (sorted by path) cut into 15-line pieces, with the
// first def/class of a piece as its symbol. Vectors are random unit vectors, one per embedding
// window hash (embedding 100k chunks with the CPU model takes hours on this machine); latency of
// exact search does not depend on the values. Queries are real questions, embedded by the real model.
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using CodeIngest.Client;
using CodeIngest.Embedding;
using CodeIngest.Search;
using CodeIngest.Storage;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Bench;

internal static partial class SearchE2eBench
{
    private const int Dimension = ConfiguredModel.DefaultDimension;
    private const int LinesPerChunk = 15;
    private const string Repo = "bench/python-stdlib";
    private const string Snapshot = "bench-snapshot-1";

    private static readonly string[] Questions =
    [
        "parse a url into its components", "read rows from a csv file", "compress data with gzip", "decode base64 text",
        "format a date as a string", "walk a directory tree recursively", "send an email over smtp", "compute an md5 hash of a file",
        "spawn a subprocess and read its output", "parse command line arguments", "escape html special characters", "split a path into directory and file name",
        "sort a list with a key function", "open a zip archive and list its files", "serialize an object to json", "create a temporary directory",
        "match a regular expression at the start of a string", "retry a socket connection", "read a configuration file with sections", "copy a file preserving metadata",
        "start an http server", "log a warning message with a logger", "convert a string to lowercase ascii", "check whether a path is a symbolic link",
        "generate a random integer in a range", "calculate the greatest common divisor", "wrap text to a fixed width", "iterate over lines of a file lazily",
        "pickle an object to bytes", "wait for a thread to finish", "parse an xml document", "quote a string for a shell command",
        "tokenize python source code", "decode bytes with utf-8 and replace errors", "measure elapsed time of a function", "read environment variables",
        "urlopen", "defaultdict", "SequenceMatcher", "TarFile extractall",
    ];

    public static async Task<int> RunAsync(string corpus, IReadOnlyList<int> sizes, int rounds)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average at start: {LoadAverage()}");
        Console.WriteLine($"corpus: {corpus} (*.py cut into {LinesPerChunk}-line chunks); {Questions.Length} queries x {rounds} rounds per size; top 10");
        var chunks = ChunksFrom(corpus, sizes.Max());
        if (chunks.Count < sizes.Max())
        {
            Console.Error.WriteLine($"the corpus gives only {chunks.Count:N0} chunks; asked for {sizes.Max():N0}");
            return 1;
        }

        var options = new EmbeddingOptions { IntraOpThreads = 1 };
        var bundle = await DefaultModel.EnsureAsync(options);
        using var embedder = new OnnxEmbedder(bundle, options);
        var cli = CliPath();
        var rows = new List<string>();
        var memoryRows = new List<string>();
        var cliRows = new List<string>();
        foreach (var size in sizes)
        {
            var data = Directory.CreateTempSubdirectory("codeingest-search-bench-").FullName;
            try
            {
                var database = Path.Combine(data, "codeingest.db");
                var clock = Stopwatch.StartNew();
                var windows = await BuildStoreAsync(database, chunks.Take(size).ToList());
                Console.WriteLine($"{size:N0} chunks: store built in {clock.Elapsed.TotalSeconds:0} s ({windows:N0} vectors)");

                // Memory of one shard holding every vector of the repository.
                var store = new SqliteCodeStore(database);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                var before = GC.GetTotalMemory(forceFullCollection: true);
                var shard = new ShardIndex(Repo, 0, 1);
                var stats = await shard.RefreshAsync(store, ConfiguredModel.DefaultModelId, ConfiguredModel.DefaultMaxTokens, Dimension, CancellationToken.None);
                var after = GC.GetTotalMemory(forceFullCollection: true);
                memoryRows.Add($"| {size:N0} | {stats.Vectors:N0} | {(after - before) / 1048576.0:0.0} | {shard.Index!.MatrixBytes / 1048576.0:0.0} | {(after - before) * 100_000.0 / stats.Vectors / 1048576.0:0.0} |");
                GC.KeepAlive(shard);
                shard = null;

                // The bare yardsticks' inputs: the same vectors as one matrix, the same database.
                var matrix = await BareMatrixAsync(store, chunks.Take(size).ToList());
                await using var fts = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
                await fts.OpenAsync();

                Environment.SetEnvironmentVariable("CodeIngest__Silo__Gpu", "true");
                var grain = new Dictionary<SearchMode, List<double>> { [SearchMode.Lexical] = [], [SearchMode.Vector] = [], [SearchMode.Hybrid] = [] };
                var bareFts = new List<double>();
                var bareTopK = new List<double>();
                var bareEmbed = new List<double>();
                double firstHybrid;
                await using (var cluster = await EmbeddedCluster.StartAsync(data))
                {
                    var client = cluster.Client;
                    clock.Restart();
                    await client.SearchCodeAsync(Questions[0], null, 10, SearchMode.Hybrid);
                    firstHybrid = clock.Elapsed.TotalMilliseconds;
                    foreach (var mode in grain.Keys)
                    {
                        await client.SearchCodeAsync(Questions[1], null, 10, mode);
                    }

                    for (var round = 0; round < rounds; round++)
                    {
                        foreach (var question in Questions)
                        {
                            foreach (var mode in grain.Keys)
                            {
                                clock.Restart();
                                var hits = await client.SearchCodeAsync(question, null, 10, mode);
                                grain[mode].Add(clock.Elapsed.TotalMilliseconds);
                                if (mode != SearchMode.Lexical && hits.Count == 0)
                                {
                                    throw new InvalidOperationException($"{mode} search found nothing for '{question}'");
                                }
                            }

                            clock.Restart();
                            BareFts(fts, question);
                            bareFts.Add(clock.Elapsed.TotalMilliseconds);
                            clock.Restart();
                            var vector = embedder.Embed([question])[0];
                            bareEmbed.Add(clock.Elapsed.TotalMilliseconds);
                            clock.Restart();
                            BareTopK(matrix, vector);
                            bareTopK.Add(clock.Elapsed.TotalMilliseconds);
                        }
                    }

                    // The CLI as a separate process while the silo runs: it joins and asks the search grain.
                    var viaSilo = new List<double>();
                    for (var run = 0; run < 3; run++)
                    {
                        viaSilo.Add(await RunCliAsync(cli, data, Questions[run + 2], throughSilo: true));
                    }

                    cliRows.Add($"| {size:N0} | through the running silo (joins, search grain, shards already loaded) | {string.Join(", ", viaSilo.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} |");
                }

                var inProcess = new List<double>();
                for (var run = 0; run < 2; run++)
                {
                    inProcess.Add(await RunCliAsync(cli, data, Questions[run + 2], throughSilo: false));
                }

                cliRows.Add($"| {size:N0} | no silo running (loads store vectors and the model in-process) | {string.Join(", ", inProcess.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} |");
                rows.Add($"| {size:N0} | first hybrid search after silo start | {firstHybrid:0} | | |");
                foreach (var (mode, times) in grain)
                {
                    rows.Add($"| {size:N0} | search grain, {mode.ToString().ToLowerInvariant()} | {SearchBench.Percentile(times, 0.5):0.0} | {SearchBench.Percentile(times, 0.99):0.0} | {times.Count} |");
                }

                rows.Add($"| {size:N0} | bare FTS5 top-10 (same database, same MATCH) | {SearchBench.Percentile(bareFts, 0.5):0.0} | {SearchBench.Percentile(bareFts, 0.99):0.0} | {bareFts.Count} |");
                rows.Add($"| {size:N0} | bare query embedding (OnnxEmbedder, 1 thread) | {SearchBench.Percentile(bareEmbed, 0.5):0.0} | {SearchBench.Percentile(bareEmbed, 0.99):0.0} | {bareEmbed.Count} |");
                rows.Add($"| {size:N0} | bare exact top-10 (float[] matrix, TensorPrimitives.Dot) | {SearchBench.Percentile(bareTopK, 0.5):0.0} | {SearchBench.Percentile(bareTopK, 0.99):0.0} | {bareTopK.Count} |");
                Console.WriteLine($"{size:N0} chunks done; load average {LoadAverage()}");
                rows.Concat(memoryRows).Concat(cliRows).Where(r => r.StartsWith($"| {size:N0} |", StringComparison.Ordinal)).ToList().ForEach(Console.WriteLine);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(data, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| chunks | path | p50 ms | p99 ms | queries |");
        Console.WriteLine("|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("| chunks | vectors (windows) | shard heap MB (entries + index) | of which matrix MB | MB per 100k vectors |");
        Console.WriteLine("|---|---|---|---|---|");
        memoryRows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("| chunks | `codeingest search --json` as a separate process | wall ms per run, in order |");
        Console.WriteLine("|---|---|---|");
        cliRows.ForEach(Console.WriteLine);
        Console.WriteLine($"load average at end: {LoadAverage()}");
        return 0;
    }

    private static List<CodeChunk> ChunksFrom(string corpus, int wanted)
    {
        var result = new List<CodeChunk>(wanted);
        foreach (var file in Directory.EnumerateFiles(corpus, "*.py", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var path = Path.GetRelativePath(corpus, file).Replace('\\', '/');
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (IOException)
            {
                continue;
            }

            for (var start = 0; start < lines.Length && result.Count < wanted; start += LinesPerChunk)
            {
                var piece = lines.Skip(start).Take(LinesPerChunk).ToArray();
                var text = string.Join('\n', piece);
                if (string.IsNullOrWhiteSpace(text) || text.Contains('\0'))
                {
                    continue;
                }

                var definition = piece.Select(l => Definition().Match(l)).FirstOrDefault(m => m.Success);
                result.Add(new CodeChunk(path, "python", definition?.Groups[2].Value, definition is null ? null : definition.Groups[1].Value == "class" ? "class" : "function", start + 1, start + piece.Length, text));
            }

            if (result.Count >= wanted)
            {
                break;
            }
        }

        return result;
    }

    private static async Task<int> BuildStoreAsync(string database, List<CodeChunk> chunks)
    {
        var store = new SqliteCodeStore(database);
        await store.InitializeAsync();
        await store.BeginSnapshotAsync(new SnapshotInfo(Snapshot, Repo, "file:///bench/python-stdlib", "main", "bench", DateTimeOffset.UtcNow));
        await store.SaveChunksAsync(Snapshot, chunks); // one call: a snapshot's chunks are replaced, not appended

        // Window vectors and the path vectors the index combines them with (EmbeddingOptions.PathWeight).
        var hashes = chunks.SelectMany(c => EmbeddingText.Windows(c, ConfiguredModel.DefaultMaxTokens)).Select(w => w.Hash)
            .Concat(chunks.Select(c => EmbeddingText.PathWindow(c.Path)?.Hash).OfType<string>())
            .Distinct(StringComparer.Ordinal).ToList();
        foreach (var batch in hashes.Chunk(5000))
        {
            await store.SaveEmbeddingsAsync(ConfiguredModel.DefaultModelId, batch.Select(h => new ChunkEmbedding(h, RandomUnitVector(h))).ToList());
        }

        await store.PublishSnapshotAsync(Snapshot, new SnapshotStats(chunks.Select(c => c.Path).Distinct().Count(), 0, chunks.Count(c => c.Symbol is not null), chunks.Count, new() { ["python"] = chunks.Select(c => c.Path).Distinct().Count() }));
        return hashes.Count;
    }

    private static async Task<float[]> BareMatrixAsync(ICodeStore store, List<CodeChunk> chunks)
    {
        var hashes = chunks.SelectMany(c => EmbeddingText.Windows(c, ConfiguredModel.DefaultMaxTokens)).Select(w => w.Hash).ToList();
        var matrix = new float[(long)hashes.Count * Dimension];
        var row = 0;
        foreach (var batch in hashes.Chunk(5000))
        {
            var vectors = (await store.GetEmbeddingsAsync(ConfiguredModel.DefaultModelId, batch)).ToDictionary(e => e.Hash, e => e.Vector, StringComparer.Ordinal);
            foreach (var hash in batch)
            {
                vectors[hash].CopyTo(matrix.AsSpan(row++ * Dimension, Dimension));
            }
        }

        return matrix;
    }

    private static void BareFts(SqliteConnection connection, string query)
    {
        var terms = Regex.Matches(query, "[\\p{L}\\p{N}_]+").Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var match in new[] { string.Join(" AND ", terms.Select(t => $"\"{t}\"")), string.Join(" OR ", terms.Select(t => $"\"{t}\"*")) })
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH $m ORDER BY bm25(chunks_fts, 1.0, 2.0, 6.0, 1.5) LIMIT 10";
            command.Parameters.AddWithValue("$m", match);
            using var reader = command.ExecuteReader();
            var found = 0;
            while (reader.Read())
            {
                found++;
            }

            if (found > 0)
            {
                return;
            }
        }
    }

    private static int BareTopK(float[] matrix, float[] query)
    {
        var heap = new PriorityQueue<int, float>();
        var rows = matrix.Length / Dimension;
        for (var r = 0; r < rows; r++)
        {
            var score = TensorPrimitives.Dot(matrix.AsSpan(r * Dimension, Dimension), query);
            if (heap.Count < 10)
            {
                heap.Enqueue(r, score);
            }
            else if (heap.TryPeek(out _, out var lowest) && score > lowest)
            {
                heap.DequeueEnqueue(r, score);
            }
        }

        return heap.Count;
    }

    private static float[] RandomUnitVector(string hash)
    {
        var random = new Random(StringComparer.Ordinal.GetHashCode(hash));
        var vector = new float[Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            vector[i] = (float)(random.NextDouble() - 0.5);
        }

        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    private static async Task<double> RunCliAsync(string cli, string data, string query, bool throughSilo)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[cli, "--data", data, "search", query, "--json"])
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0 || !(await output).Contains("\"hits\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"codeingest search failed ({process.ExitCode}): {await error}");
        }

        if ((await error).Contains("searched through the embedded silo", StringComparison.Ordinal) != throughSilo)
        {
            throw new InvalidOperationException($"codeingest search was expected to run {(throughSilo ? "through the silo" : "in-process")}: {await error}");
        }

        return elapsed;
    }

    private static string CliPath()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "Client", "bin", configuration, here.Name, "codeingest.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"build the CLI first (dotnet build Cluster.sln -c {configuration}): {path} is missing");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    [GeneratedRegex(@"^\s*(def|class|async def)\s+([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Definition();
}
