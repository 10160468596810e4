// The search grain over index shards that stay loaded: a re-ingest's new vectors are found by the very
// next search (the shards notice the new snapshot with a one-row read, no waiting period), removed
// files' vectors are gone, and a shard that is current fetches nothing again. One silo (gpu=true, so
// the embed stage and query embedding run there), two shards per repository, the default model.
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Embedding;
using CodeIngest.Hosting;
using CodeIngest.Ingestion;
using CodeIngest.Search;
using CodeIngest.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Embedding;

public sealed class SearchGrainTests : IAsyncLifetime
{
    private readonly string _data = TestRepos.NewDirectory("codeingest-searchgrain-");
    private readonly string _repo = TestRepos.NewDirectory("codeingest-searchgrain-repo-");
    private InProcessTestCluster _cluster = null!;

    private CodeIngestClient Client => new(_cluster.Client, new IngestionOptions { Embed = true });

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseCodeIngestSiloMetadata(gpu: true);
            silo.AddCodeIngest(_data);
            silo.Services.Configure<EmbeddingOptions>(o =>
            {
                o.CacheDirectory = RetrievalFixture.ModelCache;
                o.IntraOpThreads = 2;
                o.ShardsPerRepo = 2;
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        await _cluster.WaitForLivenessToStabilizeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_reingest_shows_new_vectors_at_the_next_search_and_drops_removed_files()
    {
        var ct = TestContext.Current.CancellationToken;
        Write("billing/invoice.py", "def compute_invoice_total(items):\n    \"\"\"Sum the price of every line item on an invoice.\"\"\"\n    return sum(item.price * item.quantity for item in items)\n");
        Write("legacy/fax.py", "def send_fax_message(number, text):\n    \"\"\"Dial a fax machine and transmit a page of text.\"\"\"\n    modem = open_modem()\n    modem.dial(number)\n    modem.transmit(text)\n");
        await IngestAsync();
        var repo = (await Client.ListReposAsync()).Single().Repo;

        var fax = await Client.SearchCodeAsync("send a fax to a phone number", new SearchFilter(repo), 10, SearchMode.Vector, ct);
        Assert.Equal("legacy/fax.py", fax[0].Path);
        Assert.Equal("send_fax_message", fax[0].Symbol);

        // Re-ingest: the fax module is removed, a forecast module is added.
        File.Delete(Path.Combine(_repo, "legacy", "fax.py"));
        Write("weather/forecast.py", "def forecast_rain_tomorrow(city):\n    \"\"\"Will it rain tomorrow? Look up the weather forecast for a city.\"\"\"\n    return weather_service(city).tomorrow().chance_of_rain > 0.5\n");
        await IngestAsync();

        // No pause: the shards read the repository's new snapshot id on this very search.
        foreach (var mode in new[] { SearchMode.Vector, SearchMode.Hybrid })
        {
            var rain = await Client.SearchCodeAsync("will it rain tomorrow", new SearchFilter(repo), 10, mode, ct);
            Assert.Equal("weather/forecast.py", rain[0].Path);
            Assert.False(string.IsNullOrEmpty(rain[0].Snippet));
            var gone = await Client.SearchCodeAsync("send a fax to a phone number", new SearchFilter(repo), 10, mode, ct);
            Assert.DoesNotContain(gone, h => h.Path == "legacy/fax.py");
        }

        // The shards hold exactly the new snapshot's windows, once, and a refresh with nothing new fetches nothing.
        var stats = new List<IndexShardStats>();
        for (var shard = 0; shard < 2; shard++)
        {
            stats.Add(await _cluster.Client.GetGrain<IIndexShardGrain>(IndexShardGrain.Key(repo, shard)).RefreshAsync(ct));
        }

        Assert.All(stats, s => Assert.Equal(0, s.FetchedVectors));
        Assert.All(stats, s => Assert.Equal(0, s.PendingWindows));
        Assert.Equal(2, stats.Sum(s => s.Chunks));
        Assert.Equal(2, stats.Sum(s => s.Vectors));
    }

    [Fact]
    public async Task An_empty_query_is_refused_with_a_reason()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client.SearchCodeAsync("  ", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("empty", error.Message);
    }

    private void Write(string path, string text)
    {
        var full = Path.Combine(_repo, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private async Task IngestAsync()
    {
        var started = await Client.StartIngestionAsync(_repo);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var view = await Client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: timeout.Token);
        Assert.True(view.Status == JobStatus.Completed, view.Error);
    }
}
