// The critic's review of a snapshot: complexity per function and file (from the parser's metrics),
// maintainability index (Halstead volume from our own tokens, cyclomatic complexity, code lines; the
// 0–100 form), duplicated blocks, security findings, and a repository score with its breakdown.
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Quality;

public sealed record Finding(string Rule, string Severity, string Path, int Line, string Message);

public sealed record FunctionQuality(string Path, string Name, string Kind, int Line, int EndLine, int Cyclomatic, int Cognitive, int MaxNesting, int Parameters, int CodeLines, double Maintainability);

public sealed record FileQuality(string Path, string Language, int Lines, int CodeLines, int CommentLines, int Cyclomatic, int Cognitive, int Functions, double Maintainability, int DuplicatedLines);

/// <summary>Each part scored 0–100 (higher is better), its weight in the total, and what it was computed from.</summary>
public sealed record QualityBreakdown(
    double Complexity,
    double Maintainability,
    double Duplication,
    double Security,
    IReadOnlyDictionary<string, double> Weights,
    int ComplexFunctions,
    double DuplicatedLineRatio,
    IReadOnlyDictionary<string, int> FindingsBySeverity);

public sealed record QualityReport(
    double Score,
    QualityBreakdown Breakdown,
    IReadOnlyList<FileQuality> Files,
    IReadOnlyList<FunctionQuality> Functions,
    IReadOnlyList<DuplicateBlock> Duplicates,
    IReadOnlyList<Finding> Findings);

public static class QualityAnalyzer
{
    public const int CyclomaticThreshold = 10;
    public const int CognitiveThreshold = 15;

    private static readonly HashSet<string> FunctionKinds = new(StringComparer.OrdinalIgnoreCase) { "function", "method", "constructor", "lambda", "closure", "macro", "test" };
    private static readonly Dictionary<string, double> Weights = new() { ["complexity"] = 0.25, ["maintainability"] = 0.25, ["duplication"] = 0.20, ["security"] = 0.30 };
    private static readonly HashSet<string> DataLanguages = new(StringComparer.Ordinal) { "json", "yaml", "toml", "markdown", "html", "css", "xml" };

    /// <summary>Reviews files already in memory (the per-file work runs in parallel; the result does not depend on it).</summary>
    public static QualityReport Analyze(IReadOnlyList<StoredFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var reviewed = new FileReview[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => reviewed[i] = ReviewFile(files[i]));
        return Combine(reviewed, cancellationToken);
    }

    /// <summary>
    /// Reviews files as they stream in (in path order), several at a time; only each file's review — token hashes and
    /// fingerprints for the duplicate detector, findings, metrics — outlives it. Same result as <see cref="Analyze"/>.
    /// </summary>
    public static async Task<QualityReport> AnalyzeAsync(IAsyncEnumerable<StoredFile> files, int parallelism = 0, CancellationToken cancellationToken = default) =>
        Combine((await ReviewAsync(files, parallelism, cancellationToken)).Select(r => r.Review).ToList(), cancellationToken);

