// Starts CodeIngest silos as separate operating-system processes (the src/Silo build output) in cluster
// mode on one PostgreSQL database, each on its own loopback silo, gateway and HTTP ports, configured
// only through environment variables, as a deployment would. Used by the failover test and the
// cluster bench (linked into bench/), so it does not depend on xunit.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CodeIngest.Tests.Cluster;

/// <summary>One silo process and the ports it listens on.</summary>
public sealed class SiloProcess(Process process, int siloPort, int gatewayPort, int httpPort, ConcurrentQueue<string> output)
{
    public Process Process { get; } = process;

    public int SiloPort { get; } = siloPort;

    public int GatewayPort { get; } = gatewayPort;

    public int HttpPort { get; } = httpPort;

    /// <summary>The process's stdout and stderr lines so far.</summary>
    public IReadOnlyCollection<string> Output => output;

    public bool IsAlive => !Process.HasExited;
}

public sealed class SiloProcessCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];
    private readonly Dictionary<string, string> _environment;

    /// <param name="connectionString">The cluster's PostgreSQL database, already migrated.</param>
    /// <param name="environment">Extra configuration for every silo (CodeIngest__… variables).</param>
    public SiloProcessCluster(string connectionString, string clusterId, IReadOnlyDictionary<string, string>? environment = null, string configuration = "")
    {
        ClusterId = clusterId;
        SiloPath = FindSiloPath(configuration);
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CodeIngest__Cluster__ConnectionString"] = connectionString,
            ["CodeIngest__Cluster__ClusterId"] = clusterId,
            ["CodeIngest__Cluster__ServiceId"] = "codeingest",
            ["CodeIngest__Cluster__AdvertisedIPAddress"] = "127.0.0.1",

            // One work directory for all silos, as a shared volume would be: a survivor reads the clones of a dead silo.
            ["CodeIngest__DataDirectory"] = WorkDirectory,

            // Fast failure detection: a killed silo is declared dead within a few seconds instead of about a minute.
            ["CodeIngest__Cluster__Membership__ProbeTimeout"] = "00:00:01",
            ["CodeIngest__Cluster__Membership__NumMissedProbesLimit"] = "2",
            ["CodeIngest__Cluster__Membership__NumVotesForDeathDeclaration"] = "1",
            ["CodeIngest__Cluster__Membership__TableRefreshTimeout"] = "00:00:02",
            ["CodeIngest__Cluster__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
            ["CodeIngest__Dag__ResumeCheckPeriod"] = "00:00:05",
            ["CodeIngest__Reminders__MinimumReminderPeriod"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__CodeIngest"] = "Information",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            _environment[key] = value;
        }
    }

    public string ClusterId { get; }

    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("codeingest-silos-").FullName;

    public string SiloPath { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Starts one more silo process and returns once its HTTP endpoint answers /health (the silo is active).</summary>
    public async Task<SiloProcess> StartSiloAsync(IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var (siloPort, gatewayPort, httpPort) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(SiloPath)!,
        };
        start.ArgumentList.Add(SiloPath);
        foreach (var (key, value) in _environment.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }

        start.Environment["CodeIngest__Cluster__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CodeIngest__Cluster__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, siloPort, gatewayPort, httpPort, output);
        _silos.Add(silo);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"silo process exited with code {process.ExitCode} while starting:\n{string.Join('\n', output.TakeLast(40))}");
            }

            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{httpPort}/health", cancellationToken)).IsSuccessStatusCode)
                {
                    return silo;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"silo process did not become healthy within 90 s:\n{string.Join('\n', output.TakeLast(40))}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The silo process listening on <paramref name="siloPort"/>, if this cluster started it.</summary>
    public SiloProcess? BySiloPort(int siloPort) => _silos.FirstOrDefault(s => s.SiloPort == siloPort);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos.Where(s => s.IsAlive))
        {
            silo.Process.Kill(entireProcessTree: true);
        }

        foreach (var silo in _silos)
        {
            await silo.Process.WaitForExitAsync();
            silo.Process.Dispose();
        }

        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The silo host from its own build output, next to this assembly's configuration (Debug/Release).</summary>
    private static string FindSiloPath(string configuration)
    {
        // AppContext.BaseDirectory is <project>/bin/<configuration>/<tfm>/ for tests and bench alike.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        var config = configuration.Length > 0 ? configuration : tfm.Parent!.Name;
        for (var dir = tfm; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Silo", "bin", config, tfm.Name, "CodeIngest.Silo.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"the silo host is not built (looked for src/Silo/bin/{config}/{tfm.Name}/CodeIngest.Silo.dll above {tfm.FullName}); build Cluster.sln first");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
