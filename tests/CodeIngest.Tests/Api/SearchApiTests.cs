// GET /api/v1/search on an in-process silo host: a local repository ingested through the API with
// the embed stage, then found by a plain-words question in each mode, with the same hits as
// ISearchGrain (what the CLI and SDK ask) gives for the same query; bad options answer 400.
using System.Net;
using CodeIngest.Search;
using CodeIngest.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CodeIngest.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SearchApiTests
{
    [Fact]
    public async Task Search_finds_the_answering_function_in_every_mode_and_rejects_bad_options()
    {
        var repo = TestRepos.NewDirectory("codeingest-search-api-");
        TestRepos.Write(repo, "net/retry.py", "def retry_with_backoff(action, attempts=5):\n    \"\"\"Call an operation again after failures, waiting longer each time.\"\"\"\n    for attempt in range(attempts):\n        try:\n            return action()\n        except Exception:\n            pass\n");
        TestRepos.Write(repo, "text/slug.js", "/** Turn a title into a lowercase URL fragment with dashes. */\nexport function slugify(title) {\n  return title.toLowerCase().replace(/[^a-z0-9]+/g, \"-\");\n}\n");
        await using var host = new ApiHost(new()
        {
            ["CodeIngest:Api:AllowLocalPaths"] = "true",
            ["CodeIngest:Api:LocalRoots:0"] = Path.GetTempPath(),
            ["CodeIngest:Ingestion:Embed"] = "true",
            ["CodeIngest:Embedding:CacheDirectory"] = Path.Combine(Path.GetTempPath(), "codeingest-test-models"),
            ["CodeIngest:Embedding:IntraOpThreads"] = "2",
        });
        var admin = host.Admin();
        var (status, body) = await Http.PostAsync(admin, Http.Ingest("file://" + repo));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var job = body.GetProperty("job_id").GetString()!;
        var entry = await Http.WaitForHistoryAsync(admin, job, TimeSpan.FromMinutes(3));
        Assert.Equal("complete", entry.GetProperty("status").GetString());

        foreach (var mode in new[] { "hybrid", "vector", "lexical" })
        {
            var result = await Http.GetOkAsync(admin, $"/api/v1/search?q=retry%20a%20failing%20operation&mode={mode}&limit=5");
            Assert.Equal(mode, result.GetProperty("mode").GetString());
            var hit = result.GetProperty("hits").EnumerateArray().First();
            Assert.Equal("net/retry.py", hit.GetProperty("path").GetString());
            Assert.Equal("retry_with_backoff", hit.GetProperty("symbol").GetString());
            Assert.Equal(1, hit.GetProperty("start_line").GetInt32());
            Assert.Contains("retry_with_backoff", hit.GetProperty("snippet").GetString());

            // The REST answer is the search grain's answer.
            var grain = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISearchGrain>(0)
                .SearchAsync("retry a failing operation", new SearchFilter(), 5, HybridSearch.ParseMode(mode), TestContext.Current.CancellationToken);
            var rest = result.GetProperty("hits").EnumerateArray().Select(h => new SearchHit(
                h.GetProperty("repo").GetString()!, h.GetProperty("path").GetString()!, h.GetProperty("start_line").GetInt32(), h.GetProperty("end_line").GetInt32(),
                h.GetProperty("symbol").GetString(), h.GetProperty("score").GetDouble(), h.GetProperty("snippet").GetString()!)).ToList();
            Assert.Equal(grain, rest);
        }

        var filtered = await Http.GetOkAsync(admin, "/api/v1/search?q=retry%20a%20failing%20operation&language=javascript");
        Assert.All(filtered.GetProperty("hits").EnumerateArray(), h => Assert.Equal("text/slug.js", h.GetProperty("path").GetString()));

        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync(admin, "/api/v1/search")).Status);
        var (badMode, problem) = await Http.GetAsync(admin, "/api/v1/search?q=x&mode=fuzzy");
        Assert.Equal(HttpStatusCode.BadRequest, badMode);
        Assert.Contains("hybrid, lexical, vector", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync(admin, "/api/v1/search?q=x&limit=0")).Status);
        host.DeleteData();
    }
}
