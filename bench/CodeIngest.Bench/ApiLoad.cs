// Open-loop HTTP load generator for the REST API: requests are sent on a fixed schedule
// (so a slow response does not delay the next request) and each latency is measured from the
// request's scheduled start, which keeps queueing delay in the numbers (no coordinated omission).
using System.Diagnostics;
using System.Net.Http.Headers;

namespace CodeIngest.Bench;

public static class ApiLoad
{
    public sealed record Result(string Name, int Rate, int Sent, int Ok, int Failed, double P50, double P90, double P99, double Max);

    public static async Task<Result> RunAsync(HttpClient http, string name, int rate, TimeSpan duration, Func<int, HttpRequestMessage> request, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var ok = 0;
        var failed = 0;
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var scheduled = interval * i;
            var wait = scheduled - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                using var message = request(index);
                try
                {
                    using var response = await http.SendAsync(message);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == expected)
                    {
                        Interlocked.Increment(ref ok);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }

                latencies[index] = (clock.Elapsed - scheduled).TotalMilliseconds;
            }));
        }

        await Task.WhenAll(inFlight);
        Array.Sort(latencies);
        double At(double q) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
        return new Result(name, rate, total, ok, failed, At(0.50), At(0.90), At(0.99), latencies[^1]);
    }

    /// <summary>Dispatch (POST ingest) and status (GET job) latency at several rates against a running silo.</summary>
    public static async Task<int> RunAllAsync(string baseUrl, string token, int[] rates, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };

        HttpRequestMessage Dispatch(int i)
        {
            var message = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ingestion/ingest/github.com/bench-owner/repo-{i}");
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return message;
        }

        // Warm up (JIT, connections, grain activations), then take a job id for status requests.
        using (var first = await http.SendAsync(Dispatch(-1)))
        {
            first.EnsureSuccessStatusCode();
        }

        for (var i = 0; i < 200; i++)
        {
            using var warm = await http.SendAsync(Dispatch(-2 - i));
        }

        using var probe = await http.SendAsync(Dispatch(-1000));
        var jobId = System.Text.Json.JsonDocument.Parse(await probe.Content.ReadAsStringAsync()).RootElement.GetProperty("job_id").GetString();

        Console.WriteLine("| request | rate (req/s) | sent | ok | failed | p50 ms | p90 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var offset = 0;
        foreach (var rate in rates)
        {
            var start = offset;
            var dispatch = await RunAsync(http, "dispatch POST /api/v1/ingestion/ingest/…", rate, duration, i => Dispatch(start + i));
            offset += dispatch.Sent;
            Print(dispatch);
            var status = await RunAsync(http, "status GET /api/v1/ingestion/jobs/{id}", rate, duration, _ => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/ingestion/jobs/{jobId}"));
            Print(status);

            // Yardstick in the same run: the same HTTP path (Kestrel, routing, rate limiter, JSON problem
            // body) without any grain call or store access, so what the machine's load alone costs shows.
            var floor = await RunAsync(http, "floor GET /api/v1/ingestion/jobs/{malformed id} (404, no grain, no store)", rate, duration, _ => new HttpRequestMessage(HttpMethod.Get, "/api/v1/ingestion/jobs/-malformed-"), System.Net.HttpStatusCode.NotFound);
            Print(floor);
        }

        return 0;
    }

    private static void Print(Result r) =>
        Console.WriteLine($"| {r.Name} | {r.Rate} | {r.Sent} | {r.Ok} | {r.Failed} | {r.P50:0.0} | {r.P90:0.0} | {r.P99:0.0} | {r.Max:0.0} |");
}
