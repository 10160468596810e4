// The quality refresh of the watcher's file DAG, incremental per file: a silo keeps, per published snapshot, each file's
// review (findings, function metrics, file metrics, the duplicate detector's token hashes and fingerprints) under its path,
// language and content hash, and the analyzer version. A refresh reads the snapshot's (path, language, hash) list and reviews
// only files whose hash changed; the report is then combined from all reviews in path order exactly as a full review
// combines them. Duplicate detection stays whole-snapshot (over the cached fingerprints, no file is re-read or
// re-tokenized): a block is reported in the later of two places and against the first earlier occurrences, so a change
// in one file can move blocks between other files; the whole pass keeps that exact.
using System.Diagnostics;
using System.Globalization;
using CodeIngest.Storage;

namespace CodeIngest.Quality;

/// <summary>The reviews of one snapshot's files as this silo last made them.</summary>
public sealed class SnapshotReviews(string snapshotId)
{
    /// <summary>Changes whenever a file's review would come out differently for the same file (rules, thresholds, tokenizer).</summary>
    public const int AnalyzerVersion = 1;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (string Hash, string Language, int Version, QualityAnalyzer.FileReview Review)> _files = new(StringComparer.Ordinal);

    public string SnapshotId => snapshotId;

    /// <summary>The snapshot's report from cached reviews and fresh reviews of the files that changed; the timings and counts in <paramref name="result"/>.</summary>
    public async Task<QualityReport> RefreshAsync(ICodeStore store, Dictionary<string, string> result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(result);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            var states = await store.GetFileStatesAsync(snapshotId, cancellationToken);
            var incremental = _files.Count > 0;
            var changed = states.Where(s => !_files.TryGetValue(s.Path, out var f) || f.Hash != s.Hash || f.Language != s.Language || f.Version != AnalyzerVersion)
                .Select(s => s.Path).ToList();
            var fresh = new List<(string Path, string Hash, string Language, QualityAnalyzer.FileReview Review)>();
            if (incremental)
            {
                var files = new List<StoredFile>();
                await store.ForEachFileAsync(snapshotId, changed, withReferences: false, files.Add, cancellationToken);
                var reviews = new QualityAnalyzer.FileReview[files.Count];
                Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => reviews[i] = QualityAnalyzer.ReviewFile(files[i]));
                fresh.AddRange(files.Select((f, i) => (f.Path, f.ContentHash, f.Language, reviews[i])));
            }
            else
            {
                fresh.AddRange(await QualityAnalyzer.ReviewAsync(store.StreamFilesAsync(snapshotId, cancellationToken), cancellationToken: cancellationToken));
            }

            foreach (var (path, hash, language, review) in fresh)
            {
                _files[path] = (hash, language, AnalyzerVersion, review);
            }

            // Reviews of paths the snapshot no longer holds go; a path listed but gone when read is left out of this report.
            var listed = states.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _files.Keys.Where(p => !listed.Contains(p)).ToList())
            {
                _files.Remove(gone);
            }

            var reviewed = fresh.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var missing in changed.Where(p => !reviewed.Contains(p)))
            {
                _files.Remove(missing);
            }

            var reviewSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var report = QualityAnalyzer.Combine(states.Where(s => _files.ContainsKey(s.Path)).Select(s => _files[s.Path].Review).ToList(), cancellationToken);
            result["incremental"] = incremental ? "true" : "false";
            result["files_reviewed"] = fresh.Count.ToString(CultureInfo.InvariantCulture);
            result["review_seconds"] = reviewSeconds.ToString("0.000", CultureInfo.InvariantCulture);
            result["combine_seconds"] = clock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
            return report;
        }
        catch
        {
            _files.Clear();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }
}
