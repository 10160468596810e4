// Everything a silo needs to run CodeIngest, in one call: the code store, grain state and
// reminders in SQLite under the data directory, the tree-sitter parser, the DAG engine and
// the ingestion steps.
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Parsing;
using CodeIngest.Placement;
using CodeIngest.Queue;
using CodeIngest.Storage;
using CodeIngest.Watch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace CodeIngest.Hosting;

public static class CodeIngestSiloExtensions
{
    /// <summary>The name of the grain storage provider CodeIngest's grains use.</summary>
    public const string StorageName = "codeingest";

    /// <summary>Configuration key saying whether this silo has a GPU for embedding work (silo metadata gpu=true|false).</summary>
    public const string GpuConfigurationKey = "CodeIngest:Silo:Gpu";

    /// <summary>Adds CodeIngest to a silo whose state lives in the embedded SQLite file under <paramref name="dataDirectory"/>.</summary>
    public static ISiloBuilder AddCodeIngest(this ISiloBuilder builder, string dataDirectory, Action<IngestionOptions>? configureIngestion = null)
    {
        var paths = new CodeIngestPaths(Path.GetFullPath(dataDirectory));
        try
        {
            Directory.CreateDirectory(paths.DataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot use data directory '{paths.DataDirectory}': {ex.Message}. Pass --data with a writable directory.", ex);
        }

        builder.Services.TryAddSingleton(paths);
        builder.Services.TryAddSingleton<ICodeStore>(_ => new SqliteCodeStore(paths.DatabasePath));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, CodeStoreStartup>();
        builder.AddSqliteGrainStorage(StorageName, paths.DatabasePath);
        builder.UseSqliteReminderService(paths.DatabasePath);
        return builder.AddCodeIngestEngine(configureIngestion);
    }

    /// <summary>Adds the DAG engine, the parser and the ingestion steps (storage registered separately).</summary>
    public static ISiloBuilder AddCodeIngestEngine(this ISiloBuilder builder, Action<IngestionOptions>? configureIngestion = null)
    {
        var services = builder.Services;
        services.AddOptions<IngestionOptions>().Configure(o => configureIngestion?.Invoke(o)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>());
        services.AddOptions<DagEngineOptions>();
        services.AddOptions<QueueOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueueOptions>, QueueOptionsValidator>());
        services.TryAddKeyedSingleton<TimeProvider>(IngestionQueueGrain.ClockKey, (sp, _) => sp.GetService<TimeProvider>() ?? TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var ingestion = sp.GetRequiredService<IOptions<IngestionOptions>>().Value;
            return new TreeSitterParser(parseBudget: ingestion.ParseBudget, maxFileBytes: Math.Clamp(ingestion.MaxFileSize, 1, uint.MaxValue), maxTreeNodes: ingestion.MaxTreeNodes,
                batchThreads: ingestion.ParseThreadsPerSilo == 0 ? null : ingestion.ParseThreadsPerSilo);
        });
        services.TryAddSingleton<DagStepRegistry>();
        services.TryAddSingleton<StepToolkitFactory>();
        services.AddSingleton<IDagStep, CloneStep>();
        services.AddSingleton<IDagStep, DiscoverStep>();
        services.AddSingleton<IDagStep, ParseStep>();
        services.AddSingleton<IDagStep, IndexStep>();
        services.AddSingleton<IDagStep, Graph.GraphStep>();
        services.AddSingleton<IDagStep, Quality.QualityStep>();
        services.AddSingleton<IDagStep, Summary.SummarizeStep>();
        services.AddSingleton<IDagStep, Summary.SummarizeModelStep>();
        services.AddOptions<Summary.SummaryOptions>().BindConfiguration(Summary.SummaryOptions.Section);
        services.AddCodeIngestWatch();
        builder.AddCodeIngestEmbedding();
        if (!services.Any(s => s.ServiceType == typeof(CodeIngestSiloMetadataMarker)))
        {
            builder.UseCodeIngestSiloMetadata(string.Equals(builder.Configuration[GpuConfigurationKey], "true", StringComparison.OrdinalIgnoreCase));
        }

        return builder;
    }

    /// <summary>Publishes this silo's metadata (gpu=true|false) to the cluster. Call at most once, before AddCodeIngest; without it, AddCodeIngest reads CodeIngest:Silo:Gpu (default false).</summary>
    public static ISiloBuilder UseCodeIngestSiloMetadata(this ISiloBuilder builder, bool gpu)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(CodeIngestSiloMetadataMarker)))
        {
            throw new InvalidOperationException("UseCodeIngestSiloMetadata was already called for this silo: call it once, before AddCodeIngest");
        }

        builder.Services.AddSingleton(new CodeIngestSiloMetadataMarker(gpu));
        return builder.UseSiloMetadata(new Dictionary<string, string> { [SiloMetadataKeys.Gpu] = gpu ? "true" : "false" });
    }
}

/// <summary>Records that the silo's metadata was set (and whether it says gpu=true).</summary>
public sealed record CodeIngestSiloMetadataMarker(bool Gpu);

/// <summary>Creates the code store's schema before the silo takes requests, and resumes unfinished jobs once it is up.</summary>
internal sealed partial class CodeStoreStartup(ICodeStore store, IGrainFactory grainFactory, ILogger<CodeStoreStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(CodeStoreStartup), ServiceLifecycleStage.RuntimeInitialize, ct => store.InitializeAsync(ct));
        lifecycle.Subscribe(nameof(CodeStoreStartup), ServiceLifecycleStage.Active, ResumeUnfinishedJobsAsync);
    }

    private async Task ResumeUnfinishedJobsAsync(CancellationToken cancellationToken)
    {
        _ = WakeQueueAsync();

        // Reminders resume unfinished jobs too, but only after their period: this makes a restarted
        // embedded silo continue at once.
        try
        {
            var unfinished = (await store.ListJobsAsync(1000, cancellationToken)).Where(j => j.Status is "running" or "pending").ToList();
            foreach (var job in unfinished)
            {
                _ = grainFactory.GetGrain<IIngestionJobGrain>(job.JobId).ResumeAsync();
            }

            if (unfinished.Count > 0)
            {
                Log.Resumed(logger, unfinished.Count);
            }
        }
        catch (Exception ex)
        {
            Log.ResumeFailed(logger, ex.Message);
        }
    }

    private async Task WakeQueueAsync()
    {
        try
        {
            // Activating the queue restarts its dispatch loop when jobs were waiting or running.
            await grainFactory.GetGrain<IIngestionQueueGrain>(IIngestionQueueGrain.DefaultKey).GetWorkerStatusAsync();
        }
        catch (Exception ex)
        {
            Log.ResumeFailed(logger, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Resuming {Count} unfinished job(s)")]
        public static partial void Resumed(ILogger logger, int count);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Could not look for unfinished jobs: {Error}")]
        public static partial void ResumeFailed(ILogger logger, string error);
    }
}
