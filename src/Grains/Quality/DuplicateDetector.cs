// Duplicated code blocks across (and within) files, found by winnowing (Schleimer, Wilkerson, Aiken 2003)
// over token hashes. Comments and whitespace do not count. Per file the detector keeps only a 64-bit hash
// per token, a compact line table and its fingerprints — never token strings, never every window.
//
// k-grams of K tokens are hashed (polynomial rolling hash over the token hashes); in every run of W
// consecutive k-gram hashes the smallest is a fingerprint (robust winnowing: on ties keep the one already
// chosen, else the rightmost). With K + W − 1 = ShingleTokens (K = 25, W = 26 for 50) every run of
// ShingleTokens equal tokens shared by two places holds a fingerprint with the same hash in both, so no
// duplicate of ShingleTokens tokens is missed; fingerprints are about 2/(W+1) ≈ 7% of the tokens.
//
// A fingerprint of a file that also occurs earlier (an earlier file in input order, or earlier in the same
// file) is a seed: the two places are extended token by token, backwards and forwards, while the token
// hashes are equal. The longest extension over the earlier occurrences (at most MaxOccurrencesTried, the
// first in input order) becomes a block when it spans at least ShingleTokens tokens and MinimumLines lines;
// seeds inside a block are skipped. Each block is reported once, in the later place.
using CodeIngest.Storage;

namespace CodeIngest.Quality;

public sealed record DuplicateBlock(string Path, int StartLine, int EndLine, string OtherPath, int OtherStartLine, int OtherEndLine, int Tokens);

/// <summary>What the detector keeps of one file: token hashes, a line table and the file's fingerprints.</summary>
public sealed class DuplicateSource
{
    internal DuplicateSource(string path, ulong[] tokens, int[] lineStarts, int[] lineNumbers, ulong[] fingerprints, int[] fingerprintPositions)
    {
        Path = path;
        Tokens = tokens;
        LineStarts = lineStarts;
        LineNumbers = lineNumbers;
        Fingerprints = fingerprints;
        FingerprintPositions = fingerprintPositions;
    }

    public string Path { get; }

    internal ulong[] Tokens { get; }

    // Token LineStarts[j] is the first token on line LineNumbers[j] (lines that hold tokens only).
    internal int[] LineStarts { get; }

    internal int[] LineNumbers { get; }

    internal ulong[] Fingerprints { get; }

    internal int[] FingerprintPositions { get; }

    /// <summary>Bytes held by this source's arrays.</summary>
    public long Bytes => 8L * Tokens.Length + 4L * (LineStarts.Length + LineNumbers.Length) + 12L * Fingerprints.Length;

    internal int LineOf(int token)
    {
        var index = Array.BinarySearch(LineStarts, token);
        return LineNumbers[index >= 0 ? index : ~index - 1];
    }
}

public static class DuplicateDetector
{
    public const int ShingleTokens = 50;
    public const int MinimumLines = 5;

    /// <summary>Earlier occurrences of one fingerprint tried per seed; bounds the work on very common token runs.</summary>
    public const int MaxOccurrencesTried = 64;

    private const ulong Base = 1_000_003;

    // Fingerprints (or index entries) between two checks of the cancellation token.
    private const int CheckInterval = 1024;

