// Read endpoints of the graph, quality and summary area (no token, read rate limit, like the other
// reads): the dependency graph in json/dot/mermaid, callers and callees of a symbol, dependencies and
// dependents of a file, a call path, cycles, the quality review, the summary and a snapshot diff.
// The repository is a query parameter because repository ids contain '/'.
using CodeIngest.Graph;
using CodeIngest.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CodeIngest.Silo.Api;

public static class CodeInsightsApi
{
    public static IEndpointRouteBuilder MapCodeInsightsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("code insights").RequireRateLimiting(IngestionApi.ReadPolicy);
        api.MapGet("/graph", GetGraphAsync).WithSummary("File dependency graph of a repository: format=json (default), dot or mermaid.");
        api.MapGet("/graph/callers", (string? repo, string? symbol, ICodeStore store, CancellationToken ct) => CallsAsync(repo, symbol, callers: true, store, ct)).WithSummary("Callers of a symbol.");
        api.MapGet("/graph/callees", (string? repo, string? symbol, ICodeStore store, CancellationToken ct) => CallsAsync(repo, symbol, callers: false, store, ct)).WithSummary("Callees of a symbol.");
        api.MapGet("/graph/dependencies", (string? repo, string? path, string? snapshot, ICodeStore store, CancellationToken ct) => FileLinksAsync(repo, path, snapshot, dependents: false, store, ct)).WithSummary("Imports of a file.");
        api.MapGet("/graph/dependents", (string? repo, string? path, string? snapshot, ICodeStore store, CancellationToken ct) => FileLinksAsync(repo, path, snapshot, dependents: true, store, ct)).WithSummary("Files importing a file.");
        api.MapGet("/graph/path", GetPathAsync).WithSummary("Shortest call path between two symbols.");
        api.MapGet("/graph/cycles", GetCyclesAsync).WithSummary("Import cycles of a repository.");
        api.MapGet("/quality", GetQualityAsync).WithSummary("Quality review: score, breakdown, files, functions, duplicates, findings (secrets masked).");
        api.MapGet("/summary", GetSummaryAsync).WithSummary("Repository summary.");
        api.MapGet("/diff", GetDiffAsync).WithSummary("Compare two snapshots (from, to: latest, previous, snapshot id or commit).");
        return app;
    }

    internal static Task<IResult> GetGraphAsync(string? repo, string? format, string? snapshot, ICodeStore store, CancellationToken cancellationToken) =>
        RunAsync(repo, store, async (insights, info) =>
        {
            if (format is not (null or "json" or "dot" or "mermaid"))
            {
                return BadRequest($"format '{format}' is not supported; use json, dot or mermaid");
            }

            var snap = await insights.FindSnapshotAsync(info, snapshot, cancellationToken);
            var (edges, architecture) = await insights.GraphAsync(snap.SnapshotId, cancellationToken);
            var graph = GraphQueries.FileGraph(edges, architecture);
            return format switch
            {
                "dot" => TypedResults.Text(GraphQueries.ToDot(graph), "text/vnd.graphviz"),
                "mermaid" => TypedResults.Text(GraphQueries.ToMermaid(graph), "text/plain"),
                _ => TypedResults.Json(new { repo = info.Repo, snapshot = snap.SnapshotId, commit = snap.Commit, stats = architecture.Stats, graph.Nodes, graph.Edges, graph.Layers, graph.Cycles, modules = architecture.Modules, entry_points = architecture.EntryPoints, top_symbols = architecture.TopSymbols }, CodeInsights.Json),
            };
        }, cancellationToken);

    internal static Task<IResult> CallsAsync(string? repo, string? symbol, bool callers, ICodeStore store, CancellationToken cancellationToken) =>
        RunAsync(repo, store, async (insights, info) =>
        {
            if (string.IsNullOrWhiteSpace(symbol))
            {
                return BadRequest("query parameter 'symbol' is required: a name, Class.method or a qualified suffix");
            }

            var snap = await insights.FindSnapshotAsync(info, null, cancellationToken);
            var queries = new GraphQueries((await insights.GraphAsync(snap.SnapshotId, cancellationToken)).Edges);
            var links = callers ? queries.Callers(symbol) : queries.Callees(symbol);
            return TypedResults.Json(new Dictionary<string, object> { ["symbol"] = symbol, [callers ? "callers" : "callees"] = links }, CodeInsights.Json);
        }, cancellationToken);

    internal static Task<IResult> FileLinksAsync(string? repo, string? path, string? snapshot, bool dependents, ICodeStore store, CancellationToken cancellationToken) =>
        RunAsync(repo, store, async (insights, info) =>
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                return BadRequest("query parameter 'path' is required: a file path relative to the repository root, with '/' separators");
            }

            var snap = await insights.FindSnapshotAsync(info, snapshot, cancellationToken);
            var queries = new GraphQueries((await insights.GraphAsync(snap.SnapshotId, cancellationToken)).Edges);
            return TypedResults.Json(new Dictionary<string, object> { ["path"] = path, [dependents ? "dependents" : "dependencies"] = dependents ? queries.Dependents(path) : queries.Dependencies(path) }, CodeInsights.Json);
        }, cancellationToken);

    internal static Task<IResult> GetPathAsync(string? repo, string? from, string? to, ICodeStore store, CancellationToken cancellationToken) =>
        RunAsync(repo, store, async (insights, info) =>
        {
            if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
            {
                return BadRequest("query parameters 'from' and 'to' (symbol names) are required");
            }

            var snap = await insights.FindSnapshotAsync(info, null, cancellationToken);
            var path = new GraphQueries((await insights.GraphAsync(snap.SnapshotId, cancellationToken)).Edges).CallPath(from, to);
            return TypedResults.Json(new { from, to, path }, CodeInsights.Json);
        }, cancellationToken);

    internal static Task<IResult> GetCyclesAsync(string? repo, string? snapshot, ICodeStore store, CancellationToken cancellationToken) =>
        RunAsync(repo, store, async (insights, info) =>
        {
            var snap = await insights.FindSnapshotAsync(info, snapshot, cancellationToken);
            return TypedResults.Json(new { cycles = (await insights.GraphAsync(snap.SnapshotId, cancellationToken)).Architecture.Cycles }, CodeInsights.Json);
        }, cancellationToken);

    internal static Task<IResult> GetQualityAsync(string? repo, string? snapshot, ICodeStore store, CancellationToken cancellationToken) =>
        RunAsync(repo, store, async (insights, info) =>
        {
            var snap = await insights.FindSnapshotAsync(info, snapshot, cancellationToken);
            var r = await insights.QualityAsync(snap.SnapshotId, cancellationToken);
            return TypedResults.Json(new { repo = info.Repo, snapshot = snap.SnapshotId, r.Score, r.Breakdown, r.Files, r.Functions, r.Duplicates, r.Findings }, CodeInsights.Json);
        }, cancellationToken);

    internal static Task<IResult> GetSummaryAsync(string? repo, string? snapshot, ICodeStore store, CancellationToken cancellationToken) =>
        RunAsync(repo, store, async (insights, info) =>
            TypedResults.Json(await insights.SummaryAsync(info, await insights.FindSnapshotAsync(info, snapshot, cancellationToken), cancellationToken), CodeInsights.Json), cancellationToken);

    internal static Task<IResult> GetDiffAsync(string? repo, string? from, string? to, ICodeStore store, CancellationToken cancellationToken) =>
        RunAsync(repo, store, async (insights, info) =>
            TypedResults.Json(await insights.DiffAsync(info.Repo, from ?? "previous", to ?? "latest", cancellationToken), CodeInsights.Json), cancellationToken);

    private static async Task<IResult> RunAsync(string? repo, ICodeStore store, Func<CodeInsights, Search.RepoInfo, Task<IResult>> action, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(repo))
        {
            return BadRequest("query parameter 'repo' is required: a repository id as GET /api/v1/ingestion/jobs/history or `codeingest repos` shows it (e.g. github.com/owner/name)");
        }

        try
        {
            var insights = new CodeInsights(store);
            return await action(insights, await insights.FindRepoAsync(repo, cancellationToken));
        }
        catch (InsightNotFoundException ex)
        {
            return IngestionApi.Problem(StatusCodes.Status404NotFound, "Not found", ex.Message);
        }
        catch (StoreUnavailableException ex)
        {
            return IngestionApi.Problem(StatusCodes.Status503ServiceUnavailable, "Store unavailable", ex.Message);
        }
    }

    private static ProblemHttpResult BadRequest(string detail) => IngestionApi.Problem(StatusCodes.Status400BadRequest, "Invalid request", detail);
}
