// Hybrid code search: lexical (FTS5 BM25, or PostgreSQL full text), vector (index shards, cosine)
// and symbol-name matches, fused with reciprocal rank fusion (each list contributes 1/(60 + rank)
// for a chunk; a chunk found by several lists rises). Filters: repository, language, path glob.
// Each list is asked for more candidates than the caller wants, so filtering and fusion have room.
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Search;

/// <summary>Where vector and symbol-name candidates come from (index shard grains on a silo; a local index in a CLI with no silo running).</summary>
public interface IVectorSearcher
{
    /// <summary>The query's vector, or null when there is no model or no stored vector to compare with.</summary>
    Task<float[]?> EmbedQueryAsync(string query, SearchFilter filter, CancellationToken cancellationToken);

    /// <summary>The k best vector matches (when <paramref name="query"/> is set) and the k best symbol-name matches (when
    /// <paramref name="symbolQuery"/> is set), gathered in one pass over the indexes.</summary>
    Task<SearchCandidates> FindCandidatesAsync(float[]? query, string? symbolQuery, int k, SearchFilter filter, CancellationToken cancellationToken);
}

public sealed class HybridSearch(ICodeStore store, IVectorSearcher vectors)
{
    /// <summary>The RRF constant (rank offset); 60 is the value of the original RRF paper.</summary>
    public const int RrfK = 60;

    /// <summary>Parses a mode name (lexical, vector, hybrid).</summary>
    public static SearchMode ParseMode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        null or "" or "hybrid" => SearchMode.Hybrid,
        "lexical" => SearchMode.Lexical,
        "vector" => SearchMode.Vector,
        _ => throw new ArgumentException($"unknown search mode '{mode}'; accepted: hybrid, lexical, vector"),
    };

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchFilter filter, int limit, SearchMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        limit = Math.Clamp(limit, 1, 1000);
        var candidates = Math.Max(50, limit * 4);
        var glob = filter.PathGlob is { Length: > 0 } pattern ? PathGlob.Parse(pattern) : null;

        var lexical = mode == SearchMode.Vector ? [] : await LexicalAsync(query, filter, glob, mode == SearchMode.Lexical ? limit : candidates, cancellationToken).ConfigureAwait(false);
        if (mode == SearchMode.Lexical)
        {
            return lexical;
        }

        var queryVector = await vectors.EmbedQueryAsync(query, filter, cancellationToken).ConfigureAwait(false);
        var found = queryVector is null && mode == SearchMode.Vector
            ? new SearchCandidates([], [])
            : await vectors.FindCandidatesAsync(queryVector, mode == SearchMode.Hybrid ? query : null, mode == SearchMode.Vector ? limit : candidates, filter, cancellationToken).ConfigureAwait(false);
        var vector = found.Vector;
        var symbols = found.Symbols;

        var fused = new Dictionary<(string Repo, string Path, int Start, int End), Fused>();
        Fused Get(string repo, string path, int start, int end, string? symbol)
        {
            if (!fused.TryGetValue((repo, path, start, end), out var entry))
            {
                entry = new Fused(repo, path, start, end, symbol);
                fused[(repo, path, start, end)] = entry;
            }

            return entry;
        }

        for (var rank = 0; rank < lexical.Count; rank++)
        {
            var hit = lexical[rank];
            var entry = Get(hit.Repo, hit.Path, hit.StartLine, hit.EndLine, hit.Symbol);
            entry.Score += 1.0 / (RrfK + rank + 1);
            entry.Snippet = hit.Snippet;
        }

        foreach (var list in new[] { vector, symbols })
        {
            for (var rank = 0; rank < list.Count; rank++)
            {
                var match = list[rank];
                var entry = Get(match.Repo, match.Path, match.StartLine, match.EndLine, match.Symbol);
                entry.Score += mode == SearchMode.Vector ? match.Score : 1.0 / (RrfK + rank + 1);
                entry.ChunkId ??= match.ChunkId;
            }
        }

        var top = fused.Values.OrderByDescending(f => f.Score).ThenBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Start).Take(limit).ToList();
        var needText = top.Where(f => f.Snippet is null && f.ChunkId is not null).Select(f => f.ChunkId!.Value).ToList();
        var texts = needText.Count > 0 ? await store.GetChunkTextsAsync(needText, cancellationToken).ConfigureAwait(false) : new Dictionary<long, string>();
        var terms = EmbeddingTerms(query);
        return top.Select(f => new SearchHit(
            f.Repo, f.Path, f.Start, f.End, f.Symbol, Math.Round(f.Score, 6),
            f.Snippet ?? (f.ChunkId is { } id && texts.TryGetValue(id, out var text) ? SqliteCodeStore.Snippet(text, terms) : string.Empty))).ToList();
    }

    private async Task<List<SearchHit>> LexicalAsync(string query, SearchFilter filter, PathGlob? glob, int count, CancellationToken cancellationToken)
    {
        var needsFilter = glob is not null || filter.Language is not null;

        // Filters apply after ranking, so ask for more when a filter will drop some.
        var hits = await store.SearchAsync(query, filter.Repo, needsFilter ? Math.Max(count * 10, 500) : count, cancellationToken).ConfigureAwait(false);
        var kept = hits.Where(h => glob is null || glob.IsMatch(h.Path)).ToList();
        if (filter.Language is { } language)
        {
            // The language the file was parsed as (a .h header may be C++), as the vector lists filter by; the
            // extension decides only for a file the store does not know.
            var stored = new Dictionary<(string Repo, string Path), string>();
            foreach (var repo in kept.GroupBy(h => h.Repo))
            {
                var languages = await store.GetFileLanguagesAsync(repo.Key, [.. repo.Select(h => h.Path).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
                foreach (var (path, name) in languages)
                {
                    stored[(repo.Key, path)] = name;
                }
            }

            kept = kept.Where(h => string.Equals(stored.GetValueOrDefault((h.Repo, h.Path)) ?? Languages.FromPath(h.Path)?.Name, language, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        return kept.Take(count).ToList();
    }

    private static List<string> EmbeddingTerms(string query) =>
        query.Split([' ', '\t', '\n', '.', ',', '(', ')', '?', '!', '"', '\''], StringSplitOptions.RemoveEmptyEntries).Where(t => t.Length > 2).ToList();

    private sealed class Fused(string repo, string path, int start, int end, string? symbol)
    {
        public string Repo { get; } = repo;

        public string Path { get; } = path;

        public int Start { get; } = start;

        public int End { get; } = end;

        public string? Symbol { get; } = symbol;

        public double Score { get; set; }

        public string? Snippet { get; set; }

        public long? ChunkId { get; set; }
    }
}
