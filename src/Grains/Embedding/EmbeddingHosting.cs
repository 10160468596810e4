// Registers the embedding area on a silo: options (CodeIngest:Embedding, CodeIngest:Placement), the
// silo's model runtime, the GPU placement filter and the embed step.
using CodeIngest.Dag;
using CodeIngest.Embedding;
using CodeIngest.Placement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace CodeIngest.Hosting;

public static class EmbeddingHosting
{
    public static ISiloBuilder AddCodeIngestEmbedding(this ISiloBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EmbeddingOptions>().Bind(builder.Configuration.GetSection(EmbeddingOptions.Section)).ValidateOnStart();
        services.AddOptions<GpuPlacementOptions>().Bind(builder.Configuration.GetSection(GpuPlacementOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddingOptions>, EmbeddingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GpuPlacementOptions>, GpuPlacementOptionsValidator>());
        services.TryAddSingleton<EmbeddingService>();
        services.AddSingleton<IDagStep, EmbedStep>();
#pragma warning disable ORLEANSEXP004 // placement filters are experimental in Orleans 10
        services.AddPlacementFilter<GpuPlacementFilterStrategy, GpuPlacementFilterDirector>(ServiceLifetime.Singleton);
#pragma warning restore ORLEANSEXP004
        return builder;
    }
}

internal sealed class EmbeddingOptionsValidator : IValidateOptions<EmbeddingOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbeddingOptions options)
    {
        var problems = new List<string>();
        if (options.ExecutionProvider is not ("cpu" or "cuda"))
        {
            problems.Add($"{EmbeddingOptions.Section}:ExecutionProvider is '{options.ExecutionProvider}'; accepted: cpu, cuda");
        }

        if (options.BatchSize < 1 || options.MaxPendingTexts < 1 || options.Workers < 1 || options.RequestSize < 1 || options.ShardsPerRepo < 1)
        {
            problems.Add($"{EmbeddingOptions.Section}: BatchSize, MaxPendingTexts, Workers, RequestSize and ShardsPerRepo must be at least 1");
        }

        if (!(options.PathWeight is >= 0 and <= 2))
        {
            problems.Add($"{EmbeddingOptions.Section}:PathWeight is {options.PathWeight}; accepted: 0 (path not used in vector rows) to 2");
        }

        if (options.MaxBatchDelay < TimeSpan.Zero)
        {
            problems.Add($"{EmbeddingOptions.Section}:MaxBatchDelay must not be negative");
        }

        if (options.BundlePath is { Length: > 0 } path && !File.Exists(path))
        {
            problems.Add($"{EmbeddingOptions.Section}:BundlePath '{Path.GetFullPath(path)}' does not exist (a model bundle JSON file; see the README)");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

internal sealed class GpuPlacementOptionsValidator : IValidateOptions<GpuPlacementOptions>
{
    public ValidateOptionsResult Validate(string? name, GpuPlacementOptions options) =>
        options.Fallback is GpuFallback.Any or GpuFallback.None
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{GpuPlacementOptions.Section}:Fallback is '{options.Fallback}'; accepted: {GpuFallback.Any}, {GpuFallback.None}");
}
