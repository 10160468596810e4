// Tunables of the ingestion pipeline (options pattern: appsettings section "CodeIngest:Ingestion",
// environment CODEINGEST__INGESTION__…).
using CodeIngest.Dag;

namespace CodeIngest.Ingestion;

public sealed class IngestionOptions
{
    public const string Section = "CodeIngest:Ingestion";

    /// <summary>Files larger than this are skipped (recorded with the reason).</summary>
    public long MaxFileSize { get; set; } = 1_048_576;

    /// <summary>Time one file may take to parse; a file over it is stored as failed ("parsing took longer than the budget").</summary>
    public TimeSpan ParseBudget { get; set; } = Parsing.TreeSitterParser.DefaultParseBudget;

    /// <summary>Most syntax-tree nodes of one file (bounds parser memory); a larger tree is stored as failed with that reason.</summary>
    public int MaxTreeNodes { get; set; } = Parsing.TreeSitterParser.DefaultMaxTreeNodes;

    /// <summary>Only these extensions are ingested when set (e.g. ".py,.go"); empty means every supported language.</summary>
    public List<string> IncludeExtensions { get; set; } = [];

    /// <summary>Extra ignore patterns (gitignore syntax) on top of .gitignore and the default ignored folders.</summary>
    public List<string> IgnorePatterns { get; set; } = [];

    /// <summary>Files per parse batch sent to one parse grain.</summary>
    public int ParseBatchFiles { get; set; } = 64;

    /// <summary>Bytes per parse batch (a batch closes at whichever limit comes first).</summary>
    public int ParseBatchBytes { get; set; } = 1_048_576;

    /// <summary>Parse batches in flight at once (spread over the cluster's silos).</summary>
    public int ParseConcurrency { get; set; } = 8;

    /// <summary>Parse batches one silo parses at once (one thread each); 0 means one per processor. Batches over it wait their turn.</summary>
    public int ParseThreadsPerSilo { get; set; }

    public TimeSpan CloneTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan DiscoverTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan ParseTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan IndexTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Whether the DAG ends with the <c>embed</c> stage (vectors for semantic search; off by default, see EmbeddingOptions).</summary>
    public bool Embed { get; set; }

    public TimeSpan EmbedTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Timeout of each analysis node: graph, quality, summarize, summarize-model.</summary>
    public TimeSpan AnalysisTimeout { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Retry policy of every stage (exponential backoff with jitter).</summary>
    public int MaxAttempts { get; set; } = 3;

    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    public double RetryMultiplier { get; set; } = 2;

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    internal RetryPolicy Retry => new(MaxAttempts, RetryInitialDelay, RetryMultiplier, RetryMaxDelay, 0.2);
}

/// <summary>Rejects ingestion settings that cannot work, at silo start, with the key and what is accepted.</summary>
public sealed class IngestionOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<IngestionOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, IngestionOptions options) =>
        options.ParseThreadsPerSilo < 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"{IngestionOptions.Section}:ParseThreadsPerSilo must be 0 (one per processor) or a positive number of threads (got {options.ParseThreadsPerSilo})")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
