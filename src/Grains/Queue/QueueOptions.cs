// Tunables of the ingestion queue (options pattern: section "CodeIngest:Queue", environment
// CODEINGEST__Queue__MaxPending …), validated when the host starts.
using Microsoft.Extensions.Options;

namespace CodeIngest.Queue;

public sealed class QueueOptions
{
    public const string Section = "CodeIngest:Queue";

    /// <summary>Jobs that may wait at once; one more is refused (HTTP 429).</summary>
    public int MaxPending { get; set; } = 10;

    /// <summary>Jobs that run at once.</summary>
    public int MaxConcurrent { get; set; } = 2;

    /// <summary>A job that waited longer than this when its turn comes is recorded as skipped with its age.</summary>
    public double TtlHours { get; set; } = 24;

    /// <summary>While true no job starts (maintenance); jobs still queue up to <see cref="MaxPending"/>.</summary>
    public bool Paused { get; set; }

    /// <summary>How often running jobs are checked for completion (and the next ones dispatched).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal TimeSpan Ttl => TimeSpan.FromHours(TtlHours);
}

public sealed class QueueOptionsValidator : IValidateOptions<QueueOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        var problems = new List<string>();
        if (options.MaxPending < 1)
        {
            problems.Add($"{QueueOptions.Section}:MaxPending must be at least 1 (got {options.MaxPending})");
        }

        if (options.MaxConcurrent < 1)
        {
            problems.Add($"{QueueOptions.Section}:MaxConcurrent must be at least 1 (got {options.MaxConcurrent})");
        }

        if (!(options.TtlHours > 0) || double.IsInfinity(options.TtlHours) || options.TtlHours > 24 * 365)
        {
            problems.Add($"{QueueOptions.Section}:TtlHours must be a positive number of hours up to one year (got {options.TtlHours})");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{QueueOptions.Section}:PollInterval must be between 00:00:00.010 and 00:05:00 (got {options.PollInterval})");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
