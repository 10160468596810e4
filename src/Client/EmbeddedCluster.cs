// Without --cluster the CLI hosts a single silo in-process on the data directory
// (localhost clustering on free ports, SQLite for grain state, reminders and the code store).
using System.Net;
using System.Net.Sockets;
using CodeIngest.Hosting;
using CodeIngest.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CodeIngest.Client;

public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedCluster(IHost host)
    {
        _host = host;
        Client = new CodeIngestClient(host.Services.GetRequiredService<IClusterClient>(), host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngestionOptions>>().Value);
    }

    public CodeIngestClient Client { get; }

    public static async Task<EmbeddedCluster> StartAsync(string dataDirectory, LogLevel logLevel = LogLevel.Warning, Action<IngestionOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddFilter("Orleans", logLevel < LogLevel.Warning ? logLevel : LogLevel.Error);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort(), FreePort(), null, "codeingest", "embedded")
            .AddCodeIngest(dataDirectory, configure));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new EmbeddedCluster(host);
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
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
