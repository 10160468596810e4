// Watch latency: from a file save to the change being searchable, for single-file edits in a large tree,
// side by side with a full ingest and an unchanged re-ingest of the same tree in the same run.
using System.Diagnostics;
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Storage;
using CodeIngest.Watch;

namespace CodeIngest.Bench;

public static class WatchBench
{
    public static async Task<int> RunAsync(string corpus, int edits, int debounceMs)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var tree = Directory.CreateTempSubdirectory("codeingest-watch-tree-").FullName;
        var copied = 0;
        foreach (var file in Directory.EnumerateFiles(corpus, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }))
        {
            var relative = Path.GetRelativePath(corpus, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(s => s is "site-packages" or "__pycache__") || new FileInfo(file).LinkTarget is not null)
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(tree, relative))!);
            File.Copy(file, Path.Combine(tree, relative));
            copied++;
        }

        Console.WriteLine($"corpus: copy of {corpus} ({copied} files, site-packages left out) in {tree}; debounce {debounceMs} ms");
        Environment.SetEnvironmentVariable("CodeIngest__Watch__Debounce", TimeSpan.FromMilliseconds(debounceMs).ToString());
        var data = Directory.CreateTempSubdirectory("codeingest-watch-data-").FullName;
        await using var cluster = await EmbeddedCluster.StartAsync(data);
        var client = cluster.Client;
        var store = new SqliteCodeStore(Path.Combine(data, "codeingest.db"));
        var events = new List<WatchEvent>();
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in client.WatchEventsAsync(stop.Token))
                {
                    lock (events)
                    {
                        events.Add(e);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await Task.Delay(500);

        // Yardstick 1: the full ingest (the watch's catch-up on an empty store).
        var clock = Stopwatch.StartNew();
        var repo = await client.WatchAsync(tree);
        while (!Snapshot(events).Any(e => e.Type == WatchEventTypes.Watching))
        {
            await Task.Delay(20);
        }

        var fullIngest = clock.Elapsed;
        var ingested = Snapshot(events).First(e => e.Type is WatchEventTypes.Ingested or WatchEventTypes.Failed);
        Console.WriteLine($"full ingest: {fullIngest.TotalSeconds:0.00} s ({ingested.Detail ?? ingested.Error})");

        // The edits: append a uniquely named function to a file, poll search until it is found.
        var candidates = Directory.EnumerateFiles(tree, "*.py", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length is > 2_000 and < 20_000).Order(StringComparer.Ordinal).ToList();
        var random = new Random(42);
        var latencies = new List<double>();
        var applied = new List<double>();
        var perNode = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var fullRefreshes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < edits; i++)
        {
            var file = candidates[random.Next(candidates.Count)];
            var name = $"bench_probe_{i}_{Guid.NewGuid():N}"[..28];
            var before = Snapshot(events).Count;
            var savedAt = DateTimeOffset.UtcNow;
            var save = Stopwatch.StartNew();
            await File.AppendAllTextAsync(file, $"\n\ndef {name}():\n    return {i}\n");
            while ((await store.SearchAsync(name, repo, 1)).Count == 0)
            {
                await Task.Delay(1);
                if (save.Elapsed > TimeSpan.FromSeconds(30))
                {
                    Console.WriteLine($"edit {i}: not searchable after 30 s");
                    return 1;
                }
            }

            latencies.Add(save.Elapsed.TotalMilliseconds);
            WatchEvent? done;
            while ((done = Snapshot(events).Skip(before).FirstOrDefault(e => e.Type == WatchEventTypes.Completed)) is null)
            {
                await Task.Delay(1);
            }

            applied.Add(done.LatencyMs);
            if (done.JobId is not null)
            {
                // Where the file DAG's time goes: each node's start-to-finish time, and the path from the save to searchable
                // step by step: save -> DAG started (file event, debounce, busy check, job start), each node and the engine's
                // hand-off between nodes, apply finished -> seen by a search.
                var dag = await client.GetJobAsync(done.JobId);
                void Add(string key, double ms)
                {
                    if (!perNode.TryGetValue(key, out var list))
                    {
                        perNode[key] = list = [];
                    }

                    list.Add(ms);
                }

                foreach (var node in dag.Nodes.Where(n => n.StartedAt is not null && n.FinishedAt is not null))
                {
                    Add("node " + node.Id, (node.FinishedAt!.Value - node.StartedAt!.Value).TotalMilliseconds);

                    // The refresh nodes' own breakdown (load, resolve, architecture, review, combine, save), as they report it.
                    foreach (var (key, value) in node.Result.Where(r => node.Id is "graph" or "quality" or "summarize" && r.Key.EndsWith("_seconds", StringComparison.Ordinal)))
                    {
                        if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                        {
                            Add($"refresh {node.Id} {key[..^"_seconds".Length]}", seconds * 1000);
                        }
                    }

                    if (node.Result.GetValueOrDefault("incremental") == "false")
                    {
                        fullRefreshes[node.Id] = fullRefreshes.GetValueOrDefault(node.Id) + 1;
                    }
                }

                var nodes = dag.Nodes.ToDictionary(n => n.Id);
                if (nodes["detect"].StartedAt is { } detectStart && nodes["apply"].FinishedAt is { } applyDone)
                {
                    Add("path 1 save -> DAG started", (dag.CreatedAt - savedAt).TotalMilliseconds);
                    Add("path 2 DAG started -> detect started", (detectStart - dag.CreatedAt).TotalMilliseconds);
                    Add("path 3 detect", (nodes["detect"].FinishedAt!.Value - detectStart).TotalMilliseconds);
                    Add("path 4 detect -> parse hand-off", (nodes["parse"].StartedAt!.Value - nodes["detect"].FinishedAt!.Value).TotalMilliseconds);
                    Add("path 5 parse", (nodes["parse"].FinishedAt!.Value - nodes["parse"].StartedAt!.Value).TotalMilliseconds);
                    Add("path 6 parse -> apply hand-off", (nodes["apply"].StartedAt!.Value - nodes["parse"].FinishedAt!.Value).TotalMilliseconds);
                    Add("path 7 apply", (applyDone - nodes["apply"].StartedAt!.Value).TotalMilliseconds);
                    Add("path 8 apply finished -> searchable seen", (savedAt + TimeSpan.FromMilliseconds(latencies[^1]) - applyDone).TotalMilliseconds);
                }
            }

            await Task.Delay(50);
        }

        // Yardstick 2: a re-ingest of the same (now unchanged) tree: parse reused, chunks carried over.
        clock.Restart();
        var job = await client.StartIngestionAsync(tree);
        var view = await client.WaitForJobAsync(job.JobId, pollInterval: TimeSpan.FromMilliseconds(20));
        var reIngest = clock.Elapsed;
        var report = IngestionReport.From(view);
        await stop.CancelAsync();
        await reading;

        static double P(List<double> values, double p) => values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Ceiling(p * values.Count) - 1));
        Console.WriteLine($"re-ingest (unchanged tree): {reIngest.TotalSeconds:0.00} s, status {report.Status}, {report.FilesUnchanged} unchanged, chunks carried over {view.Nodes.Single(n => n.Id == "index").Result.GetValueOrDefault("chunks_carried_over")}");
        Console.WriteLine($"save -> searchable over {edits} single-file edits: p50 {P(latencies, 0.5):0.0} ms, p95 {P(latencies, 0.95):0.0} ms, max {latencies.Max():0.0} ms");
        Console.WriteLine($"first file event -> completed (watch event latency, file DAG incl. graph/quality/summary refresh): p50 {P(applied, 0.5):0.0} ms, p95 {P(applied, 0.95):0.0} ms");
        foreach (var (step, times) in perNode.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {step,-42} p50 {P(times, 0.5):0.0} ms, p95 {P(times, 0.95):0.0} ms");
        }

        Console.WriteLine($"refreshes that loaded the whole snapshot (first on the silo): {string.Join(", ", fullRefreshes.Select(f => $"{f.Key} {f.Value}"))}");
        Console.WriteLine($"full ingest / p50 save->searchable: {fullIngest.TotalMilliseconds / P(latencies, 0.5):0}x");
        return view.Status == JobStatus.Completed ? 0 : 1;
    }

    private static List<WatchEvent> Snapshot(List<WatchEvent> events)
    {
        lock (events)
        {
            return [.. events];
        }
    }
}
