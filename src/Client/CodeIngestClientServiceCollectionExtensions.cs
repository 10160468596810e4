// One call for another .NET service to use a CodeIngest cluster: an Orleans client that finds the
// cluster's gateways in the PostgreSQL membership table (ADO.NET clustering, invariant Npgsql)
// plus a CodeIngestClient singleton over it. The host starts and stops the connection.
using CodeIngest.Hosting;
using CodeIngest.Ingestion;
using CodeIngest.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace CodeIngest.Client;

/// <summary>Where a client finds the cluster: PostgreSQL connection string and the silos' cluster and service ids.</summary>
public sealed class CodeIngestClientOptions
{
    /// <summary>The cluster's PostgreSQL database (the one `codeingest migrate --cluster` prepared).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The silos' CodeIngest:Cluster:ClusterId (default "codeingest").</summary>
    public string ClusterId { get; set; } = "codeingest";

    /// <summary>The silos' CodeIngest:Cluster:ServiceId (default "codeingest").</summary>
    public string ServiceId { get; set; } = "codeingest";

    /// <summary>How ingestions this client starts are shaped (DAG timeouts, retries, batch sizes).</summary>
    public IngestionOptions Ingestion { get; set; } = new();
}

public static class CodeIngestClientServiceCollectionExtensions
{
    /// <summary>Adds an Orleans client of the CodeIngest cluster whose membership lives in the PostgreSQL database of
    /// <paramref name="connectionString"/>, and a <see cref="CodeIngestClient"/> singleton over it.</summary>
    public static IServiceCollection AddCodeIngestClient(this IServiceCollection services, string connectionString, Action<CodeIngestClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new CodeIngestClientOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("the cluster's PostgreSQL connection string is empty: pass e.g. \"Host=db;Username=codeingest;Password=…;Database=codeingest\"", nameof(connectionString));
        }

        var normalized = PostgresConnection.Normalize(options.ConnectionString);
        services.AddOrleansClient(client => client
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            })
            .UseAdoNetClustering(o =>
            {
                o.Invariant = CodeIngestClusterExtensions.Invariant;
                o.ConnectionString = normalized;
            }));
        services.AddSingleton(sp => new CodeIngestClient(sp.GetRequiredService<IClusterClient>(), options.Ingestion));
        return services;
    }
}
