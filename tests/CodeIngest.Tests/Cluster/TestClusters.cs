// In-process Orleans clusters for tests: several silos sharing one data directory (one SQLite
// file for grain state, reminders and the code store), with the real CodeIngest registration.
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Cluster;

public static class TestClusters
{
    public static InProcessTestCluster Build(string dataDirectory, short silos = 2, Action<CodeIngest.Ingestion.IngestionOptions>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((options, silo) =>
        {
            var siloName = options.SiloName;
            silo.AddCodeIngest(dataDirectory, o =>
            {
                o.ParseBatchFiles = 4;
                o.ParseConcurrency = 4;
                o.RetryInitialDelay = TimeSpan.FromMilliseconds(50);
                configure?.Invoke(o);
            });
            silo.Services.AddSingleton<IDagStep>(_ => new WorkStep(siloName));
            silo.Services.AddSingleton<IDagStep, BrokenStep>();
            silo.Services.AddSingleton<IDagStep, PublishStep>();
            silo.Services.AddSingleton<IDagStep, FetchStep>();
            silo.Services.AddSingleton<IDagStep, UntilCancelledStep>();
            silo.Services.Configure<DagEngineOptions>(o => o.ResumeCheckPeriod = TimeSpan.FromSeconds(2));
            silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        return builder.Build();
    }
}

/// <summary>A two-silo cluster shared by the tests of a collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("codeingest-cluster-").FullName;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public CodeIngestClient Client => new(Cluster.Client);

    public async ValueTask InitializeAsync()
    {
        Cluster = TestClusters.Build(DataDirectory);
        await Cluster.DeployAsync();
        await Cluster.WaitForLivenessToStabilizeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "two-silo cluster";
}
