// Cluster mode: CodeIngest on PostgreSQL. The code store is PostgresCodeStore; grain state and reminders
// use Orleans' ADO.NET providers (invariant "Npgsql") whose tables and stored queries `codeingest migrate`
// creates (PostgresMigrations). Clustering is the caller's choice — UseCodeIngestAdoNetClustering for
// membership in the same database, as the silo host does.
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Storage;
using CodeIngest.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodeIngest.Hosting;

public static class CodeIngestClusterExtensions
{
    /// <summary>The ADO.NET invariant name of Npgsql, PostgreSQL's provider.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Adds CodeIngest with its code store, grain state and reminders in the PostgreSQL database of <paramref name="connectionString"/>.
    /// <paramref name="workDirectory"/> (default ./.codeingest) holds the silo's clones and scratch files; silos that may take over
    /// each other's jobs must see the same clones, so on several machines it is a shared volume.</summary>
    public static ISiloBuilder AddCodeIngestCluster(this ISiloBuilder builder, string connectionString, Action<IngestionOptions>? configureIngestion = null, string? workDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var normalized = PostgresConnection.Normalize(connectionString);
        var paths = new CodeIngestPaths(Path.GetFullPath(workDirectory ?? "./.codeingest"));
        try
        {
            Directory.CreateDirectory(paths.DataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot use work directory '{paths.DataDirectory}': {ex.Message}. Set CodeIngest:DataDirectory to a writable directory.", ex);
        }

        builder.Services.TryAddSingleton(paths);
        builder.Services.TryAddSingleton<ICodeStore>(_ => new PostgresCodeStore(normalized));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, CodeStoreStartup>();
        builder.AddAdoNetGrainStorage(CodeIngestSiloExtensions.StorageName, o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = normalized;
        });
        builder.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = normalized;
        });
        return builder.AddCodeIngestEngine(configureIngestion);
    }

    /// <summary>Orleans membership in the same PostgreSQL database (ADO.NET clustering, invariant Npgsql).</summary>
    public static ISiloBuilder UseCodeIngestAdoNetClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var normalized = PostgresConnection.Normalize(connectionString);
        return builder.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = normalized;
        });
    }
}
