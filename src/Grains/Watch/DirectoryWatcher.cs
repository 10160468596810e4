// Turns a directory's file system events into batches of changed paths: events are debounced (a batch runs
// once no event came for Debounce, so a burst such as a branch switch becomes one batch), a file whose size
// still changes or that cannot be opened yet waits (up to BusyTimeout), a path never runs in two batches at
// once, and at most MaxConcurrentDags batches run at a time. Events for paths that can never be ingested
// (tool folders, the data directory, files with an unsupported extension) are dropped at once.
using CodeIngest.Ingestion;
using CodeIngest.Parsing;

namespace CodeIngest.Watch;

/// <summary>A changed path (relative, '/' separators) and when its first not-yet-applied event arrived.</summary>
public sealed record PendingChange(string Path, DateTimeOffset FirstSeen);

public sealed class DirectoryWatcher : IAsyncDisposable
{
    private static readonly HashSet<string> DroppedFolders = [.. DiscoveryOptions.DefaultIgnoreDirectories];

    private readonly string _root;
    private readonly WatchOptions _options;
    private readonly Func<IReadOnlyList<PendingChange>, Task> _runBatch;
    private readonly IReadOnlyList<string> _excluded;
    private readonly FileSystemWatcher _watcher;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset First, long Size)> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private DateTimeOffset _lastEvent;
    private Task? _loop;

    /// <summary>Watches <paramref name="root"/>; <paramref name="excluded"/> are absolute folders inside it whose events are ignored (the data directory).</summary>
    public DirectoryWatcher(string root, WatchOptions options, IReadOnlyList<string> excluded, Func<IReadOnlyList<PendingChange>, Task> runBatch)
    {
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _options = options;
        _runBatch = runBatch;
        _excluded = [.. excluded.Select(e => Path.TrimEndingDirectorySeparator(Path.GetFullPath(e)) + Path.DirectorySeparatorChar)];
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentDags));
        _watcher = new FileSystemWatcher(_root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Created += (_, e) => Note(e.FullPath);
        _watcher.Changed += (_, e) => Note(e.FullPath);
        _watcher.Deleted += (_, e) => Note(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Note(e.OldFullPath);
            Note(e.FullPath);
        };

        // Events were lost (buffer overflow): reconcile the whole tree (the empty path stands for the root folder).
        _watcher.Error += (_, _) => Add(string.Empty);
    }

    public string Root => _root;

    /// <summary>Starts receiving events (they are held back until <see cref="Open"/>).</summary>
    public void Start() => _watcher.EnableRaisingEvents = true;

    /// <summary>Starts running batches (after the directory's catch-up ingest).</summary>
    public void Open() => _loop ??= Task.Run(LoopAsync);

    /// <summary>Records a change as if the file system had reported it (tests, and a manual refresh).</summary>
    public void Note(string fullPath)
    {
        var full = Path.GetFullPath(fullPath);
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || _excluded.Any(e => (full + Path.DirectorySeparatorChar).StartsWith(e, StringComparison.Ordinal)))
        {
            return;
        }

        var relative = Path.GetRelativePath(_root, full).Replace(Path.DirectorySeparatorChar, '/');
        var segments = relative.Split('/');
        if (segments.Any(DroppedFolders.Contains))
        {
            return;
        }

        // A file with an extension no grammar handles cannot become part of the index (folders and ignore files can change what is).
        var name = segments[^1];
        if (Path.HasExtension(name) && name != ".gitignore" && Languages.FromPath(relative) is null && !Directory.Exists(full))
        {
            return;
        }

        Add(relative);
    }

    private void Add(string relative)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            _lastEvent = now;
            if (!_pending.ContainsKey(relative))
            {
                _pending[relative] = (now, SizeOf(relative));
            }
        }
    }

    private long SizeOf(string relative)
    {
        try
        {
            var info = new FileInfo(Path.Combine(_root, relative));
            return info.Exists ? info.Length : -1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    // A file is busy while its size differs from the last look or it cannot be opened for reading.
    private bool IsBusy(string relative, ref long size)
    {
        var full = Path.Combine(_root, relative);
        var now = SizeOf(relative);
        if (now != size)
        {
            size = now;
            return true;
        }

        if (now < 0)
        {
            return false;
        }

        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return false;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private async Task LoopAsync()
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(_options.Debounce.TotalMilliseconds / 5, 2, 50));
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var ready = new List<PendingChange>();
            lock (_gate)
            {
                var now = DateTimeOffset.UtcNow;
                if (_pending.Count == 0 || now - _lastEvent < _options.Debounce)
                {
                    continue;
                }

                foreach (var path in _pending.Keys.ToList())
                {
                    if (_inFlight.Contains(path))
                    {
                        continue;
                    }

                    var (first, size) = _pending[path];
                    if (IsBusy(path, ref size) && now - first < _options.BusyTimeout)
                    {
                        _pending[path] = (first, size);
                        continue;
                    }

                    _pending.Remove(path);
                    _inFlight.Add(path);
                    ready.Add(new PendingChange(path, first));
                }
            }

            foreach (var batch in ready.Chunk(Math.Max(1, _options.BatchSize)))
            {
                await _slots.WaitAsync();
                var task = RunAsync(batch);
                lock (_gate)
                {
                    _running.RemoveAll(t => t.IsCompleted);
                    _running.Add(task);
                }
            }
        }
    }

    private async Task RunAsync(PendingChange[] batch)
    {
        try
        {
            await _runBatch(batch);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight.ExceptWith(batch.Select(c => c.Path));
            }

            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _watcher.EnableRaisingEvents = false;
        _watcher.Dispose();
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running);
        _stop.Dispose();
        _slots.Dispose();
    }
}
