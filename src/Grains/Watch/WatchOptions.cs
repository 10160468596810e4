// Tunables of the file watcher (options pattern: appsettings section "CodeIngest:Watch",
// environment CODEINGEST__WATCH__…). Validated when the silo starts.
using Microsoft.Extensions.Options;

namespace CodeIngest.Watch;

public sealed class WatchOptions
{
    public const string Section = "CodeIngest:Watch";

    /// <summary>Directories the silo watches from its start (each is ingested first, then kept fresh).</summary>
    public List<string> Directories { get; set; } = [];

    /// <summary>Only these extensions are watched when set (".py,.go"); empty means every supported language.</summary>
    public List<string> IncludeExtensions { get; set; } = [];

    /// <summary>Extra ignore patterns (gitignore syntax) on top of .gitignore and the default ignored folders.</summary>
    public List<string> IgnorePatterns { get; set; } = [];

    /// <summary>Quiet time after the last file system event before the pending changes run: a burst becomes one batch.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a busy file (size still changing, or not readable yet) may hold its change back before it runs anyway.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>File DAGs (one per batch) running at once per watched directory.</summary>
    public int MaxConcurrentDags { get; set; } = 4;

    /// <summary>Most paths in one file DAG; a larger burst (a branch switch) is split into several.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>Timeout of each node of a file DAG (retries and backoff follow CodeIngest:Ingestion).</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromMinutes(2);
}

internal sealed class WatchOptionsValidator : IValidateOptions<WatchOptions>
{
    public ValidateOptionsResult Validate(string? name, WatchOptions options)
    {
        var errors = new List<string>();
        if (options.Debounce < TimeSpan.Zero || options.Debounce > TimeSpan.FromMinutes(1))
        {
            errors.Add($"CodeIngest:Watch:Debounce is {options.Debounce}; accepted: 00:00:00 to 00:01:00");
        }

        if (options.MaxConcurrentDags is < 1 or > 256)
        {
            errors.Add($"CodeIngest:Watch:MaxConcurrentDags is {options.MaxConcurrentDags}; accepted: 1 to 256");
        }

        if (options.BatchSize is < 1 or > 100_000)
        {
            errors.Add($"CodeIngest:Watch:BatchSize is {options.BatchSize}; accepted: 1 to 100000");
        }

        if (options.NodeTimeout <= TimeSpan.Zero || options.BusyTimeout < TimeSpan.Zero)
        {
            errors.Add("CodeIngest:Watch:NodeTimeout must be positive and BusyTimeout not negative");
        }

        foreach (var directory in options.Directories.Where(d => !Directory.Exists(d)))
        {
            errors.Add($"CodeIngest:Watch:Directories has '{directory}', which is not an existing directory");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
