// Compares two snapshots of a repository: files added, removed and changed (by content hash),
// definitions added and removed (by path, qualified name and kind), the quality score and its parts
// before and after, and the findings that are new (same rule, file and message not present before;
// line numbers may move without making a finding new).
using CodeIngest.Quality;
using CodeIngest.Storage;

namespace CodeIngest.Summary;

public sealed record DiffSymbol(string Path, string Name, string Kind, int Line);

public sealed record QualityDelta(double? From, double? To, double? Change, IReadOnlyDictionary<string, double> Parts);

public sealed record SnapshotComparison(
    string Repo,
    string From,
    string To,
    string? FromCommit,
    string? ToCommit,
    IReadOnlyList<string> FilesAdded,
    IReadOnlyList<string> FilesRemoved,
    IReadOnlyList<string> FilesChanged,
    IReadOnlyList<DiffSymbol> SymbolsAdded,
    IReadOnlyList<DiffSymbol> SymbolsRemoved,
    QualityDelta Quality,
    IReadOnlyList<Finding> NewFindings,
    IReadOnlyList<Finding> ResolvedFindings);

public static class SnapshotDiff
{
    public static SnapshotComparison Compare(
        string repo, SnapshotSummary from, SnapshotSummary to, IReadOnlyList<StoredFile> before, IReadOnlyList<StoredFile> after, QualityReport beforeQuality, QualityReport afterQuality)
    {
        var old = before.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var now = after.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var added = now.Keys.Where(p => !old.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
        var removed = old.Keys.Where(p => !now.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
        var changed = now.Keys.Where(p => old.TryGetValue(p, out var o) && o.ContentHash != now[p].ContentHash).Order(StringComparer.Ordinal).ToList();

        static HashSet<(string, string, string)> Keys(IEnumerable<StoredFile> files) =>
            files.SelectMany(f => f.Definitions.Select(d => (f.Path, d.QualifiedName ?? d.Name, d.Kind))).ToHashSet();
        static List<DiffSymbol> Only(IEnumerable<StoredFile> files, HashSet<(string, string, string)> other) =>
            files.SelectMany(f => f.Definitions.Where(d => !other.Contains((f.Path, d.QualifiedName ?? d.Name, d.Kind))).Select(d => new DiffSymbol(f.Path, d.QualifiedName ?? d.Name, d.Kind, d.StartLine)))
                .DistinctBy(s => (s.Path, s.Name, s.Kind)).OrderBy(s => s.Path, StringComparer.Ordinal).ThenBy(s => s.Line).ToList();

        var beforeKeys = Keys(before);
        var afterKeys = Keys(after);
        static (string, string, string) FindingKey(Finding f) => (f.Rule, f.Path, LineFree(f.Message));
        var oldFindings = beforeQuality.Findings.Select(FindingKey).ToHashSet();
        var newFindings = afterQuality.Findings.Select(FindingKey).ToHashSet();
        var parts = new Dictionary<string, double>
        {
            ["complexity"] = Math.Round(afterQuality.Breakdown.Complexity - beforeQuality.Breakdown.Complexity, 1),
            ["maintainability"] = Math.Round(afterQuality.Breakdown.Maintainability - beforeQuality.Breakdown.Maintainability, 1),
            ["duplication"] = Math.Round(afterQuality.Breakdown.Duplication - beforeQuality.Breakdown.Duplication, 1),
            ["security"] = Math.Round(afterQuality.Breakdown.Security - beforeQuality.Breakdown.Security, 1),
        };
        return new SnapshotComparison(
            repo,
            from.SnapshotId,
            to.SnapshotId,
            from.Commit,
            to.Commit,
            added,
            removed,
            changed,
            Only(after, beforeKeys),
            Only(before, afterKeys),
            new QualityDelta(beforeQuality.Score, afterQuality.Score, Math.Round(afterQuality.Score - beforeQuality.Score, 1), parts),
            afterQuality.Findings.Where(f => !oldFindings.Contains(FindingKey(f))).ToList(),
            beforeQuality.Findings.Where(f => !newFindings.Contains(FindingKey(f))).ToList());
    }

    // Duplicate-block messages name line ranges; compare them without the digits.
    private static string LineFree(string message) => new(message.Where(c => !char.IsDigit(c)).ToArray());
}
