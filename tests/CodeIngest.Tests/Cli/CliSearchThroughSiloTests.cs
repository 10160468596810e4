// `codeingest search` while another process hosts the embedded silo on the same data directory: the
// CLI joins that silo and searches through its search grain (the shards stay loaded there); with no
// silo running it searches in-process. Same hits either way.
using System.Text.Json;
using CodeIngest.Client;
using CodeIngest.Tests.Pipeline;
using Xunit;

namespace CodeIngest.Tests.Cli;

public sealed class CliSearchThroughSiloTests
{
    [Fact]
    public async Task Search_joins_a_running_embedded_silo_and_falls_back_to_the_store_without_one()
    {
        var data = TestRepos.NewDirectory("codeingest-cli-silo-");
        var repo = TestRepos.MultiLanguage();
        string viaSilo;
        await using (var cluster = await EmbeddedCluster.StartAsync(data, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.True(cluster.IsHost);
            var job = await cluster.Client.IngestAsync(repo, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Null(job.Error);

            var search = await CliProcess.RunAsync("--data", data, "search", "Circle area", "--json");
            Assert.True(search.Code == 0, search.Err);
            Assert.Contains($"searched through the embedded silo of process {Environment.ProcessId}", search.Err);
            viaSilo = FirstPath(search.Out);
            Assert.Equal("web/shapes.ts", viaSilo);
        }

        var alone = await CliProcess.RunAsync("--data", data, "search", "Circle area", "--json");
        Assert.True(alone.Code == 0, alone.Err);
        Assert.DoesNotContain("searched through", alone.Err);
        Assert.Equal(viaSilo, FirstPath(alone.Out));
    }

    private static string FirstPath(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("hits").EnumerateArray().First().GetProperty("path").GetString()!;
    }
}
