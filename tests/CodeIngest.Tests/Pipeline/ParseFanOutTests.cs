// The parse stage spreads its batches over the cluster: on three silos, the parse grains of one
// job are activated on more than one silo, and every file is stored exactly once.
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using CodeIngest.Tests.Cluster;
using Orleans.Runtime;
using Xunit;

namespace CodeIngest.Tests.Pipeline;

public sealed class ParseFanOutTests
{
    [Fact]
    public async Task Parse_batches_of_one_job_run_on_several_silos()
    {
        var data = TestRepos.NewDirectory("codeingest-fanout-");
        const int slots = 12;
        await using var cluster = TestClusters.Build(data, silos: 3, o =>
        {
            o.ParseBatchFiles = 1;
            o.ParseConcurrency = slots;
        });
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        await cluster.WaitForLivenessToStabilizeAsync();
        var root = TestRepos.NewDirectory("codeingest-fanout-repo-");
        for (var i = 0; i < 30; i++)
        {
            TestRepos.Write(root, $"pkg/module_{i:00}.py", $"def function_{i}():\n    return {i}\n");
        }

        var client = new CodeIngestClient(cluster.Client);
        var started = await client.StartIngestionAsync(root);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var view = await client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: timeout.Token);

        Assert.True(view.Status == JobStatus.Completed, view.Error);
        var silos = new HashSet<SiloAddress>();
        for (var slot = 0; slot < slots; slot++)
        {
            var grain = cluster.Client.GetGrain<IFileParseGrain>($"{view.JobId}/{slot}");
            Assert.True(cluster.TryGetGrainContext(grain.GetGrainId(), out var context), $"parse slot {slot} was never activated");
            silos.Add(context!.Address!.SiloAddress!);
        }

        Assert.True(silos.Count >= 2, $"all {slots} parse grains ran on one silo");
        var files = await new SqliteCodeStore(Path.Combine(data, "codeingest.db")).GetFilesAsync(view.JobId, TestContext.Current.CancellationToken);
        Assert.Equal(30, files.Count);
        Assert.Equal(30, files.Select(f => f.Path).Distinct().Count());
        Assert.All(files, f => Assert.Single(f.Definitions));
    }
}
