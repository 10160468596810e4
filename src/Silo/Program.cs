// The CodeIngest silo host. Embedded mode: localhost clustering, state in SQLite under
// CodeIngest:DataDirectory (default ./.codeingest), the ingestion REST API on the same host.
using CodeIngest.Hosting;
using CodeIngest.Ingestion;
using CodeIngest.Silo.Api;

var builder = WebApplication.CreateBuilder(args);
var config = builder.Configuration;
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(
        siloPort: config.GetValue("CodeIngest:Cluster:SiloPort", 11111),
        gatewayPort: config.GetValue("CodeIngest:Cluster:GatewayPort", 30000),
        serviceId: "codeingest",
        clusterId: "embedded")
    .AddCodeIngest(config["CodeIngest:DataDirectory"] ?? "./.codeingest", o => config.GetSection(IngestionOptions.Section).Bind(o)));
builder.AddIngestionApi();

var app = builder.Build();
app.UseRateLimiter();
app.MapIngestionApi();
app.MapSummarizeApi();
app.MapOpenApi();
app.Run();
