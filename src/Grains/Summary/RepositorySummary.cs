// A repository summary built from what ingestion already knows — no external service: the purpose
// from the README, languages and sizes, entry points, layers, the most important files and symbols
// by PageRank, and hot spots by complexity. The same material is what a model is given when an
// OpenAI-compatible endpoint is configured (ModelSummarizer).
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CodeIngest.Graph;
using CodeIngest.Quality;
using CodeIngest.Storage;

namespace CodeIngest.Summary;

public sealed record LanguageSize(string Language, int Files, int Lines, int CodeLines);

public sealed record SummaryStats(int Files, int Lines, int CodeLines, int Symbols, IReadOnlyList<LanguageSize> Languages, double? QualityScore, int Findings);

public sealed record HotSpot(string Path, string Name, int Line, int Cyclomatic, int Cognitive);

public sealed record SummaryLayer(int Layer, int Files, IReadOnlyList<string> Modules);

public sealed record RepositorySummary(
    string Repo,
    string? Commit,
    string Summary,
    string? Purpose,
    SummaryStats Stats,
    IReadOnlyList<EntryPoint> EntryPoints,
    IReadOnlyList<SummaryLayer> Layers,
    IReadOnlyList<string> Cycles,
    IReadOnlyList<FileRank> TopFiles,
    IReadOnlyList<SymbolRank> TopSymbols,
    IReadOnlyList<HotSpot> HotSpots,
    string? ModelSummary = null,
    string? Model = null);

public static partial class SummaryBuilder
{
    public const int TopCount = 10;

    public static RepositorySummary Build(string repo, string? commit, IReadOnlyList<StoredFile> files, ArchitectureReport? architecture, QualityReport? quality) =>
        Build(repo, commit, files.Select(f => new FileStat(f.Path, f.Language, f.Lines, f.Definitions.Count, f.Metrics?.CodeLines)).ToList(), Purpose(files), architecture, quality);

