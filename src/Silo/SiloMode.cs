// Chooses the silo's mode from configuration. Cluster mode when CodeIngest:Cluster:ConnectionString is set:
// ADO.NET clustering, grain state, reminders and the code store in that PostgreSQL database (prepared by
// `codeingest migrate`), with configurable cluster id, service id and ports. Otherwise embedded mode:
// localhost clustering and SQLite under CodeIngest:DataDirectory (default ./.codeingest).
// Both modes bind CodeIngest:Dag (DagEngineOptions) and CodeIngest:Reminders (ReminderOptions); cluster
// mode binds CodeIngest:Cluster:Membership (Orleans ClusterMembershipOptions: how fast a dead silo is
// declared dead). Every silo publishes gpu=true|false (CodeIngest:Silo:Gpu) as silo metadata (see AddCodeIngest).
using System.Net;
using CodeIngest.Dag;
using CodeIngest.Hosting;
using CodeIngest.Ingestion;
using Orleans.Configuration;

namespace CodeIngest.Silo;

public static class SiloMode
{
    public const string ClusterSection = "CodeIngest:Cluster";

    public static ISiloBuilder UseCodeIngestFromConfiguration(this ISiloBuilder silo, IConfiguration configuration)
    {
        void ConfigureIngestion(IngestionOptions o) => configuration.GetSection(IngestionOptions.Section).Bind(o);

        silo.Services.AddOptions<DagEngineOptions>().Bind(configuration.GetSection("CodeIngest:Dag"));
        silo.Services.AddOptions<ReminderOptions>().Bind(configuration.GetSection("CodeIngest:Reminders"));
        var cluster = configuration.GetSection(ClusterSection);
        var connectionString = cluster["ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDirectory = configuration["CodeIngest:DataDirectory"] ?? "./.codeingest";
            return silo
                .UseLocalhostClustering(
                    siloPort: cluster.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
                    gatewayPort: cluster.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT),
                    serviceId: "codeingest",
                    clusterId: "embedded")
                .AddCodeIngest(dataDirectory, ConfigureIngestion);
        }

        silo.Services.AddOptions<ClusterMembershipOptions>().Bind(cluster.GetSection("Membership"));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster["ClusterId"] ?? "codeingest";
            o.ServiceId = cluster["ServiceId"] ?? "codeingest";
        });
        var siloPort = cluster.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
        var gatewayPort = cluster.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
        if (cluster["AdvertisedIPAddress"] is { Length: > 0 } advertised)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(advertised), siloPort, gatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(siloPort, gatewayPort, listenOnAnyHostAddress: true);
        }

        return silo
            .UseCodeIngestAdoNetClustering(connectionString)
            .AddCodeIngestCluster(connectionString, ConfigureIngestion, configuration["CodeIngest:DataDirectory"]);
    }
}
