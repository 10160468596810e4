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

    // How far past the limit an unsized (chunked) body is still read and dropped before the 413 is sent.
    private const long DrainFactor = 16;

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

    /// <summary>
    /// Refuses request bodies over <see cref="MaxRequestBodyBytes"/> with 413 and a problem-details body:
    /// at once when Content-Length says so, otherwise when reading passes the limit (Kestrel's
    /// per-request limit, set here so hosts without Kestrel's global limit enforce it too).
    /// </summary>
    public static WebApplication UseRequestBodyLimit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxRequestBodyBytes)
            {
                // Read and drop a moderately oversized body first, so the client finishes sending and sees the 413.
                if (context.Request.ContentLength <= MaxRequestBodyBytes * DrainFactor
                    && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizedLimit)
                {
                    sizedLimit.MaxRequestBodySize = context.Request.ContentLength;
                    await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                }

                await TooLarge(context, $"the request body is {context.Request.ContentLength} bytes; at most {MaxRequestBodyBytes} bytes are accepted");
                return;
            }

            var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
            var unsized = context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count > 0;
            if (limit is { IsReadOnly: false })
            {
                // An unsized (chunked) body is read here: up to the limit is kept, the rest of a moderately
                // oversized body is read and dropped so the client finishes sending and reads the 413 instead
                // of a reset connection. Past DrainFactor times the limit Kestrel stops reading (413 below).
                limit.MaxRequestBodySize = unsized ? MaxRequestBodyBytes * DrainFactor : MaxRequestBodyBytes;
            }

            try
            {
                if (unsized)
                {
                    var kept = new MemoryStream();
                    var buffer = new byte[16 * 1024];
                    long total = 0;
                    int read;
                    while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                    {
                        if (total + read <= MaxRequestBodyBytes)
                        {
                            kept.Write(buffer, 0, read);
                        }

                        total += read;
                    }

                    if (total > MaxRequestBodyBytes)
                    {
                        await TooLarge(context, $"the request body is {total} bytes; at most {MaxRequestBodyBytes} bytes are accepted");
                        return;
                    }

                    kept.Position = 0;
                    context.Request.Body = kept;
                }

                await next(context);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                await TooLarge(context, $"the request body is larger than the {MaxRequestBodyBytes} bytes accepted");
            }
        });
        return app;
    }

    private static Task TooLarge(HttpContext context, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large").ExecuteAsync(context);

    private static RateLimitPartition<string> PerClient(HttpContext http, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
