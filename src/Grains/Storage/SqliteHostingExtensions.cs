// Silo registration for the embedded SQLite providers (grain storage and reminders).
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace CodeIngest.Storage;

public static class SqliteHostingExtensions
{
    /// <summary>Adds a named grain storage provider over the SQLite file; grains use it with <c>[PersistentState(stateName, storageName: name)]</c>.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);

        // Orleans' own helper registers a keyed IGrainStorage singleton under the name, which is how
        // [PersistentState(storageName: ...)] resolves it. The serializer is Orleans' configured default.
        builder.Services.AddGrainStorage(name, (services, providerName) =>
            new SqliteGrainStorage(providerName, databasePath, services.GetRequiredService<IGrainStorageSerializer>()));
        return builder;
    }

    /// <summary>Stores reminders in the SQLite file (reminders survive restarts of every silo).</summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);

        builder.AddReminders();
        builder.Services.AddSingleton<IReminderTable>(services =>
            new SqliteReminderTable(databasePath, services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        return builder;
    }
}
