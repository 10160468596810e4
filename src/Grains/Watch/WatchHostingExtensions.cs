// Registers the file watcher in a silo: options (CodeIngest:Watch, validated on start), the file DAG's steps,
// the watch service and its start-up.
using CodeIngest.Dag;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CodeIngest.Watch;

public static class WatchHostingExtensions
{
    public static IServiceCollection AddCodeIngestWatch(this IServiceCollection services)
    {
        services.AddOptions<WatchOptions>().BindConfiguration(WatchOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchOptions>, WatchOptionsValidator>());
        services.AddSingleton<IDagStep, DetectChangesStep>();
        services.AddSingleton<IDagStep, ParseChangesStep>();
        services.AddSingleton<IDagStep, ApplyChangesStep>();
        services.TryAddSingleton<WatchService>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WatchStartup>();
        return services;
    }
}
