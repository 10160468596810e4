// Guards the write endpoints with the configured bearer token, compared in constant time.
// Without a configured token they refuse to run and say how to set one.
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CodeIngest.Silo.Api;

public sealed class AdminTokenFilter(IOptionsMonitor<ApiOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = options.CurrentValue.AdminToken;
        if (string.IsNullOrWhiteSpace(configured))
        {
            return TypedResults.Problem(
                detail: $"no admin token is configured, so write endpoints are disabled: set {ApiOptions.Section}:AdminToken (environment variable CODEINGEST__Api__AdminToken) to a long random secret and send it as 'Authorization: Bearer <token>'",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Admin token not configured");
        }

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length == Prefix.Length)
        {
            return Unauthorized(context.HttpContext, "missing bearer token: send 'Authorization: Bearer <token>'");
        }

        if (!TokensEqual(header[Prefix.Length..].Trim(), configured))
        {
            return Unauthorized(context.HttpContext, "wrong bearer token");
        }

        return await next(context);
    }

    /// <summary>Constant-time comparison; hashing first makes the time independent of the lengths too.</summary>
    internal static bool TokensEqual(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
    }
}
