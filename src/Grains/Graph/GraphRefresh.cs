// The graph refresh of the watcher's file DAG, incremental: a silo keeps, per published snapshot, every file's graph
// source (symbols, references, import facts), the edges that leave it and the look-ups its resolution made. A refresh
// reads the snapshot's (path, language, hash) list, loads only files whose hash changed, and re-resolves only
//   - the changed and added files, and
//   - files whose resolution probed a key that a changed, added or removed file answers: an import look-up of its
//     path, module suffixes, folder, file name, C# namespaces, go.mod or tsconfig (ImportResolver.KeysOf), or a call or
//     base type of a name that file defines (before or after the change).
// A file none of whose look-ups changed resolves exactly as before, so the result equals a full build; the whole-graph
// parts (architecture: layers, cycles, PageRank, module dependencies, entry points) are recomputed from the graph in
// memory. Only files whose edges differ are rewritten in the store (UpdateGraphEdgesAsync), guarded by the graph stamp:
// when another writer (another silo's refresh, an ingestion) changed the edges since this silo last wrote them, the
// stored edges are read back and compared file by file instead.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeIngest.Storage;

namespace CodeIngest.Graph;

/// <summary>One snapshot's graph as this silo last computed it, and what the store holds of it.</summary>
public sealed class SnapshotGraph(string snapshotId)
{
    /// <summary>Tries of the edge write when other writers keep changing the stored edges.</summary>
    private const int MaxWriteTries = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, FileGraph> _files = new(StringComparer.Ordinal);

    // Look-up key -> files whose resolution made it.
    private readonly Dictionary<string, HashSet<string>> _probedBy = new(StringComparer.Ordinal);
    private List<string> _order = [];
    private bool _loaded;

    // The stamp of the stored edges when they are exactly this cache's edges; null when not known.
    private string? _storedStamp;

    public string SnapshotId => snapshotId;

    private sealed class FileGraph(string hash, string language, GraphSource source)
    {
        public string Hash { get; } = hash;

        public string Language { get; } = language;

        public GraphSource Source { get; } = source;

        public List<GraphEdge>? Edges { get; set; }

        public HashSet<string> Probes { get; set; } = [];
    }

