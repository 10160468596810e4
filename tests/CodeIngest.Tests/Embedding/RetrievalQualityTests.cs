// Retrieval quality, measured: the fixture repository in retrieval/repo is ingested with the embed
// stage on a 2-silo cluster (Silo_1 gpu=true, so embedding runs there), then every question of
// retrieval/questions.json is searched lexical-only, vector-only and hybrid through the index shard
// grains. A question is answered at rank r when the r-th hit is the chunk holding the expected
// function (its own chunk, or its class's when the class is short enough to be one chunk).
// Reports recall@5, recall@1 and MRR (mean of 1/rank, 0 when not in the top 10); hybrid must beat
// both single rankings on MRR and recall@1 and match the better one on recall@5. The model is the default one (Universal Sentence Encoder
// Lite, fetched on first run into the shared test cache).
using System.Text.Json;
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Embedding;
using CodeIngest.Hosting;
using CodeIngest.Ingestion;
using CodeIngest.Search;
using CodeIngest.Storage;
using CodeIngest.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Embedding;

public sealed class RetrievalFixture : IAsyncLifetime
{
    public static readonly string ModelCache = Path.Combine(Path.GetTempPath(), "codeingest-test-models");

    public string DataDirectory { get; } = TestRepos.NewDirectory("codeingest-retrieval-");

    public string RepoDirectory { get; } = TestRepos.NewDirectory("codeingest-retrieval-repo-");

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public JobView FirstIngest { get; private set; } = null!;

    public SqliteCodeStore Store => new(Path.Combine(DataDirectory, "codeingest.db"));

    public EmbeddingOptions Embedding { get; } = new() { CacheDirectory = ModelCache, IntraOpThreads = 2, ShardsPerRepo = 2 };

    public CodeIngestClient Client => new(Cluster.Client, new IngestionOptions { Embed = true });

