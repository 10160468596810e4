// The CodeIngest silo host. Embedded mode: localhost clustering, state in SQLite under
// CodeIngest:DataDirectory (default ./.codeingest). The REST API grows here (issue 4).
using CodeIngest.Hosting;
using CodeIngest.Ingestion;

var builder = WebApplication.CreateBuilder(args);
var dataDirectory = builder.Configuration["CodeIngest:DataDirectory"] ?? "./.codeingest";
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(serviceId: "codeingest", clusterId: "embedded")
    .AddCodeIngest(dataDirectory, o => builder.Configuration.GetSection(IngestionOptions.Section).Bind(o)));

var app = builder.Build();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
app.Run();