    /// <summary>The summary from per-file statistics (no texts), the README's purpose and the stored reports.</summary>
    public static RepositorySummary Build(string repo, string? commit, IReadOnlyList<FileStat> files, string? purpose, ArchitectureReport? architecture, QualityReport? quality)
    {
        ArgumentNullException.ThrowIfNull(files);
        var quals = quality?.Files.ToDictionary(f => f.Path, StringComparer.Ordinal) ?? [];
        var languages = files.GroupBy(f => f.Language)
            .Select(g => new LanguageSize(g.Key, g.Count(), g.Sum(f => f.Lines), g.Sum(f => quals.TryGetValue(f.Path, out var q) ? q.CodeLines : f.CodeLines ?? f.Lines)))
            .OrderByDescending(l => l.CodeLines).ThenBy(l => l.Language, StringComparer.Ordinal).ToList();
        var stats = new SummaryStats(files.Count, files.Sum(f => f.Lines), languages.Sum(l => l.CodeLines), files.Sum(f => f.Definitions), languages, quality?.Score,
            quality?.Findings.Count ?? 0);
        var layers = architecture?.Layers.Select(l => new SummaryLayer(l.Index, l.Files.Count,
            l.Files.Select(ArchitectureAnalyzer.ModuleOf).GroupBy(m => m).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).Take(5).ToList())).ToList() ?? [];
        var hotSpots = quality?.Functions.OrderByDescending(f => f.Cognitive).ThenByDescending(f => f.Cyclomatic).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Take(TopCount).Where(f => f.Cyclomatic > 1 || f.Cognitive > 0).Select(f => new HotSpot(f.Path, f.Name, f.Line, f.Cyclomatic, f.Cognitive)).ToList() ?? [];
        var summary = new RepositorySummary(
            repo,
            commit,
            "",
            purpose,
            stats,
            architecture?.EntryPoints ?? [],
            layers,
            architecture?.Cycles.Select(c => c.Name).ToList() ?? [],
            architecture?.Files.Take(TopCount).ToList() ?? [],
            architecture?.TopSymbols.Take(TopCount).ToList() ?? [],
            hotSpots);
        return summary with { Summary = Describe(summary) };
    }

    /// <summary>The plain-text summary: what the README says the project is, then what the analysis found.</summary>
    public static string Describe(RepositorySummary s)
    {
        var text = new StringBuilder();
        var commit = s.Commit is { Length: >= 12 } c ? $" at commit {c[..12]}" : "";
        text.Append(CultureInfo.InvariantCulture, $"{s.Repo}{commit}");
        text.Append(s.Purpose is { Length: > 0 } p ? $": {p}" : ".");
        text.AppendLine();
        var languages = string.Join(", ", s.Stats.Languages.Take(5).Select(l => $"{l.Language} ({l.Files} files, {l.CodeLines} code lines)"));
        text.AppendLine(CultureInfo.InvariantCulture, $"{s.Stats.Files} files, {s.Stats.Lines} lines, {s.Stats.Symbols} definitions. Languages: {(languages.Length > 0 ? languages : "none recognised")}.");
        if (s.EntryPoints.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Entry points: {string.Join(", ", s.EntryPoints.Take(5).Select(e => e.Symbol is null ? $"{e.Path} ({e.Reason})" : $"{e.Path}:{e.Symbol} ({e.Reason})"))}.");
        }

        if (s.Layers.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Import layers: {s.Layers.Count} (layer 0 depends on nothing in the repository): {string.Join("; ", s.Layers.Take(6).Select(l => $"{l.Layer}: {string.Join(", ", l.Modules)}"))}.");
        }

        text.AppendLine(s.Cycles.Count == 0 ? "No import cycles." : $"Import cycles: {string.Join("; ", s.Cycles.Take(3))}.");
        if (s.TopFiles.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Most central files: {string.Join(", ", s.TopFiles.Take(5).Select(f => f.Path))}.");
        }

        if (s.TopSymbols.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Most central symbols: {string.Join(", ", s.TopSymbols.Take(5).Select(x => x.Symbol))}.");
        }

        if (s.HotSpots.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Complexity hot spots: {string.Join(", ", s.HotSpots.Take(3).Select(h => $"{h.Name} in {h.Path} (cognitive {h.Cognitive}, cyclomatic {h.Cyclomatic})"))}.");
        }

        if (s.Stats.QualityScore is { } score)
        {
            text.Append(CultureInfo.InvariantCulture, $"Quality score {score:0.#}/100 with {s.Stats.Findings} findings.");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>The README's first real paragraph (no headings, badges, HTML or code), as plain text, at most 600 characters.</summary>
    public static string? Purpose(IReadOnlyList<StoredFile> files)
    {
        var readme = ReadmePath(files.Select(f => f.Path)) is { } path ? files.First(f => f.Path == path) : null;
        return readme is null ? null : PurposeOf(readme.Text);
    }

    /// <summary>The repository's README: the least deep, then shortest, path named readme(.md|.markdown|.rst|.txt).</summary>
    public static string? ReadmePath(IEnumerable<string> paths) =>
        paths.Where(p => ReadmeRegex().IsMatch(p)).OrderBy(p => p.Count(c => c == '/')).ThenBy(p => p.Length).FirstOrDefault();

    /// <summary>The first real paragraph of a README's text (see <see cref="Purpose"/>).</summary>
    public static string? PurposeOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var paragraph = new List<string>();
        var inCode = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal))
            {
                inCode = !inCode;
                continue;
            }

            var skip = inCode || line.StartsWith('#') || line.StartsWith('<') || line.StartsWith("[![", StringComparison.Ordinal) || line.StartsWith("![", StringComparison.Ordinal)
                || line.StartsWith('|') || line.StartsWith("---", StringComparison.Ordinal) || line.StartsWith("===", StringComparison.Ordinal) || line.StartsWith(".. ", StringComparison.Ordinal);
            if (line.Length == 0 || skip)
            {
                if (paragraph.Count > 0)
                {
                    break;
                }

                continue;
            }

            paragraph.Add(line);
        }

        if (paragraph.Count == 0)
        {
            return null;
        }

        var plain = string.Join(' ', paragraph);
        plain = MarkdownLinkRegex().Replace(plain, "$1");
        plain = plain.Replace("**", "", StringComparison.Ordinal).Replace("__", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);
        return plain.Length <= 600 ? plain : plain[..597] + "...";
    }

    [GeneratedRegex(@"(^|/)readme(\.(md|markdown|rst|txt))?$", RegexOptions.IgnoreCase)]
    private static partial Regex ReadmeRegex();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex MarkdownLinkRegex();
}
