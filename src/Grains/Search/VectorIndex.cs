// Exact top-k over chunk vectors, in memory: one contiguous float matrix (one row per embedded
// window; the only copy of the vectors a shard holds: a rebuild copies rows from the previous index).
// A row is the window's vector combined with its path's vector, normalize(window + w·path) (see
// Combine): the window's text holds no path, so a renamed file keeps its stored vectors and only
// its new path's words are embedded; the path still steers the ranking through w.
// cosine through dot products of L2-normalised rows (TensorPrimitives.Dot, SIMD), a chunk's score
// the best of its windows, the k best kept in a min-heap. Also answers symbol-name matches (query
// words against the chunk's symbol and file name words) from the same entries. Used by the index
// shard grains and, when no silo is running, by the CLI in-process.
using System.Numerics.Tensors;
using CodeIngest.Embedding;
using CodeIngest.Storage;

namespace CodeIngest.Search;

/// <summary>A chunk as the index knows it (no text: snippets are read from the store for the final hits). PathHash: the key
/// of the path's words' vector, combined into every window's row; null: rows are the windows' vectors alone.</summary>
public sealed record IndexEntry(string Repo, long ChunkId, string Path, string Language, string? Symbol, int StartLine, int EndLine, string[] Hashes, string[] SymbolWords, string[] FileWords, string? PathHash = null)
{
    /// <summary>The row key of one of this entry's windows: the window's hash, plus the path's when the row combines the two.</summary>
    public string RowKey(string hash) => PathHash is null ? hash : hash + "+" + PathHash;
}

public sealed class VectorIndex
{
    private readonly IndexEntry[] _entries;
    private readonly float[] _matrix;
    private readonly int[] _rowEntry;

    // The first row holding each row key (IndexEntry.RowKey): lets a rebuild copy a row from the previous
    // index instead of keeping a second copy of every vector next to the matrix.
    private readonly Dictionary<string, int> _rowOfHash;

    private VectorIndex(IndexEntry[] entries, float[] matrix, int[] rowEntry, Dictionary<string, int> rowOfHash, int dimension)
    {
        _entries = entries;
        _matrix = matrix;
        _rowEntry = rowEntry;
        _rowOfHash = rowOfHash;
        Dimension = dimension;
    }

    public int Dimension { get; }

    public int Count => _entries.Length;

    public int Rows => _rowEntry.Length;

    /// <summary>Windows whose vector was not available when the index was built.</summary>
    public int Pending { get; private init; }

    /// <summary>Bytes held by the vector matrix.</summary>
    public long MatrixBytes => (long)_matrix.Length * sizeof(float);

    public IReadOnlyList<IndexEntry> Entries => _entries;

    /// <summary>Whether the index holds a row for this row key (a window hash, or window+path: IndexEntry.RowKey).</summary>
    public bool Contains(string rowKey) => _rowOfHash.ContainsKey(rowKey);

    /// <summary>An entry for a stored chunk: its windows' hashes for the model window, its path's hash when
    /// <paramref name="withPath"/> (rows combine the two), and its symbol/file words.</summary>
    public static IndexEntry Entry(string repo, StoredChunk stored, int maxTokens, bool withPath = false)
    {
        var chunk = stored.Chunk;
        var hashes = EmbeddingText.Windows(chunk, maxTokens).Select(w => w.Hash).ToArray();
        var pathHash = withPath ? EmbeddingText.PathWindow(chunk.Path)?.Hash : null;
        var fileName = chunk.Path[(chunk.Path.LastIndexOf('/') + 1)..];
        var dot = fileName.LastIndexOf('.');
        return new IndexEntry(
            repo, stored.ChunkId, chunk.Path, chunk.Language, chunk.Symbol, chunk.StartLine, chunk.EndLine, hashes,
            Normalize(EmbeddingText.SplitWords(chunk.Symbol ?? string.Empty)),
            Normalize(EmbeddingText.SplitWords(dot > 0 ? fileName[..dot] : fileName)),
            pathHash);
    }

