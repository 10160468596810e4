// Service registration of the REST API: options (validated on start), snake_case JSON, problem
// details, per-client rate limits and request size limits.
using System.Text.Json;
using System.Threading.RateLimiting;
using CodeIngest.Queue;
using Microsoft.Extensions.Options;

namespace CodeIngest.Silo.Api;

public static class IngestionApiHosting
{
    /// <summary>Largest request body any endpoint accepts.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddIngestionApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddOptions<QueueOptions>().Bind(builder.Configuration.GetSection(QueueOptions.Section)).ValidateOnStart();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return new ValueTask(TypedResults.Problem(
                    detail: "too many requests from this client; try again in a minute (limits: CodeIngest:Api:WritePermitsPerMinute / ReadPermitsPerMinute)",
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Rate limited").ExecuteAsync(context.HttpContext));
            };
            o.AddPolicy(IngestionApi.WritePolicy, http => PerClient(http, http.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.WritePermitsPerMinute));
            o.AddPolicy(IngestionApi.ReadPolicy, http => PerClient(http, http.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.ReadPermitsPerMinute));
        });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        return builder;
    }

    private static RateLimitPartition<string> PerClient(HttpContext http, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
