// The CLI's connection to a PostgreSQL-backed cluster (--cluster): a generic host running the SDK's
// Orleans client (AddCodeIngestClient), with the cluster and service ids of the silos' configuration
// (CodeIngest__Cluster__ClusterId / __ServiceId in the environment, default "codeingest").
using CodeIngest.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CodeIngest.Client;

public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<CodeIngestClient>();
    }

    public CodeIngestClient Client { get; }

    /// <summary>How long <see cref="ConnectAsync"/> waits for a live gateway.</summary>
    public static TimeSpan ConnectTimeout { get; } = TimeSpan.FromSeconds(15);

    /// <summary>Connects to a gateway listed in the cluster's membership table; throws <see cref="InvalidOperationException"/>
    /// naming the cluster when no silo of it is up.</summary>
    public static async Task<ClusterConnection> ConnectAsync(string connectionString, LogLevel logLevel = LogLevel.Warning, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddFilter("Orleans", logLevel < LogLevel.Warning ? logLevel : LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", logLevel < LogLevel.Warning ? logLevel : LogLevel.Critical);
        var cluster = builder.Configuration.GetSection("CodeIngest:Cluster");
        var clusterId = cluster["ClusterId"] ?? "codeingest";
        builder.Services.AddCodeIngestClient(connectionString, o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = cluster["ServiceId"] ?? "codeingest";
            builder.Configuration.GetSection(Ingestion.IngestionOptions.Section).Bind(o.Ingestion);
        });
        var host = builder.Build();

        // The Orleans client waits for a gateway indefinitely; a CLI gives up and says why.
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(connect.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new InvalidOperationException(
                $"no silo of cluster '{clusterId}' is reachable: its membership table lists no live gateway after {ConnectTimeout.TotalSeconds:0} s. Start silos with "
                + "CodeIngest__Cluster__ConnectionString set to this database, or set CodeIngest__Cluster__ClusterId to the silos' cluster id.", ex);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == "42P01")
        {
            host.Dispose();
            throw new InvalidOperationException($"the database has no CodeIngest cluster tables ({ex.MessageText}): run `codeingest migrate --cluster <connection string>` first", ex);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException && PostgresConnection.IsUnavailable(ex))
        {
            host.Dispose();
            throw PostgresConnection.Unavailable(PostgresConnection.Builder(connectionString), ex);
        }
        catch (Exception ex) when (ex is OrleansException or SiloUnavailableException or TimeoutException)
        {
            host.Dispose();
            throw new InvalidOperationException(
                $"no silo of cluster '{clusterId}' is reachable ({ex.Message}). Start silos with CodeIngest__Cluster__ConnectionString set to this database, "
                + "or set CodeIngest__Cluster__ClusterId to the silos' cluster id.", ex);
        }

        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(stop.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
