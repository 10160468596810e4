// GPU placement: grains marked [GpuPlacementFilter] (the embedding grains) activate only on silos
// whose metadata says gpu=true; the built-in strategy of the grain (random, resource-optimized…)
// then picks among those. Every silo publishes its metadata with UseSiloMetadata (gpu=true|false,
// from CodeIngest:Silo:Gpu). When no gpu silo is up, GpuPlacementOptions.Fallback decides: "any"
// (default) places on any silo so a CPU-only cluster still embeds, "none" fails the call with a
// clear error.
using System.Diagnostics.CodeAnalysis;
using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace CodeIngest.Placement;

/// <summary>Silo metadata keys and values CodeIngest publishes.</summary>
public static class SiloMetadataKeys
{
    /// <summary>"true" on silos with a GPU for embedding work, "false" elsewhere.</summary>
    public const string Gpu = "gpu";
}

/// <summary>What GPU placement does when no silo with gpu=true is up (configuration CodeIngest:Placement).</summary>
public sealed class GpuPlacementOptions
{
    public const string Section = "CodeIngest:Placement";

    /// <summary>"any": place on any compatible silo; "none": refuse (the call fails naming the missing gpu silo).</summary>
    public string Fallback { get; set; } = GpuFallback.Any;
}

/// <summary>Accepted values of <see cref="GpuPlacementOptions.Fallback"/>.</summary>
public static class GpuFallback
{
    public const string Any = "any";
    public const string None = "none";
}

/// <summary>Places the grain class only on silos whose metadata says gpu=true (see <see cref="GpuPlacementOptions"/> for the fallback).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
[Experimental("ORLEANSEXP004")]
public sealed class GpuPlacementFilterAttribute(int order = 0) : PlacementFilterAttribute(new GpuPlacementFilterStrategy(order));

/// <summary>The filter's strategy (no parameters beyond its order).</summary>
public sealed class GpuPlacementFilterStrategy(int order) : PlacementFilterStrategy(order)
{
    public GpuPlacementFilterStrategy()
        : this(0)
    {
    }
}

/// <summary>Keeps the silos whose metadata says gpu=true; applies the configured fallback when there are none.</summary>
public sealed class GpuPlacementFilterDirector(ISiloMetadataCache metadata, Microsoft.Extensions.Options.IOptions<GpuPlacementOptions> options) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var candidates = silos as IReadOnlyCollection<SiloAddress> ?? silos.ToList();
        var gpu = candidates.Where(IsGpuSilo).ToList();
        if (gpu.Count > 0)
        {
            return gpu;
        }

        if (string.Equals(options.Value.Fallback, GpuFallback.None, StringComparison.OrdinalIgnoreCase))
        {
            throw new OrleansException(
                $"cannot place {target.GrainIdentity}: no silo with metadata gpu=true is up among {candidates.Count} compatible silo(s), " +
                $"and {GpuPlacementOptions.Section}:Fallback is '{GpuFallback.None}' (set it to '{GpuFallback.Any}' to use CPU silos)");
        }

        return candidates;
    }

    private bool IsGpuSilo(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(SiloMetadataKeys.Gpu, out var value)
        && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
