// The API's limits and durability through real HTTP: Kestrel on loopback for request-size limits,
// the worker's Offline status, parameter errors, and accepted jobs being store rows before the
// answer (so they keep their places after a restart, and the cap holds under concurrent requests).
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CodeIngest.Silo.Api;
using Microsoft.Data.Sqlite;
using Xunit;

namespace CodeIngest.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ApiLimitsTests
{
    private const string Status = "/api/v1/ingestion/worker/status";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Paused(int maxPending = 10) => new()
    {
        ["CodeIngest:Queue:Paused"] = "true",
        ["CodeIngest:Queue:MaxPending"] = maxPending.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Bodies_over_the_limit_are_413_with_a_detail_on_kestrel_whether_sized_or_chunked()
    {
        await using var host = new ApiHost(Paused());
        host.UseKestrel(0);
        host.StartServer();
        var admin = host.Admin();

        var big = "{\"repo_url\": \"github.com/owner/" + new string('a', (int)IngestionApiHosting.MaxRequestBodyBytes) + "\"}";
        using (var sized = await admin.PostAsync("/summarize", new StringContent(big, Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.StatusCode);
            Assert.Contains($"at most {IngestionApiHosting.MaxRequestBodyBytes} bytes", await DetailAsync(sized));
        }

        using (var chunked = await admin.PostAsync("/summarize", new UnsizedContent(Encoding.UTF8.GetBytes(big)), Ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
            Assert.Contains($"{IngestionApiHosting.MaxRequestBodyBytes} bytes", await DetailAsync(chunked));
        }

        // A body under the limit still works over the same server, and nothing was queued by the refused ones.
        Assert.Equal(0, (await Http.GetOkAsync(admin, Status)).GetProperty("queue_size").GetInt32());
        using (var small = await admin.PostAsync("/summarize", new UnsizedContent("{\"repo_url\": \"github.com/owner/repo\"}"u8.ToArray()), Ct))
        {
            Assert.True(small.StatusCode == HttpStatusCode.OK, await small.Content.ReadAsStringAsync(Ct));
        }

        Assert.Equal(1, (await Http.GetOkAsync(admin, Status)).GetProperty("queue_size").GetInt32());
        host.DeleteData();
    }

    [Fact]
    public async Task A_paused_queue_reports_Offline_and_parameter_errors_are_400_with_a_detail()
    {
        await using var host = new ApiHost(Paused());
        var admin = host.Admin();

        var worker = await Http.GetOkAsync(admin, Status);
        Assert.Equal("Offline", worker.GetProperty("status").GetString());
        Assert.Contains("Paused", worker.GetProperty("detail").GetString());

        foreach (var (url, expected) in new[]
        {
            (Http.Ingest("github.com/owner/repo", "priority=101"), "-100 to 100"),
            (Http.Ingest("github.com/owner/repo", "priority=-101"), "-100 to 100"),
            (Http.Ingest("github.com/owner/repo", "branch=" + new string('b', 201)), "at most 200"),
        })
        {
            var (status, body) = await Http.PostAsync(admin, url);
            Assert.True(status == HttpStatusCode.BadRequest, $"{url}: {(int)status} {body}");
            Assert.Contains(expected, body.GetProperty("detail").GetString());
        }

        var (limitStatus, limitBody) = await Http.GetAsync(admin, "/api/v1/ingestion/jobs/history?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, limitStatus);
        Assert.Contains("1 to 100", limitBody.GetProperty("detail").GetString());

        using var noUrl = await admin.PostAsync("/summarize", Http.Json(new Dictionary<string, string>()), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noUrl.StatusCode);
        Assert.Contains("repo_url", await DetailAsync(noUrl));

        var anonymous = host.CreateClient();
        using var unauthorized = await anonymous.PostAsync("/summarize", Http.Json(new Dictionary<string, string> { ["repo_url"] = "github.com/owner/repo" }), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Contains("Bearer", await DetailAsync(unauthorized));
        Assert.Equal(0, (await Http.GetOkAsync(admin, Status)).GetProperty("queue_size").GetInt32());
        host.DeleteData();
    }

    [Fact]
    public async Task Accepted_jobs_are_store_rows_before_the_answer_the_cap_holds_under_concurrency_and_places_survive_a_restart()
    {
        const int cap = 12;
        string dataDirectory;
        string[] accepted;
        await using (var host = new ApiHost(Paused(cap)))
        {
            dataDirectory = host.DataDirectory;
            var admin = host.Admin();

            // Thirty dispatches at once against a cap of twelve: exactly twelve get in.
            var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Http.PostAsync(admin, Http.Ingest($"github.com/owner/repo-{i}", i % 5 == 0 ? "priority=3" : null))));
            Assert.Equal(cap, answers.Count(a => a.Status == HttpStatusCode.OK));
            Assert.Equal(30 - cap, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests));
            accepted = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Body.GetProperty("job_id").GetString()!).ToArray();

            // Every "dispatched" answer is already a row in the store (read here through another connection).
            Assert.Equal(accepted.Order(StringComparer.Ordinal), (await QueueRowsAsync(dataDirectory)).Order(StringComparer.Ordinal));
        }

        var before = new Dictionary<string, int>();
        await using (var restarted = new ApiHost(Paused(cap), dataDirectory: dataDirectory))
        {
            var admin = restarted.Admin();
            Assert.Equal(cap, (await Http.GetOkAsync(admin, Status)).GetProperty("queue_size").GetInt32());
            foreach (var id in accepted)
            {
                var job = await Http.GetOkAsync(admin, $"/api/v1/ingestion/jobs/{id}");
                Assert.Equal("queued", job.GetProperty("status").GetString());
                before[id] = job.GetProperty("queue_position").GetInt32();
            }

            Assert.Equal(Enumerable.Range(1, cap), before.Values.Order());
            var (full, _) = await Http.PostAsync(admin, Http.Ingest("github.com/owner/one-more"));
            Assert.Equal(HttpStatusCode.TooManyRequests, full);

            // Cancelling the first in line removes its row and moves everyone else up by one.
            var first = before.Single(p => p.Value == 1).Key;
            Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(admin, HttpMethod.Delete, $"/api/v1/ingestion/jobs/{first}")).Status);
            Assert.DoesNotContain(first, await QueueRowsAsync(dataDirectory));
            foreach (var (id, position) in before.Where(p => p.Key != first))
            {
                Assert.Equal(position - 1, (await Http.GetOkAsync(admin, $"/api/v1/ingestion/jobs/{id}")).GetProperty("queue_position").GetInt32());
            }

            restarted.DeleteData();
        }
    }

    private static async Task<List<string>> QueueRowsAsync(string dataDirectory)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "codeingest.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT job_id FROM queue_entries";
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.False(string.IsNullOrEmpty(text), $"{(int)response.StatusCode} without a body");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString() ?? "";
    }

    /// <summary>A body without a length: HttpClient sends it chunked, so only reading it can find it too large.</summary>
    private sealed class UnsizedContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnsizedContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
