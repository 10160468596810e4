// GET /api/v1/search: hybrid code search (lexical + vector + symbol names, RRF) over the latest
// snapshots, with the same hit shape as `codeingest search --json`. It asks ISearchGrain, as the CLI
// and the SDK do, so every entry point ranks the same way.
using CodeIngest.Search;
using CodeIngest.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CodeIngest.Silo.Api;

public sealed record SearchResponse(string Mode, IReadOnlyList<SearchHitResponse> Hits);

public sealed record SearchHitResponse(string Repo, string Path, int StartLine, int EndLine, string? Symbol, double Score, string Snippet);

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", SearchAsync).WithTags("search").RequireRateLimiting(IngestionApi.ReadPolicy)
            .WithSummary("Code search: q (required), repo, language, path (glob), mode (hybrid|lexical|vector), limit (1-100, default 10).");
        return app;
    }

    internal static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(
        [FromQuery] string? q,
        [FromQuery] string? repo,
        [FromQuery] string? language,
        [FromQuery] string? path,
        [FromQuery] string? mode,
        [FromQuery] int? limit,
        IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return IngestionApi.Problem(StatusCodes.Status400BadRequest, "Missing query", "q is required: the words or question to search for");
        }

        if (limit is < 1 or > 100)
        {
            return IngestionApi.Problem(StatusCodes.Status400BadRequest, "Invalid limit", "limit is from 1 to 100 (default 10)");
        }

        SearchMode searchMode;
        try
        {
            searchMode = HybridSearch.ParseMode(mode);
            if (path is { Length: > 0 })
            {
                PathGlob.Parse(path);
            }
        }
        catch (ArgumentException ex)
        {
            return IngestionApi.Problem(StatusCodes.Status400BadRequest, "Invalid search option", ex.Message);
        }

        try
        {
            var hits = await grains.GetGrain<ISearchGrain>(0).SearchAsync(q, new SearchFilter(Blank(repo), Blank(language), Blank(path)), limit ?? 10, searchMode, cancellationToken);
            return TypedResults.Ok(new SearchResponse(
                searchMode.ToString().ToLowerInvariant(),
                hits.Select(h => new SearchHitResponse(h.Repo, h.Path, h.StartLine, h.EndLine, h.Symbol, h.Score, h.Snippet)).ToList()));
        }
        catch (StoreUnavailableException ex)
        {
            return IngestionApi.Problem(StatusCodes.Status503ServiceUnavailable, "Store unavailable", ex.Message);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