    public static IReadOnlyList<DuplicateBlock> Find(IReadOnlyList<StoredFile> files, int shingle = ShingleTokens, int minimumLines = MinimumLines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var sources = new DuplicateSource?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            sources[i] = Prepare(files[i].Path, CodeTokenizer.Hash(files[i].Text, files[i].Language), shingle));
        return Find(sources.OfType<DuplicateSource>().ToList(), shingle, minimumLines, cancellationToken);
    }

    /// <summary>The detector's data for one file; null when the file has fewer than <paramref name="shingle"/> tokens.</summary>
    public static DuplicateSource? Prepare(string path, HashedTokens tokens, int shingle = ShingleTokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(shingle, 2);
        if (tokens.Count < shingle)
        {
            return null;
        }

        var hashes = tokens.Hashes.ToArray();
        var lines = tokens.Lines;
        var lineStarts = new List<int>();
        var lineNumbers = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i == 0 || lines[i] != lines[i - 1])
            {
                lineStarts.Add(i);
                lineNumbers.Add(lines[i]);
            }
        }

        var (k, w) = Winnowing(shingle);
        var (fingerprints, positions) = Winnow(KGramHashes(hashes, k), w);
        return new DuplicateSource(path, hashes, [.. lineStarts], [.. lineNumbers], fingerprints, positions);
    }

    /// <summary>K-gram length and winnowing window for a shingle: K + W − 1 = shingle.</summary>
    public static (int K, int W) Winnowing(int shingle) => (shingle / 2, shingle - shingle / 2 + 1);

    /// <summary>Blocks of the sources (in input order: a block is reported in the later place), ordered by path and line.</summary>
    public static IReadOnlyList<DuplicateBlock> Find(IReadOnlyList<DuplicateSource> sources, int shingle = ShingleTokens, int minimumLines = MinimumLines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var index = FingerprintIndex.Build(sources, cancellationToken);
        var perSource = new List<DuplicateBlock>[sources.Count];
        Parallel.For(0, sources.Count, new ParallelOptions { CancellationToken = cancellationToken }, f => perSource[f] = BlocksOf(sources, index, f, shingle, minimumLines, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        return perSource.SelectMany(b => b).OrderBy(b => b.Path, StringComparer.Ordinal).ThenBy(b => b.StartLine).ToList();
    }

    private static List<DuplicateBlock> BlocksOf(IReadOnlyList<DuplicateSource> sources, FingerprintIndex index, int f, int shingle, int minimumLines, CancellationToken cancellationToken)
    {
        var blocks = new List<DuplicateBlock>();
        var source = sources[f];
        var a = source.Tokens;
        var coveredUntil = -1;
        for (var n = 0; n < source.Fingerprints.Length; n++)
        {
            // A generated file can hold hundreds of thousands of fingerprints, each extended against up to MaxOccurrencesTried others.
            if ((n & (CheckInterval - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var p = source.FingerprintPositions[n];
            if (p <= coveredUntil)
            {
                continue;
            }

            var (from, to) = index.Range(source.Fingerprints[n]);
            if (to - from < 2)
            {
                continue;
            }

            int bestLength = 0, bestStart = 0, bestOther = -1, bestOtherStart = 0, tried = 0;
            for (var e = from; e < to && tried < MaxOccurrencesTried; e++)
            {
                var (g, q) = (index.Files[e], index.Positions[e]);
                if (g > f || (g == f && q >= p))
                {
                    break; // occurrences are in input order: the rest are later
                }

                tried++;
                var b = sources[g].Tokens;
                var back = 0;
                while (p - back - 1 > coveredUntil && q - back - 1 >= 0 && a[p - back - 1] == b[q - back - 1])
                {
                    back++;
                }

                var start = p - back;
                var otherStart = q - back;
                var length = back;
                var limit = g == f ? start : b.Length; // within one file the earlier copy ends before the later begins
                while (start + length < a.Length && otherStart + length < limit && a[start + length] == b[otherStart + length])
                {
                    length++;
                }

                if (length > bestLength)
                {
                    (bestLength, bestStart, bestOther, bestOtherStart) = (length, start, g, otherStart);
                }
            }

            if (bestLength < shingle)
            {
                continue;
            }

            coveredUntil = bestStart + bestLength - 1;
            var other = sources[bestOther];
            var startLine = source.LineOf(bestStart);
            var endLine = source.LineOf(bestStart + bestLength - 1);
            if (endLine - startLine + 1 >= minimumLines)
            {
                blocks.Add(new DuplicateBlock(source.Path, startLine, endLine, other.Path, other.LineOf(bestOtherStart), other.LineOf(bestOtherStart + bestLength - 1), bestLength));
            }
        }

        return blocks;
    }

    /// <summary>Polynomial rolling hash of every run of <paramref name="k"/> token hashes.</summary>
    private static ulong[] KGramHashes(ulong[] tokens, int k)
    {
        var power = 1UL;
        for (var i = 0; i < k - 1; i++)
        {
            power *= Base;
        }

        var result = new ulong[tokens.Length - k + 1];
        var hash = 0UL;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i >= k)
            {
                hash -= tokens[i - k] * power;
            }

            hash = hash * Base + tokens[i];
            if (i >= k - 1)
            {
                result[i - k + 1] = hash;
            }
        }

        return result;
    }

    /// <summary>Robust winnowing: the minimum of every window of <paramref name="w"/> hashes, each chosen position recorded once.</summary>
    private static (ulong[] Hashes, int[] Positions) Winnow(ulong[] hashes, int w)
    {
        var selected = new List<(ulong Hash, int Position)>(2 * hashes.Length / (w + 1) + 1);
        var windows = Math.Max(1, hashes.Length - w + 1);
        var min = -1;
        for (var start = 0; start < windows; start++)
        {
            var end = Math.Min(hashes.Length, start + w) - 1;
            if (min < start)
            {
                // The chosen one left the window: the rightmost minimum of the new window.
                min = start;
                for (var i = start + 1; i <= end; i++)
                {
                    if (hashes[i] <= hashes[min])
                    {
                        min = i;
                    }
                }

                selected.Add((hashes[min], min));
            }
            else if (hashes[end] < hashes[min])
            {
                min = end;
                selected.Add((hashes[min], min));
            }
        }

        return (selected.Select(s => s.Hash).ToArray(), selected.Select(s => s.Position).ToArray());
    }

    /// <summary>Every fingerprint of every source sorted by hash, then by input order (source, position).</summary>
    private sealed class FingerprintIndex
    {
        private FingerprintIndex(ulong[] hashes, int[] files, int[] positions) => (Hashes, Files, Positions) = (hashes, files, positions);

        public ulong[] Hashes { get; }

        public int[] Files { get; }

        public int[] Positions { get; }

        public static FingerprintIndex Build(IReadOnlyList<DuplicateSource> sources, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var total = sources.Sum(s => s.Fingerprints.Length);
            var hashes = new ulong[total];
            var order = new long[total];
            var n = 0;
            for (var f = 0; f < sources.Count; f++)
            {
                var s = sources[f];
                for (var i = 0; i < s.Fingerprints.Length; i++)
                {
                    hashes[n] = s.Fingerprints[i];
                    order[n++] = ((long)f << 32) | (uint)s.FingerprintPositions[i];
                }
            }

            // The one sort of every fingerprint cannot be interrupted: checks before and after it.
            cancellationToken.ThrowIfCancellationRequested();
            Array.Sort(hashes, order);
            cancellationToken.ThrowIfCancellationRequested();

            // Equal hashes: back into input order (the sort above is not stable).
            var runs = 0;
            for (var start = 0; start < total;)
            {
                if ((runs++ & (CheckInterval - 1)) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var end = start + 1;
                while (end < total && hashes[end] == hashes[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    Array.Sort(order, start, end - start);
                }

                start = end;
            }

            return new FingerprintIndex(hashes, order.Select(o => (int)(o >> 32)).ToArray(), order.Select(o => (int)(o & 0xFFFFFFFF)).ToArray());
        }

        public (int From, int To) Range(ulong hash)
        {
            var from = FirstAbove(hash, orEqual: true);
            return (from, from < Hashes.Length && Hashes[from] == hash ? FirstAbove(hash, orEqual: false) : from);
        }

        // First index whose hash is >= (orEqual) or > the given one.
        private int FirstAbove(ulong hash, bool orEqual)
        {
            int lo = 0, hi = Hashes.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (Hashes[mid] < hash || (!orEqual && Hashes[mid] == hash))
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }
}
