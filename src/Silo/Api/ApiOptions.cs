// Tunables of the REST API (options pattern: section "CodeIngest:Api", environment
// CODEINGEST__Api__AdminToken …), validated when the host starts.
using Microsoft.Extensions.Options;

namespace CodeIngest.Silo.Api;

public sealed class ApiOptions
{
    public const string Section = "CodeIngest:Api";

    /// <summary>The bearer token the write endpoints require. Unset: they refuse to run and say how to set it.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Whether <c>file://</c> URLs and local paths may be ingested (only under <see cref="LocalRoots"/>).</summary>
    public bool AllowLocalPaths { get; set; }

    /// <summary>Absolute directories local sources must lie under.</summary>
    public List<string> LocalRoots { get; set; } = [];

    /// <summary>Whether URLs may name localhost, private or link-local addresses.</summary>
    public bool AllowInternalHosts { get; set; }

    /// <summary>Write requests (ingest, cancel) per client address per minute.</summary>
    public int WritePermitsPerMinute { get; set; } = 60;

    /// <summary>Read requests per client address per minute.</summary>
    public int ReadPermitsPerMinute { get; set; } = 6000;
}

public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var problems = new List<string>();
        if (options.AllowLocalPaths && options.LocalRoots.Count == 0)
        {
            problems.Add($"{ApiOptions.Section}:AllowLocalPaths is true but {ApiOptions.Section}:LocalRoots lists no directory");
        }

        problems.AddRange(options.LocalRoots.Where(r => !Path.IsPathFullyQualified(r)).Select(r => $"{ApiOptions.Section}:LocalRoots entry '{r}' is not an absolute path"));
        if (options.WritePermitsPerMinute < 1 || options.ReadPermitsPerMinute < 1)
        {
            problems.Add($"{ApiOptions.Section}:WritePermitsPerMinute and ReadPermitsPerMinute must be at least 1");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
