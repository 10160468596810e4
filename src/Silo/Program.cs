// The CodeIngest silo host. Embedded mode: localhost clustering, state in SQLite under
// CodeIngest:DataDirectory (default ./.codeingest); cluster mode (PostgreSQL) when
// CodeIngest:Cluster:ConnectionString is set — see SiloMode.cs. The REST API grows here (issue 4).
using CodeIngest.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo.UseCodeIngestFromConfiguration(builder.Configuration)); // embedded, or cluster mode (SiloMode.cs)

var app = builder.Build();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
app.Run();
