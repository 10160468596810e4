// Without --cluster the CLI runs on the data directory's embedded single-silo cluster. The first
// process that needs it hosts the silo in-process (localhost clustering on free ports, SQLite
// for grain state, reminders and the code store) and holds an exclusive lock file; later
// processes on the same data directory find the lock taken and join that silo as clients
// through its gateway port, so two processes never run two clusters over one store.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CodeIngest.Hosting;
using CodeIngest.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeIngest.Client;

public sealed class EmbeddedCluster : IAsyncDisposable
{
    private const string ServiceId = "codeingest";
    private const string ClusterId = "embedded";
    private readonly IHost _host;
    private readonly FileStream? _lock;

    private EmbeddedCluster(IHost host, FileStream? hostLock, bool isHost)
    {
        _host = host;
        _lock = hostLock;
        IsHost = isHost;
        var options = host.Services.GetService<IOptions<IngestionOptions>>()?.Value ?? new IngestionOptions();
        Client = new CodeIngestClient(host.Services.GetRequiredService<IClusterClient>(), options);
    }

    public CodeIngestClient Client { get; }

    /// <summary>True when this process hosts the silo; false when it joined another process's silo as a client.</summary>
    public bool IsHost { get; }

    /// <summary>The process hosting the silo (this one when <see cref="IsHost"/>).</summary>
    public int HostProcessId { get; private set; } = Environment.ProcessId;

    public static async Task<EmbeddedCluster> StartAsync(string dataDirectory, LogLevel logLevel = LogLevel.Warning, Action<IngestionOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var data = Path.GetFullPath(dataDirectory);
        try
        {
            Directory.CreateDirectory(data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot use data directory '{data}': {ex.Message}. Pass --data with a writable directory.", ex);
        }

        var lockPath = Path.Combine(data, "embedded-silo.lock");
        var endpointPath = Path.Combine(data, "embedded-silo.json");
        for (var attempt = 0; ; attempt++)
        {
            var hostLock = TryLock(lockPath);
            if (hostLock is not null)
            {
                return await HostAsync(data, endpointPath, hostLock, logLevel, configure, cancellationToken);
            }

            // Another process hosts the silo: join it, once it has published its gateway port.
            if (File.Exists(endpointPath) && JsonSerializer.Deserialize<Endpoint>(await File.ReadAllTextAsync(endpointPath, cancellationToken)) is { } endpoint)
            {
                var joined = await JoinAsync(endpoint.GatewayPort, logLevel, cancellationToken);
                if (joined is not null)
                {
                    joined.HostProcessId = endpoint.ProcessId;
                    return joined;
                }

                // The host went away while we connected: try to become the host.
                continue;
            }

            if (attempt >= 100)
            {
                throw new InvalidOperationException($"another process holds '{lockPath}' but has not published its silo endpoint; if no codeingest process is running, delete the lock file");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Joins the silo another process hosts on this data directory, or returns null when none is running
    /// (then nothing is started: read-only commands fall back to reading the store in-process).</summary>
    public static async Task<EmbeddedCluster?> JoinRunningAsync(string dataDirectory, LogLevel logLevel = LogLevel.Warning, CancellationToken cancellationToken = default)
    {
        var data = Path.GetFullPath(dataDirectory);
        var endpointPath = Path.Combine(data, "embedded-silo.json");
        if (!File.Exists(endpointPath))
        {
            return null;
        }

        // A published endpoint with a free lock is left behind by a host that died: nobody to join.
        if (TryLock(Path.Combine(data, "embedded-silo.lock")) is { } stale)
        {
            await stale.DisposeAsync();
            return null;
        }

        Endpoint? endpoint;
        try
        {
            endpoint = JsonSerializer.Deserialize<Endpoint>(await File.ReadAllTextAsync(endpointPath, cancellationToken));
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }

        // A host is known to run: give a slow machine longer to connect than a would-be host waits.
        if (endpoint is null || await JoinAsync(endpoint.GatewayPort, logLevel, cancellationToken, TimeSpan.FromSeconds(30)) is not { } joined)
        {
            return null;
        }

        joined.HostProcessId = endpoint.ProcessId;
        return joined;
    }

    private static async Task<EmbeddedCluster> HostAsync(string data, string endpointPath, FileStream hostLock, LogLevel logLevel, Action<IngestionOptions>? configure, CancellationToken cancellationToken)
    {
        var gatewayPort = FreePort();
        var builder = CreateBuilder(logLevel);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort(), gatewayPort, null, ServiceId, ClusterId)
            .AddCodeIngest(data, o =>
            {
                builder.Configuration.GetSection(IngestionOptions.Section).Bind(o);
                configure?.Invoke(o);
            }));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            await File.WriteAllTextAsync(endpointPath, JsonSerializer.Serialize(new Endpoint(gatewayPort, Environment.ProcessId)), cancellationToken);
        }
        catch
        {
            host.Dispose();
            await hostLock.DisposeAsync();
            throw;
        }

        return new EmbeddedCluster(host, hostLock, isHost: true);
    }

    private static async Task<EmbeddedCluster?> JoinAsync(int gatewayPort, LogLevel logLevel, CancellationToken cancellationToken, TimeSpan? connectTimeout = null)
    {
        var builder = CreateBuilder(logLevel);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, ServiceId, ClusterId));
        var host = builder.Build();
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(connectTimeout ?? TimeSpan.FromSeconds(5));
        try
        {
            await host.StartAsync(connect.Token);

            // The gateway's grain manifest can arrive after the connection: wait until the job grain resolves.
            var client = host.Services.GetRequiredService<IClusterClient>();
            while (true)
            {
                try
                {
                    await client.GetGrain<Dag.IIngestionJobGrain>("embedded-probe").GetStatusAsync().WaitAsync(connect.Token);
                    return new EmbeddedCluster(host, null, isHost: false);
                }
                catch (ArgumentException)
                {
                    await Task.Delay(100, connect.Token);
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is OperationCanceledException or OrleansException or TimeoutException)
        {
            host.Dispose();
            return null;
        }
    }

    private static HostApplicationBuilder CreateBuilder(LogLevel logLevel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddFilter("Orleans", logLevel < LogLevel.Warning ? logLevel : LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", logLevel < LogLevel.Warning ? logLevel : LogLevel.Critical);
        return builder;
    }

    private static FileStream? TryLock(string path)
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) that the OS drops when the process dies.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _host.StopAsync(stop.Token);
        }
        finally
        {
            _host.Dispose();
            if (_lock is not null)
            {
                // Unpublish the endpoint before releasing the lock, so no process joins a silo that is gone.
                File.Delete(Path.Combine(Path.GetDirectoryName(_lock.Name)!, "embedded-silo.json"));
                await _lock.DisposeAsync();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Endpoint(int GatewayPort, int ProcessId);
}