    /// <summary>A row: normalize(normalize(window) + w·normalize(path)), written into <paramref name="target"/>;
    /// with no path vector (or w = 0), the normalised window vector.</summary>
    public static void Combine(ReadOnlySpan<float> window, ReadOnlySpan<float> path, float pathWeight, Span<float> target)
    {
        window.CopyTo(target);
        ToUnitLength(target);
        if (path.Length == target.Length && pathWeight != 0)
        {
            var pathNorm = TensorPrimitives.Norm(path);
            if (pathNorm > 0)
            {
                TensorPrimitives.MultiplyAdd(path, pathWeight / pathNorm, target, target);
                ToUnitLength(target);
            }
        }
    }

    private static void ToUnitLength(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    /// <summary>Builds the index from entries and the vectors available for their hashes (rows are L2-normalised copies).</summary>
    public static VectorIndex Build(IReadOnlyList<IndexEntry> entries, IReadOnlyDictionary<string, float[]> vectors, int dimension) =>
        Build(entries, vectors, previous: null, dimension);

    /// <summary>Builds the index from entries, taking each row from the previous index (same row key) or else making it
    /// from <paramref name="fresh"/> vectors (the window's, combined with the path's by <paramref name="pathWeight"/> when
    /// the entry has a path hash); rows found in neither are pending. A window whose path vector is not stored yet (a file
    /// renamed under the watcher, which does not embed) gets a row of its window vector alone, keyed by the window hash,
    /// and counts as pending, so the shard replaces the row once the path vector exists.</summary>
    public static VectorIndex Build(IReadOnlyList<IndexEntry> entries, IReadOnlyDictionary<string, float[]> fresh, VectorIndex? previous, int dimension, float pathWeight = 0)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(fresh);
        if (previous is not null && previous.Dimension != dimension)
        {
            previous = null;
        }

        var rows = 0;
        var pending = 0;
        // Whether the window's vector is fresh; path is null when the entry has no path hash or its vector is not there.
        bool FreshRow(IndexEntry entry, string hash, out float[] window, out float[]? path)
        {
            path = entry.PathHash is not null && fresh.TryGetValue(entry.PathHash, out var p) && p.Length == dimension ? p : null;
            return fresh.TryGetValue(hash, out window!) && window.Length == dimension;
        }

        foreach (var entry in entries)
        {
            foreach (var hash in entry.Hashes)
            {
                if (previous?._rowOfHash.ContainsKey(entry.RowKey(hash)) ?? false)
                {
                    rows++;
                }
                else if (FreshRow(entry, hash, out _, out var path))
                {
                    rows++;
                    pending += entry.PathHash is not null && path is null ? 1 : 0;
                }
                else
                {
                    pending++;
                }
            }
        }

        var matrix = new float[(long)rows * dimension];
        var rowEntry = new int[rows];
        var rowOfHash = new Dictionary<string, int>(rows, StringComparer.Ordinal);
        var r = 0;
        for (var e = 0; e < entries.Count; e++)
        {
            var entry = entries[e];
            foreach (var hash in entry.Hashes)
            {
                var key = entry.RowKey(hash);
                if (previous is not null && previous._rowOfHash.TryGetValue(key, out var old))
                {
                    previous._matrix.AsSpan(old * dimension, dimension).CopyTo(matrix.AsSpan(r * dimension, dimension));
                }
                else if (FreshRow(entry, hash, out var window, out var path))
                {
                    Combine(window, path, pathWeight, matrix.AsSpan(r * dimension, dimension));
                    key = path is null ? hash : key;
                }
                else
                {
                    continue;
                }

                rowEntry[r] = e;
                rowOfHash.TryAdd(key, r);
                r++;
            }
        }

        return new VectorIndex([.. entries], matrix, rowEntry, rowOfHash, dimension) { Pending = pending };
    }

