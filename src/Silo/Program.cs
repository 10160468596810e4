// The CodeIngest silo host. Embedded mode: localhost clustering, state in SQLite under
// CodeIngest:DataDirectory (default ./.codeingest); cluster mode (PostgreSQL) when
// CodeIngest:Cluster:ConnectionString is set (SiloMode.cs). The ingestion REST API runs on the same host.
using CodeIngest.Silo;
using CodeIngest.Silo.Api;

var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo.UseCodeIngestFromConfiguration(builder.Configuration));
builder.AddIngestionApi();

var app = builder.Build();
app.UseRequestBodyLimit();
app.UseRateLimiter();
app.MapIngestionApi();
app.MapSummarizeApi();
app.MapSearchApi();
app.MapCodeInsightsApi();
app.MapWatchApi();
app.MapOpenApi();
app.Run();
