// The graph and quality computations stop when their step's token is cancelled: on real parses of a small repository
// (an import cycle, layers, calls, a duplicated block), every long pass throws OperationCanceledException for a token
// that is already cancelled, a token cancelled while the files stream in stops the review before the next file is read,
// and a graph step cancelled between its analysis and its save stores nothing.
using System.Text;
using CodeIngest.Dag;
using CodeIngest.Graph;
using CodeIngest.Parsing;
using CodeIngest.Quality;
using CodeIngest.Storage;
using CodeIngest.Tests.Storage;
using Xunit;

namespace CodeIngest.Tests.Graph;

public sealed class AnalysisCancellationTests : IDisposable
{
    private const string Snapshot = "cancel-job";
    private readonly TempDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _database.Dispose();

    private static readonly string Duplicated = string.Join("\n", Enumerable.Range(0, 12).Select(i => $"    total = total + value * {i} - helper_{i}(value)")) + "\n";

    private static readonly Dictionary<string, string> Sources = new()
    {
        ["shop/__init__.py"] = "",
        ["shop/orders.py"] = "from shop import pricing\n\n\ndef place_order(items):\n    return pricing.total(items)\n",
        ["shop/pricing.py"] = "from shop import orders\n\n\ndef total(items):\n    return len(items)\n\n\ndef reorder(items):\n    return orders.place_order(items)\n",
        ["shop/cli.py"] = "from shop import orders\n\n\ndef main():\n    orders.place_order([])\n",
        ["shop/dup_a.py"] = "def first(value):\n    total = 0\n" + Duplicated + "    return total\n",
        ["shop/dup_b.py"] = "def second(value):\n    total = 0\n" + Duplicated + "    return total\n",
    };

    // The repository parsed by the real parser and stored, as the parse stage leaves it.
    private async Task<SqliteCodeStore> StoreAsync()
    {
        var store = new SqliteCodeStore(_database.Path);
        await store.InitializeAsync(Ct);
        await store.BeginSnapshotAsync(new SnapshotInfo(Snapshot, "local/cancel", "file:///cancel", null, null, DateTimeOffset.UtcNow), Ct);
        using var parser = new TreeSitterParser();
        var parsed = Sources.Select(s =>
        {
            var bytes = Encoding.UTF8.GetBytes(s.Value);
            return new ParsedFileContent(parser.Parse(s.Key, "python", bytes), bytes);
        }).ToList();
        await store.SaveParsedFilesAsync(Snapshot, parsed, Ct);
        return store;
    }

    private static CancellationToken Cancelled() => new(canceled: true);

    [Fact]
    public async Task Graph_build_and_architecture_stop_on_a_cancelled_token()
    {
        var files = await (await StoreAsync()).GetFilesAsync(Snapshot, Ct);
        var sources = files.Select(GraphSource.From).ToList();

        // Not cancelled, the same inputs carry work for every pass (cycle, layers, ranks, module dependencies).
        var graph = GraphBuilder.Build(files, Ct);
        var report = ArchitectureAnalyzer.Analyze(graph, Ct);
        Assert.Equal(["shop/orders.py -> shop/pricing.py -> shop/orders.py"], report.Cycles.Select(c => c.Name));
        Assert.True(report.Layers.Count >= 2, "the import graph has layers");
        Assert.Contains(graph.Edges, e => e.Kind == EdgeKinds.Call && e.IsResolved);
        Assert.Equal(graph.Edges, GraphBuilder.Build(sources, CancellationToken.None).Edges);

        Assert.Throws<OperationCanceledException>(() => GraphBuilder.Build(files, Cancelled()));
        Assert.Throws<OperationCanceledException>(() => GraphBuilder.Build(sources, Cancelled()));
        Assert.Throws<OperationCanceledException>(() => ArchitectureAnalyzer.Analyze(graph, Cancelled()));
        Assert.Throws<OperationCanceledException>(() => ArchitectureAnalyzer.Analyze(graph, files, Cancelled()));
    }

    [Fact]
    public async Task Quality_review_and_duplicate_detection_stop_on_a_cancelled_token()
    {
        var files = await (await StoreAsync()).GetFilesAsync(Snapshot, Ct);

        // Not cancelled, the same inputs hold a duplicated block and reviewed functions.
        var report = QualityAnalyzer.Analyze(files, Ct);
        Assert.Single(report.Duplicates);
        Assert.NotEmpty(report.Functions);

        Assert.Throws<OperationCanceledException>(() => QualityAnalyzer.Analyze(files, Cancelled()));
        Assert.Throws<OperationCanceledException>(() => DuplicateDetector.Find(files, cancellationToken: Cancelled()));
        var reviews = files.Select(QualityAnalyzer.ReviewFile).ToList();
        Assert.Throws<OperationCanceledException>(() => DuplicateDetector.Find(reviews.Select(r => r.Duplicates).OfType<DuplicateSource>().ToList(), cancellationToken: Cancelled()));
        Assert.Throws<OperationCanceledException>(() => QualityAnalyzer.Combine(reviews, Cancelled()));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => QualityAnalyzer.AnalyzeAsync(files.ToAsyncEnumerable(), cancellationToken: Cancelled()));
    }

    [Fact]
    public async Task A_review_cancelled_while_files_stream_in_reads_no_further_file()
    {
        var files = await (await StoreAsync()).GetFilesAsync(Snapshot, Ct);
        using var cancellation = new CancellationTokenSource();
        var read = 0;

        // The third file's read cancels the review (as a job cancelled mid-stage does); one reviewer keeps the order exact.
        async IAsyncEnumerable<StoredFile> Stream()
        {
            foreach (var file in files)
            {
                await Task.Yield();
                if (++read == 3)
                {
                    await cancellation.CancelAsync();
                }

                yield return file;
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => QualityAnalyzer.AnalyzeAsync(Stream(), parallelism: 1, cancellationToken: cancellation.Token));
        Assert.Equal(3, read);
    }

    [Fact]
    public async Task A_graph_step_cancelled_after_its_analysis_stores_no_graph()
    {
        var store = await StoreAsync();
        using var cancellation = new CancellationTokenSource();

        // The step reports progress once, between the analysis and the save: the job is cancelled right there. The graph step
        // uses no grains, so the toolkit gets none.
        var context = new StepContext(Snapshot, "graph", 1, new Dictionary<string, string>(), new Dictionary<string, Dictionary<string, string>>(),
            new StepToolkit(Role.Coder, store, null!, _database.Directory, Snapshot, "graph"),
            async (_, _) => await cancellation.CancelAsync());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new GraphStep().ExecuteAsync(context, cancellation.Token));
        Assert.Empty(await store.GetGraphEdgesAsync(Snapshot, Ct));
        Assert.Null(await store.GetReportAsync(Snapshot, ReportKinds.Architecture, Ct));

        // The same step, not cancelled, stores both.
        var done = new StepContext(Snapshot, "graph", 2, new Dictionary<string, string>(), new Dictionary<string, Dictionary<string, string>>(),
            new StepToolkit(Role.Coder, store, null!, _database.Directory, Snapshot, "graph"), (_, _) => Task.CompletedTask);
        var result = await new GraphStep().ExecuteAsync(done, Ct);
        Assert.Equal("1", result["cycles"]);
        Assert.NotEmpty(await store.GetGraphEdgesAsync(Snapshot, Ct));
        Assert.NotNull(await store.GetReportAsync(Snapshot, ReportKinds.Architecture, Ct));
    }
}