    /// <summary>Brings the cached graph to the store's current files, writes the edges that changed and the architecture; returns the step's result.</summary>
    public async Task<Dictionary<string, string>> RefreshAsync(ICodeStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await RefreshLockedAsync(store, cancellationToken);
        }
        catch
        {
            // A refresh cut short leaves the cache half-updated: start from the store next time.
            Reset();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Reset()
    {
        _files.Clear();
        _probedBy.Clear();
        _order = [];
        _loaded = false;
        _storedStamp = null;
    }

    private async Task<Dictionary<string, string>> RefreshLockedAsync(ICodeStore store, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var states = await store.GetFileStatesAsync(snapshotId, cancellationToken);
        var current = states.ToDictionary(s => s.Path, StringComparer.Ordinal);
        var wasLoaded = _loaded;
        var removed = _files.Keys.Where(p => !current.ContainsKey(p)).ToList();
        var changed = states.Where(s => !_files.TryGetValue(s.Path, out var f) || f.Hash != s.Hash || f.Language != s.Language).Select(s => s.Path).ToList();

        // Load the changed files (all of them the first time).
        var loaded = new Dictionary<string, FileGraph>(StringComparer.Ordinal);
        void Keep(StoredFile file) => loaded[file.Path] = new FileGraph(file.ContentHash, file.Language, GraphSource.From(file));
        if (_loaded)
        {
            await store.ForEachFileAsync(snapshotId, changed, withReferences: true, Keep, cancellationToken);
        }
        else
        {
            await store.ForEachFileAsync(snapshotId, Keep, cancellationToken);
        }

        // Files are taken as listed: one added after the listing waits for the next refresh, one gone by the time it was read is removed
        // (the analysis target recomputes while the snapshot keeps changing).
        foreach (var extra in loaded.Keys.Where(p => !current.ContainsKey(p)).ToList())
        {
            loaded.Remove(extra);
        }

        removed.AddRange(changed.Where(p => !loaded.ContainsKey(p) && _files.ContainsKey(p)));
        var loadSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();

        // What the changes invalidate: for an added or removed file (or one whose language changed) every look-up key and defined name
        // of it; for a file whose content changed, the keys of what its text declares and the names whose definitions in it changed.
        var invalid = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in removed.Concat(loaded.Keys))
        {
            var old = _files.GetValueOrDefault(path);
            var now = loaded.GetValueOrDefault(path);
            if (old is not null && now is not null && old.Language == now.Language)
            {
                invalid.UnionWith(ImportResolver.FactKeysOf(old.Source));
                invalid.UnionWith(ImportResolver.FactKeysOf(now.Source));
                invalid.UnionWith(ChangedNames(old.Source, now.Source).Select(GraphBuilder.NameKey));
                continue;
            }

            foreach (var version in new[] { old, now }.OfType<FileGraph>())
            {
                invalid.UnionWith(ImportResolver.KeysOf(version.Source));
                invalid.UnionWith(version.Source.Symbols.Select(symbol => GraphBuilder.NameKey(symbol.Name)));
            }
        }

        var affected = new HashSet<string>(loaded.Keys, StringComparer.Ordinal);
        foreach (var key in invalid)
        {
            if (_probedBy.TryGetValue(key, out var files))
            {
                affected.UnionWith(files);
            }
        }

        foreach (var path in removed)
        {
            Forget(path);
            _files.Remove(path);
            affected.Remove(path);
        }

        foreach (var (path, file) in loaded)
        {
            if (_files.TryGetValue(path, out var old))
            {
                file.Edges = old.Edges;
                file.Probes = old.Probes;
            }

            _files[path] = file;
        }

        _order = states.Select(s => s.Path).Where(_files.ContainsKey).ToList();
        _loaded = true;

        // Re-resolve the affected files against indexes of the whole snapshot (rebuilt: cheap next to loading files).
        var sources = _order.Select(p => _files[p].Source).ToList();
        var resolver = new ImportResolver(sources);
        var symbols = new GraphBuilder.SymbolIndex(sources);
        var rewritten = new List<string>();
        foreach (var path in _order)
        {
            if (!affected.Contains(path))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var file = _files[path];
            var probes = new HashSet<string>(StringComparer.Ordinal);
            var edges = GraphBuilder.EdgesOf(file.Source, resolver, symbols, probes);
            Forget(path);
            file.Probes = probes;
            foreach (var key in probes)
            {
                if (!_probedBy.TryGetValue(key, out var set))
                {
                    _probedBy[key] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(path);
            }

            if (file.Edges is null || !file.Edges.SequenceEqual(edges))
            {
                rewritten.Add(path);
            }

            file.Edges = edges;
        }

        var edgesAll = _order.SelectMany(p => _files[p].Edges!).ToList();
        var graph = new CodeGraph(_order, symbols.All, edgesAll, ArchitectureAnalyzer.DistinctEntryPoints(sources.SelectMany(s => s.EntryPoints)));
        var resolveSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var architecture = ArchitectureAnalyzer.Analyze(graph, cancellationToken);
        var architectureJson = JsonSerializer.Serialize(architecture, CodeInsights.Json);
        var architectureSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        cancellationToken.ThrowIfCancellationRequested();

        var (written, compared) = await WriteAsync(store, rewritten, removed, architectureJson, cancellationToken);
        var result = GraphStep.StatsOf(architecture);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["incremental"] = wasLoaded ? "true" : "false",
            ["files_loaded"] = loaded.Count.ToString(CultureInfo.InvariantCulture),
            ["files_removed"] = removed.Count.ToString(CultureInfo.InvariantCulture),
            ["files_resolved"] = affected.Count.ToString(CultureInfo.InvariantCulture),
            ["files_rewritten"] = written.ToString(CultureInfo.InvariantCulture),
            ["stored_edges_compared"] = compared ? "true" : "false",
            ["load_seconds"] = loadSeconds.ToString("0.000", CultureInfo.InvariantCulture),
            ["resolve_seconds"] = resolveSeconds.ToString("0.000", CultureInfo.InvariantCulture),
            ["architecture_seconds"] = architectureSeconds.ToString("0.000", CultureInfo.InvariantCulture),
            ["save_seconds"] = clock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
        })
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>
    /// Writes the edges of the files whose edges changed (and drops those of removed files). When the stored edges are not known to be
    /// this cache's previous edges, they are read back and every file whose stored edges differ is rewritten. Returns how many files'
    /// edges were written and whether the stored edges had to be compared.
    /// </summary>
    private async Task<(int Written, bool Compared)> WriteAsync(ICodeStore store, List<string> rewritten, List<string> removed, string architectureJson, CancellationToken cancellationToken)
    {
        var known = _storedStamp;
        _storedStamp = null;
        for (var attempt = 1; ; attempt++)
        {
            var stamp = await store.GetReportAsync(snapshotId, ICodeStore.GraphStampKind, cancellationToken);
            HashSet<string> replaced;
            var compared = known is null || known != stamp;
            if (!compared)
            {
                replaced = new HashSet<string>(rewritten.Concat(removed), StringComparer.Ordinal);
            }
            else
            {
                var stored = (await store.GetGraphEdgesAsync(snapshotId, cancellationToken)).GroupBy(e => e.SourcePath, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
                replaced = new HashSet<string>(stored.Keys.Where(p => !_files.ContainsKey(p)), StringComparer.Ordinal);
                foreach (var path in _order)
                {
                    var edges = _files[path].Edges!;
                    if (!(stored.TryGetValue(path, out var before) ? before.SequenceEqual(edges) : edges.Count == 0))
                    {
                        replaced.Add(path);
                    }
                }
            }

            var newStamp = Guid.NewGuid().ToString("N");
            var edgesOut = _order.Where(replaced.Contains).SelectMany(p => _files[p].Edges!).ToList();
            if (await store.UpdateGraphEdgesAsync(new GraphEdgeUpdate(snapshotId, stamp, newStamp, replaced, edgesOut, architectureJson), cancellationToken))
            {
                _storedStamp = newStamp;
                return (replaced.Count, compared);
            }

            if (attempt >= MaxWriteTries)
            {
                throw new InvalidOperationException($"the graph edges of snapshot '{snapshotId}' kept changing while they were written ({attempt} tries)");
            }

            known = null;
        }
    }

    /// <summary>
    /// Names whose definitions differ between two versions of a file. A call or base type resolves to a definition's file and
    /// qualified name, chosen among the definitions of its name by kind and qualified name in file order: a name whose sequence of
    /// (qualified name, kind) is the same in both versions resolves the same for every other file (moved lines do not count).
    /// </summary>
    internal static IEnumerable<string> ChangedNames(GraphSource before, GraphSource after)
    {
        static Dictionary<string, List<(string, string)>> ByName(GraphSource source)
        {
            var names = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
            foreach (var symbol in source.Symbols)
            {
                if (!names.TryGetValue(symbol.Name, out var list))
                {
                    names[symbol.Name] = list = [];
                }

                list.Add((symbol.QualifiedName, symbol.Kind));
            }

            return names;
        }

        var old = ByName(before);
        var now = ByName(after);
        return old.Keys.Union(now.Keys, StringComparer.Ordinal)
            .Where(name => !(old.TryGetValue(name, out var a) && now.TryGetValue(name, out var b) && a.SequenceEqual(b)));
    }

    private void Forget(string path)
    {
        if (!_files.TryGetValue(path, out var file))
        {
            return;
        }

        foreach (var key in file.Probes)
        {
            if (_probedBy.TryGetValue(key, out var set) && set.Remove(path) && set.Count == 0)
            {
                _probedBy.Remove(key);
            }
        }

        file.Probes = [];
    }
}