    public async ValueTask InitializeAsync()
    {
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "Embedding", "retrieval", "repo"), RepoDirectory);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.UseCodeIngestSiloMetadata(gpu: options.SiloName == "Silo_1");
            silo.AddCodeIngest(DataDirectory);
            silo.Services.Configure<EmbeddingOptions>(o =>
            {
                o.CacheDirectory = Embedding.CacheDirectory;
                o.IntraOpThreads = Embedding.IntraOpThreads;
                o.ShardsPerRepo = Embedding.ShardsPerRepo;
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Cluster.WaitForLivenessToStabilizeAsync();
        FirstIngest = await IngestAsync();
    }

    public Task<JobView> IngestAsync() => IngestAsync(RepoDirectory);

    public async Task<JobView> IngestAsync(string directory)
    {
        var started = await Client.StartIngestionAsync(directory);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var view = await Client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: timeout.Token);
        Assert.True(view.Status == JobStatus.Completed, view.Error);
        return view;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

public sealed class RetrievalQualityTests(RetrievalFixture fixture) : IClassFixture<RetrievalFixture>
{
    private sealed record Question(string Q, string Path, string Symbol);

    private static List<Question> Questions()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Embedding", "retrieval", "questions.json")));
        return document.RootElement.GetProperty("questions").EnumerateArray()
            .Select(q => new Question(q.GetProperty("q").GetString()!, q.GetProperty("path").GetString()!, q.GetProperty("symbol").GetString()!))
            .ToList();
    }

    [Fact]
    public async Task Embed_stage_stores_one_vector_per_window_and_a_reingest_embeds_nothing_again()
    {
        var embed = Assert.Single(fixture.FirstIngest.Nodes, n => n.Id == "embed");
        Assert.Equal(NodeStatus.Completed, embed.Status);
        var windows = int.Parse(embed.Result["embeddings"]);
        Assert.True(windows >= 36, $"only {windows} windows embedded");
        var stored = await fixture.Store.CountEmbeddingsAsync(ConfiguredModel.DefaultModelId, TestContext.Current.CancellationToken);
        Assert.True(stored >= windows, $"{stored} vectors stored for {windows} windows");

        var again = await fixture.IngestAsync();
        var second = Assert.Single(again.Nodes, n => n.Id == "embed");
        Assert.Equal("0", second.Result["embedded"]);
        Assert.Equal(second.Result["embeddings"], second.Result["reused"]);
        Assert.Equal(stored, await fixture.Store.CountEmbeddingsAsync(ConfiguredModel.DefaultModelId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Hybrid_beats_lexical_and_vector_on_mrr_and_recall_at_1_and_keeps_recall_at_5()
    {
        var store = fixture.Store;
        var results = await MeasureAsync(new HybridSearch(store, new ShardVectorSearcher(fixture.Cluster.Client, store, fixture.Embedding)), log: true);
        foreach (var (mode, (recall, top1, mrr)) in results)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"retrieval {mode}: recall@5 {recall:0.000}, recall@1 {top1:0.000}, MRR {mrr:0.000} ({Questions().Count} questions)");
        }

        // Hybrid ranks the answer higher than either ranking alone (MRR, recall@1) and loses no answer
        // from the top 5 that either finds (recall@5 can sit at 1.0 for one of them: not beatable).
        var hybrid = results[SearchMode.Hybrid];
        var lexical = results[SearchMode.Lexical];
        var vector = results[SearchMode.Vector];
        Assert.True(hybrid.Mrr > lexical.Mrr && hybrid.Mrr > vector.Mrr, Describe(results));
        Assert.True(hybrid.Top1 > lexical.Top1 && hybrid.Top1 > vector.Top1, Describe(results));
        Assert.True(hybrid.Recall >= lexical.Recall && hybrid.Recall >= vector.Recall, Describe(results));
        Assert.True(hybrid.Recall > Math.Min(lexical.Recall, vector.Recall) || hybrid.Recall == 1.0, Describe(results));
    }

    [Fact]
    public async Task The_default_path_weight_is_the_best_of_the_sweep_for_vector_and_hybrid()
    {
        // Rows combine each window's vector with its path's: normalize(window + w·path). The same store is
        // searched with in-process indexes built at several weights (the model and vectors are the same).
        var store = fixture.Store;
        var sweep = new Dictionary<float, Dictionary<SearchMode, (double Recall, double Top1, double Mrr)>>();
        foreach (var weight in new[] { 0f, 0.25f, 0.5f, 0.75f, 1f })
        {
            var options = new EmbeddingOptions { CacheDirectory = fixture.Embedding.CacheDirectory, IntraOpThreads = 1, PathWeight = weight };
            using var vectors = new LocalVectorSearcher(store, options);
            sweep[weight] = await MeasureAsync(new HybridSearch(store, vectors), modes: [SearchMode.Vector, SearchMode.Hybrid]);
            TestContext.Current.TestOutputHelper?.WriteLine($"path weight {weight:0.00}: {Describe(sweep[weight])}");
        }

        // The default ranks best by vector alone, and hybrid at it is within one question's worth of the best weight
        // (1/34 of recall@1 moves MRR by up to 0.03; the set is small).
        var chosen = sweep[EmbeddingOptions.DefaultPathWeight];
        foreach (var (weight, results) in sweep)
        {
            Assert.True(chosen[SearchMode.Vector].Mrr >= results[SearchMode.Vector].Mrr, $"vector at w={weight} beats the default: {Describe(results)} vs {Describe(chosen)}");
            Assert.True(chosen[SearchMode.Hybrid].Mrr >= results[SearchMode.Hybrid].Mrr - 0.01, $"hybrid at w={weight} beats the default: {Describe(results)} vs {Describe(chosen)}");
        }
    }

    private async Task<Dictionary<SearchMode, (double Recall, double Top1, double Mrr)>> MeasureAsync(HybridSearch search, SearchMode[]? modes = null, bool log = false)
    {
        var store = fixture.Store;
        var questions = Questions();
        Assert.True(questions.Count >= 30);

        // Only the fixture's repository (another test ingests a copy of it as a second repository).
        var repo = fixture.FirstIngest.Parameters["repo"];

        // Where each answering function is: a hit answers when it is the chunk holding that function
        // (a short class is one chunk with its methods).
        var definitions = new Dictionary<Question, (int Start, int End)>();
        foreach (var question in questions)
        {
            var symbols = await store.FindSymbolsAsync(question.Symbol, repo, null, 50, TestContext.Current.CancellationToken);
            var definition = Assert.Single(symbols, s => s.Path == question.Path && s.Name == question.Symbol);
            definitions[question] = (definition.StartLine, definition.EndLine);
        }

        var results = new Dictionary<SearchMode, (double Recall, double Top1, double Mrr)>();
        foreach (var mode in modes ?? [SearchMode.Lexical, SearchMode.Vector, SearchMode.Hybrid])
        {
            var found = 0;
            var first = 0;
            var reciprocal = 0.0;
            foreach (var question in questions)
            {
                var hits = await search.SearchAsync(question.Q, new SearchFilter(Repo: repo), 10, mode, TestContext.Current.CancellationToken);
                var (start, end) = definitions[question];
                var rank = hits.ToList().FindIndex(h => h.Path == question.Path && h.StartLine <= start && h.EndLine >= end) + 1;
                if (log)
                {
                    TestContext.Current.TestOutputHelper?.WriteLine($"{mode,-7} rank {(rank == 0 ? "-" : rank.ToString()),2}  {question.Q}");
                }

                found += rank is > 0 and <= 5 ? 1 : 0;
                first += rank == 1 ? 1 : 0;
                reciprocal += rank > 0 ? 1.0 / rank : 0;
            }

            results[mode] = ((double)found / questions.Count, (double)first / questions.Count, reciprocal / questions.Count);
        }

        return results;
    }

    [Fact]
    public async Task A_copy_in_another_repository_and_a_renamed_file_embed_no_chunk_again_and_search_finds_the_new_path()
    {
        var ct = TestContext.Current.CancellationToken;
        var fork = TestRepos.NewDirectory("codeingest-retrieval-fork-");
        RetrievalFixture.CopyDirectory(fixture.RepoDirectory, fork);

        // Same files in another repository: every chunk window and path text is already stored.
        var first = await fixture.IngestAsync(fork);
        var repo = first.Parameters["repo"];
        var embed = Assert.Single(first.Nodes, n => n.Id == "embed");
        Assert.Equal("0", embed.Result["embedded"]);
        Assert.Equal("0", embed.Result["paths_embedded"]);
        Assert.Equal(embed.Result["embeddings"], embed.Result["reused"]);
        var vectorsBefore = await fixture.Store.CountEmbeddingsAsync(ConfiguredModel.DefaultModelId, ct);

        // git mv shop/pricing.py billing/price_rules.py: same content, new path.
        Directory.CreateDirectory(Path.Combine(fork, "billing"));
        File.Move(Path.Combine(fork, "shop", "pricing.py"), Path.Combine(fork, "billing", "price_rules.py"));
        var renamed = await fixture.IngestAsync(fork);
        var second = Assert.Single(renamed.Nodes, n => n.Id == "embed");
        Assert.Equal("0", second.Result["embedded"]);
        Assert.Equal(second.Result["embeddings"], second.Result["reused"]);
        Assert.Equal("1", second.Result["paths_embedded"]); // the new path's words, one short text
        Assert.Equal(vectorsBefore + 1, await fixture.Store.CountEmbeddingsAsync(ConfiguredModel.DefaultModelId, ct));

        // Search through the silo's shards finds the function under its new path, in every mode.
        var search = fixture.Cluster.Client.GetGrain<ISearchGrain>(0);
        foreach (var mode in new[] { SearchMode.Vector, SearchMode.Hybrid, SearchMode.Lexical })
        {
            var hits = await search.SearchAsync("add VAT to the net amount", new SearchFilter(Repo: repo), 5, mode, ct);
            Assert.Contains(hits, h => h.Path == "billing/price_rules.py" && h.Symbol == "add_sales_tax");
            Assert.DoesNotContain(hits, h => h.Path == "shop/pricing.py");
        }
    }

    [Fact]
    public async Task Filters_keep_only_the_language_and_paths_asked_for()
    {
        var store = fixture.Store;
        var search = new HybridSearch(store, new ShardVectorSearcher(fixture.Cluster.Client, store, fixture.Embedding));

        var js = await search.SearchAsync("format text for people", new SearchFilter(Language: "javascript"), 10, SearchMode.Hybrid, TestContext.Current.CancellationToken);
        Assert.NotEmpty(js);
        Assert.All(js, h => Assert.EndsWith(".js", h.Path));

        var accounts = await search.SearchAsync("password", new SearchFilter(PathGlob: "shop/acc*.py"), 10, SearchMode.Hybrid, TestContext.Current.CancellationToken);
        Assert.NotEmpty(accounts);
        Assert.All(accounts, h => Assert.Equal("shop/accounts.py", h.Path));
        Assert.All(accounts, h => Assert.False(string.IsNullOrEmpty(h.Snippet)));
    }

    private static string Describe(Dictionary<SearchMode, (double Recall, double Top1, double Mrr)> results) =>
        string.Join("; ", results.Select(r => $"{r.Key}: recall@5 {r.Value.Recall:0.000}, recall@1 {r.Value.Top1:0.000}, MRR {r.Value.Mrr:0.000}"));
}