    /// <summary>The k entries with the highest cosine to the query (a chunk scores its best window).</summary>
    public IReadOnlyList<(IndexEntry Entry, double Score)> Search(ReadOnlySpan<float> query, int k, SearchFilter? filter = null)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"query vector has {query.Length} dimensions; this index holds {Dimension}-dimensional vectors", nameof(query));
        }

        if (k <= 0 || _rowEntry.Length == 0)
        {
            return [];
        }

        var normalized = new float[Dimension];
        query.CopyTo(normalized);
        var norm = TensorPrimitives.Norm(normalized);
        if (norm > 0)
        {
            TensorPrimitives.Divide(normalized, norm, normalized);
        }

        var allowed = Allowed(filter);
        var best = new float[_entries.Length];
        Array.Fill(best, float.NegativeInfinity);
        var matrix = _matrix.AsSpan();
        for (var r = 0; r < _rowEntry.Length; r++)
        {
            var entry = _rowEntry[r];
            if (allowed is not null && !allowed[entry])
            {
                continue;
            }

            var score = TensorPrimitives.Dot(matrix.Slice(r * Dimension, Dimension), normalized);
            if (score > best[entry])
            {
                best[entry] = score;
            }
        }

        return TopK(best, k);
    }

    /// <summary>The k entries whose symbol words (and file name words) best match the query's words; entries with no symbol word in common are left out.</summary>
    public IReadOnlyList<(IndexEntry Entry, double Score)> SearchSymbols(string query, int k, SearchFilter? filter = null)
    {
        var words = Normalize(EmbeddingText.SplitWords(query)).Where(w => !StopWords.Contains(w)).ToHashSet(StringComparer.Ordinal);
        if (words.Count == 0 || k <= 0)
        {
            return [];
        }

        var allowed = Allowed(filter);
        var scores = new float[_entries.Length];
        Array.Fill(scores, float.NegativeInfinity);
        for (var e = 0; e < _entries.Length; e++)
        {
            var entry = _entries[e];
            if ((allowed is not null && !allowed[e]) || entry.SymbolWords.Length == 0)
            {
                continue;
            }

            var inSymbol = entry.SymbolWords.Count(words.Contains);
            if (inSymbol == 0)
            {
                continue;
            }

            var inFile = entry.FileWords.Count(words.Contains);

            // Share of the symbol's words the query covers, then how many query words it covers.
            scores[e] = (2f * inSymbol) + inFile + ((float)inSymbol / entry.SymbolWords.Length);
        }

        return TopK(scores, k);
    }

    private bool[]? Allowed(SearchFilter? filter)
    {
        if (filter is null || (filter.Repo is null && filter.Language is null && filter.PathGlob is null))
        {
            return null;
        }

        var glob = filter.PathGlob is { Length: > 0 } pattern ? PathGlob.Parse(pattern) : null;
        var allowed = new bool[_entries.Length];
        for (var e = 0; e < _entries.Length; e++)
        {
            var entry = _entries[e];
            allowed[e] = (filter.Repo is null || entry.Repo == filter.Repo)
                && (filter.Language is null || string.Equals(entry.Language, filter.Language, StringComparison.OrdinalIgnoreCase))
                && (glob is null || glob.IsMatch(entry.Path));
        }

        return allowed;
    }

    private List<(IndexEntry Entry, double Score)> TopK(float[] scores, int k)
    {
        var heap = new PriorityQueue<int, float>();
        for (var e = 0; e < scores.Length; e++)
        {
            var score = scores[e];
            if (float.IsNegativeInfinity(score))
            {
                continue;
            }

            if (heap.Count < k)
            {
                heap.Enqueue(e, score);
            }
            else if (heap.TryPeek(out _, out var lowest) && score > lowest)
            {
                heap.DequeueEnqueue(e, score);
            }
        }

        var result = new List<(IndexEntry, double)>(heap.Count);
        while (heap.TryDequeue(out var e, out var score))
        {
            result.Add((_entries[e], score));
        }

        result.Reverse();
        return result;
    }

    // Light stemming so "parses", "parsing" and "parse" meet; both sides go through it.
    private static string[] Normalize(IEnumerable<string> words) => words.Select(Stem).Where(w => w.Length > 1).Distinct(StringComparer.Ordinal).ToArray();

    private static string Stem(string word)
    {
        foreach (var suffix in Suffixes)
        {
            if (word.Length > suffix.Length + 2 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }

    private static readonly string[] Suffixes = ["ing", "es", "ed", "s"];

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "is", "it", "by", "with", "from", "that", "this", "how", "what",
        "which", "where", "do", "doe", "get", "given", "into", "its", "be", "as", "at", "are", "can", "one", "all", "return", "function",
    };
}