    /// <summary>Each streamed file's review, with the file's path, content hash and language, in input order.</summary>
    internal static async Task<List<(string Path, string Hash, string Language, FileReview Review)>> ReviewAsync(IAsyncEnumerable<StoredFile> files, int parallelism = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var reviewed = new List<(string Path, string Hash, string Language, FileReview Review)?>();
        var gate = new Lock();
        await Parallel.ForEachAsync(Numbered(files, cancellationToken), new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount,
        }, (item, _) =>
        {
            var review = (item.File.Path, item.File.ContentHash, item.File.Language, ReviewFile(item.File));
            lock (gate)
            {
                while (reviewed.Count <= item.Index)
                {
                    reviewed.Add(null);
                }

                reviewed[item.Index] = review;
            }

            return ValueTask.CompletedTask;
        });
        return reviewed.Select(r => r!.Value).ToList();
    }

    private static async IAsyncEnumerable<(int Index, StoredFile File)> Numbered(IAsyncEnumerable<StoredFile> files, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = 0;
        await foreach (var file in files.WithCancellation(cancellationToken))
        {
            yield return (index++, file);
        }
    }

    /// <summary>Everything the review keeps of one file: a function of the file's path, language and content alone.</summary>
    internal sealed record FileReview(List<Finding> Findings, List<FunctionQuality> Functions, FileQuality? Quality, DuplicateSource? Duplicates);

    internal static FileReview ReviewFile(StoredFile file)
    {
        var findings = SecurityScanner.Scan(file.Path, file.Text, file.Language);
        if (DataLanguages.Contains(file.Language))
        {
            return new FileReview(findings, [], null, null);
        }

        var tokens = CodeTokenizer.Hash(file.Text, file.Language);
        var distinct = new HashSet<ulong>();
        var fileFunctions = new List<FunctionQuality>();
        foreach (var definition in file.Definitions.Where(d => d.Metrics is not null && FunctionKinds.Contains(d.Kind)))
        {
            var m = definition.Metrics!;
            var from = tokens.FirstAtOrAfter(definition.StartLine);
            var to = Math.Max(from, tokens.FirstAtOrAfter(definition.EndLine + 1));
            var volume = HalsteadVolume(tokens.Hashes[from..to], distinct);
            var name = definition.QualifiedName ?? definition.Name;
            var function = new FunctionQuality(file.Path, name, definition.Kind, definition.StartLine, definition.EndLine, m.Cyclomatic, m.Cognitive, m.MaxNesting, m.Parameters, m.CodeLines,
                MaintainabilityIndex(volume, m.Cyclomatic, Math.Max(1, m.CodeLines)));
            fileFunctions.Add(function);
            if (m.Cyclomatic > CyclomaticThreshold)
            {
                findings.Add(new Finding("complexity/cyclomatic", m.Cyclomatic > 2 * CyclomaticThreshold ? "medium" : "low", file.Path, definition.StartLine,
                    $"{name} has cyclomatic complexity {m.Cyclomatic} (threshold {CyclomaticThreshold})"));
            }

            if (m.Cognitive > CognitiveThreshold)
            {
                findings.Add(new Finding("complexity/cognitive", m.Cognitive > 2 * CognitiveThreshold ? "medium" : "low", file.Path, definition.StartLine,
                    $"{name} has cognitive complexity {m.Cognitive} (threshold {CognitiveThreshold})"));
            }
        }

        var metrics = file.Metrics ?? new CodeMetrics(file.Lines, file.Lines, 0, 1 + fileFunctions.Sum(f => f.Cyclomatic - 1), fileFunctions.Select(f => f.MaxNesting).DefaultIfEmpty().Max(), 0, fileFunctions.Sum(f => f.Cognitive));
        var fileVolume = HalsteadVolume(tokens.Hashes, distinct);
        var quality = new FileQuality(file.Path, file.Language, metrics.Lines, metrics.CodeLines, metrics.CommentLines, metrics.Cyclomatic, metrics.Cognitive, fileFunctions.Count,
            MaintainabilityIndex(fileVolume, metrics.Cyclomatic, Math.Max(1, metrics.CodeLines)), 0);
        return new FileReview(findings, fileFunctions, quality, DuplicateDetector.Prepare(file.Path, tokens));
    }

    /// <summary>The report of a snapshot from its files' reviews in path order (duplicates are found across all of them).</summary>
    internal static QualityReport Combine(IReadOnlyList<FileReview> reviewed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var duplicates = DuplicateDetector.Find(reviewed.Select(r => r.Duplicates).OfType<DuplicateSource>().ToList(), cancellationToken: cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var duplicatedLines = DuplicatedLinesPerFile(duplicates);
        var findings = reviewed.SelectMany(r => r.Findings).ToList();
        var functions = reviewed.SelectMany(r => r.Functions).ToList();
        var fileQualities = reviewed.Select(r => r.Quality).OfType<FileQuality>().Select(q => q with { DuplicatedLines = duplicatedLines.GetValueOrDefault(q.Path) }).ToList();
        foreach (var block in duplicates)
        {
            findings.Add(new Finding("duplication/block", "low", block.Path, block.StartLine,
                $"lines {block.StartLine}-{block.EndLine} duplicate {block.OtherPath}:{block.OtherStartLine}-{block.OtherEndLine} ({block.Tokens} tokens)"));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var ordered = findings.OrderBy(f => SeverityOrder(f.Severity)).ThenBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Rule, StringComparer.Ordinal).ToList();
        var breakdown = Breakdown(functions, fileQualities, ordered);
        var score = Math.Round(Weights["complexity"] * breakdown.Complexity + Weights["maintainability"] * breakdown.Maintainability + Weights["duplication"] * breakdown.Duplication + Weights["security"] * breakdown.Security, 1);
        return new QualityReport(score, breakdown, fileQualities, functions, duplicates, ordered);
    }

    private static QualityBreakdown Breakdown(List<FunctionQuality> functions, List<FileQuality> files, List<Finding> findings)
    {
        var complex = functions.Count(f => f.Cyclomatic > CyclomaticThreshold || f.Cognitive > CognitiveThreshold);
        var complexity = functions.Count == 0 ? 100 : 100.0 * (functions.Count - complex) / functions.Count;
        var codeLines = files.Sum(f => f.CodeLines);
        var maintainability = codeLines == 0 ? 100 : files.Sum(f => f.Maintainability * f.CodeLines) / codeLines;
        var ratio = codeLines == 0 ? 0 : Math.Min(1.0, (double)files.Sum(f => f.DuplicatedLines) / codeLines);
        var bySeverity = findings.Where(f => f.Rule.StartsWith("secret/", StringComparison.Ordinal) || f.Rule.StartsWith("dangerous/", StringComparison.Ordinal))
            .GroupBy(f => f.Severity).ToDictionary(g => g.Key, g => g.Count());
        var penalty = 25.0 * bySeverity.GetValueOrDefault("high") + 10.0 * bySeverity.GetValueOrDefault("medium") + 3.0 * bySeverity.GetValueOrDefault("low");
        return new QualityBreakdown(
            Math.Round(complexity, 1),
            Math.Round(maintainability, 1),
            Math.Round(100 * (1 - ratio), 1),
            Math.Max(0, 100 - penalty),
            Weights,
            complex,
            Math.Round(ratio, 4),
            findings.GroupBy(f => f.Severity).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>Halstead volume N·log2(n): N all operator and operand tokens, n the distinct ones.</summary>
    public static double HalsteadVolume(IEnumerable<CodeToken> tokens)
    {
        var total = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            total++;
            distinct.Add(token.Text);
        }

        return distinct.Count < 2 ? 0 : total * Math.Log2(distinct.Count);
    }

    /// <summary>Halstead volume over token hashes (distinct hashes stand for distinct texts); <paramref name="distinct"/> is scratch space.</summary>
    internal static double HalsteadVolume(ReadOnlySpan<ulong> tokens, HashSet<ulong> distinct)
    {
        distinct.Clear();
        foreach (var token in tokens)
        {
            distinct.Add(token);
        }

        return distinct.Count < 2 ? 0 : tokens.Length * Math.Log2(distinct.Count);
    }

    /// <summary>Maintainability index on the 0–100 scale: max(0, (171 − 5.2·ln V − 0.23·CC − 16.2·ln LOC)·100/171).</summary>
    public static double MaintainabilityIndex(double halsteadVolume, int cyclomatic, int codeLines)
    {
        var raw = 171 - 5.2 * Math.Log(Math.Max(1, halsteadVolume)) - 0.23 * cyclomatic - 16.2 * Math.Log(Math.Max(1, codeLines));
        return Math.Round(Math.Clamp(raw * 100 / 171, 0, 100), 1);
    }

    private static Dictionary<string, int> DuplicatedLinesPerFile(IReadOnlyList<DuplicateBlock> blocks)
    {
        var lines = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            if (!lines.TryGetValue(block.Path, out var set))
            {
                lines[block.Path] = set = [];
            }

            for (var l = block.StartLine; l <= block.EndLine; l++)
            {
                set.Add(l);
            }
        }

        return lines.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal);
    }

    internal static int SeverityOrder(string severity) => severity switch { "high" => 0, "medium" => 1, "low" => 2, _ => 3 };
}
