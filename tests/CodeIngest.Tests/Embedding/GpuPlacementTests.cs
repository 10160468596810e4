// GPU placement on a 3-silo in-process cluster: Silo_1 says gpu=true, the others gpu=false. Embedding
// grains activate only on Silo_1 while parse grains still spread; without a gpu silo the configured
// fallback decides ("any": CPU silos take them; "none": the call fails naming the missing gpu silo).
using CodeIngest.Embedding;
using CodeIngest.Hosting;
using CodeIngest.Parsing;
using CodeIngest.Placement;
using CodeIngest.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Embedding;

public sealed class GpuPlacementTests
{
    private static async Task<InProcessTestCluster> StartAsync(string? gpuSilo, string fallback)
    {
        var data = TestRepos.NewDirectory("codeingest-gpu-");
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.UseCodeIngestSiloMetadata(gpu: options.SiloName == gpuSilo);
            silo.AddCodeIngest(data);
            silo.Services.Configure<GpuPlacementOptions>(o => o.Fallback = fallback);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        await cluster.WaitForLivenessToStabilizeAsync();
        return cluster;
    }

    private static async Task<HashSet<SiloAddress>> ActivateEmbeddingGrainsAsync(InProcessTestCluster cluster, int count)
    {
        var silos = new HashSet<SiloAddress>();
        for (var i = 0; i < count; i++)
        {
            var grain = cluster.Client.GetGrain<IEmbeddingGrain>(1000 + i);
            var reported = await grain.GetSiloAsync();
            Assert.True(cluster.TryGetGrainContext(grain.GetGrainId(), out var context), $"embedding grain {i} has no activation");
            var silo = context!.Address!.SiloAddress!;
            Assert.Equal(silo.ToString(), reported);
            silos.Add(silo);
        }

        return silos;
    }

    [Fact]
    public async Task Embedding_grains_activate_only_on_the_gpu_silo()
    {
        await using var cluster = await StartAsync("Silo_1", GpuFallback.Any);
        var gpu = cluster.Silos.Single(s => s.Name == "Silo_1").SiloAddress;

        var silos = await ActivateEmbeddingGrainsAsync(cluster, 24);

        Assert.Equal([gpu], silos);

        // Grains without the filter still use every silo (parse grains: random placement).
        var parseSilos = new HashSet<SiloAddress>();
        for (var i = 0; i < 24; i++)
        {
            var parse = cluster.Client.GetGrain<IFileParseGrain>($"placement-{i}");
            await parse.ParseBatchAsync([]);
            Assert.True(cluster.TryGetGrainContext(parse.GetGrainId(), out var context));
            parseSilos.Add(context!.Address!.SiloAddress!);
        }

        Assert.True(parseSilos.Count >= 2, "parse grains all landed on one silo");
    }

    [Fact]
    public async Task Without_a_gpu_silo_fallback_any_uses_the_cpu_silos()
    {
        await using var cluster = await StartAsync(gpuSilo: null, GpuFallback.Any);

        var silos = await ActivateEmbeddingGrainsAsync(cluster, 24);

        Assert.True(silos.Count >= 2, "with fallback 'any' the embedding grains should spread over the CPU silos");
    }

    [Fact]
    public async Task Without_a_gpu_silo_fallback_none_refuses_with_a_clear_error()
    {
        await using var cluster = await StartAsync(gpuSilo: null, GpuFallback.None);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => cluster.Client.GetGrain<IEmbeddingGrain>(7).GetSiloAsync());

        Assert.Contains("gpu=true", error.ToString());
        Assert.Contains("Fallback", error.ToString());
    }
}
