// Discovery: which files of a working directory are parsed, and why the others are skipped.
using System.Buffers;
using System.Text.Unicode;
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Ingestion;

/// <summary>
/// What discovery accepts. <paramref name="IncludeExtensions"/> (".py" or "py", case-insensitive) limits files when non-empty;
/// <paramref name="IgnorePatterns"/> use .gitignore syntax and take precedence over .gitignore files.
/// </summary>
public sealed record DiscoveryOptions(
    IReadOnlyList<string>? IncludeExtensions,
    IReadOnlyList<string> IgnorePatterns,
    long MaxFileSize = 1_048_576,
    bool RespectGitIgnore = true,
    bool SkipGenerated = true)
{
    /// <summary>Directories ignored by default (vendored code, build output, tool state).</summary>
    public static readonly IReadOnlyList<string> DefaultIgnoreDirectories =
        [".git", "node_modules", "bin", "obj", "target", "dist", "build", ".venv", "venv", "__pycache__", ".idea", ".vs", ".codeingest"];

    /// <summary>No include filter, the default ignored directories, 1 MiB limit, .gitignore respected.</summary>
    public static DiscoveryOptions Default { get; } = new(null, [.. DefaultIgnoreDirectories.Select(d => d + "/")]);
}

/// <summary>
/// Accepted files and skipped files with reasons (sorted by path), plus counts of files not recorded individually:
/// <see cref="UnsupportedFiles"/> (no grammar for the extension) and <see cref="IgnoredFiles"/> (ignore patterns, .gitignore;
/// an ignored directory counts once).
/// </summary>
public sealed record DiscoveryResult(IReadOnlyList<DiscoveredFile> Files, IReadOnlyList<SkippedFile> Skipped, int UnsupportedFiles = 0, int IgnoredFiles = 0);

public static class FileDiscoverer
{
    /// <summary>How much of a file is checked for NUL bytes.</summary>
    public const int BinaryProbeBytes = 8192;

    private const int MaxSymlinkHops = 40;

    /// <summary>Walks <paramref name="root"/> and classifies every file. Directory symlinks are never followed.</summary>
    public static DiscoveryResult Discover(string root, DiscoveryOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!Directory.Exists(rootFull))
        {
            throw new DirectoryNotFoundException($"discovery root '{rootFull}' does not exist");
        }

        var walker = new Walker(rootFull, options, ct);
        walker.Run();
        walker.Files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        walker.Skipped.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new DiscoveryResult(walker.Files, walker.Skipped, walker.Unsupported, walker.Ignored);
    }

    /// <summary>
    /// Classifies one path (relative, '/' separators) exactly as <see cref="Discover"/> would inside a walk of <paramref name="root"/>:
    /// the result holds the file, or its skip, or neither (ignored, unsupported, missing, or under an ignored or symlinked folder).
    /// </summary>
    public static DiscoveryResult Classify(string root, string relativePath, DiscoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var walker = new Walker(rootFull, options, CancellationToken.None);
        walker.VisitOne(relativePath);
        return new DiscoveryResult(walker.Files, walker.Skipped, walker.Unsupported, walker.Ignored);
    }

    /// <summary>Why a file's bytes cannot be ingested as text, or null when they can.</summary>
    internal static string? CheckContent(ReadOnlySpan<byte> bytes)
    {
        var probe = bytes[..Math.Min(bytes.Length, BinaryProbeBytes)];
        if (probe.IndexOf((byte)0) >= 0)
        {
            return "binary file";
        }

        var offset = 0;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            offset = 3;
        }

        var text = bytes[offset..];
        if (Utf8.IsValid(text))
        {
            return null;
        }

        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(16, text.Length));
        try
        {
            Utf8.ToUtf16(text, buffer, out var bytesRead, out _, replaceInvalidSequences: false, isFinalBlock: true);
            return $"not valid UTF-8 text (invalid byte at offset {offset + bytesRead})";
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>File names of lock files and minified bundles: machine-written, not worth parsing.</summary>
    private static readonly string[] GeneratedNameSuffixes = [".min.js", ".min.mjs", ".min.css", "-min.js", ".bundle.js", "package-lock.json", "pnpm-lock.yaml", "composer.lock", "Cargo.lock", "poetry.lock", "Gemfile.lock"];

    /// <summary>Markers that code generators put at the top of their output.</summary>
    private static readonly string[] GeneratedMarkers = ["@generated", "DO NOT EDIT", "<auto-generated", "Code generated by", "This file was automatically generated", "Generated by the protocol buffer compiler"];

    /// <summary>Files whose lines are this long on average (or that have one line this long) are minified or generated.</summary>
    internal const int MinifiedAverageLineLength = 400;

    internal const int MinifiedLongestLine = 20_000;

    /// <summary>Why a text file looks minified or machine-generated (such files can stall a parser and pollute search), or null.</summary>
    internal static string? CheckGenerated(string path, ReadOnlySpan<byte> bytes)
    {
        foreach (var suffix in GeneratedNameSuffixes)
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && (suffix[0] is '.' or '-' || path.Length == suffix.Length || path[^(suffix.Length + 1)] == '/'))
            {
                return $"generated file (name ends with '{suffix}')";
            }
        }

        var head = System.Text.Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 1024)]);
        foreach (var marker in GeneratedMarkers)
        {
            if (head.Contains(marker, StringComparison.Ordinal))
            {
                return $"generated file (marker '{marker}' near the top)";
            }
        }

        if (bytes.Length < 2048)
        {
            return null;
        }

        var lines = 0;
        var longest = 0;
        var rest = bytes;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var length = end < 0 ? rest.Length : end;
            longest = Math.Max(longest, length);
            lines++;
            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return longest >= MinifiedLongestLine || bytes.Length / lines >= MinifiedAverageLineLength
            ? $"minified or generated (longest line {longest} bytes, {bytes.Length / lines} bytes per line on average)"
            : null;
    }

    /// <summary>The path with every symbolic link resolved (like realpath); throws <see cref="IOException"/> on loops.</summary>
    internal static string RealPath(string path)
    {
        var hops = 0;
        return Resolve(Path.GetFullPath(path), ref hops);
    }

    private static string Resolve(string fullPath, ref int hops)
    {
        var rootPart = Path.GetPathRoot(fullPath) ?? "/";
        var current = rootPart;
        var parts = fullPath[rootPart.Length..].Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = new FileInfo(next);
            var link = info.Exists || Directory.Exists(next) ? (info.LinkTarget ?? new DirectoryInfo(next).LinkTarget) : null;
            if (link is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxSymlinkHops)
            {
                throw new IOException("too many levels of symbolic links");
            }

            var target = Path.IsPathRooted(link) ? link : Path.Combine(current, link);
            current = Resolve(Path.GetFullPath(target), ref hops);
        }

        return current;
    }

    private static bool IsUnder(string path, string root) =>
        path == root || (path.StartsWith(root, StringComparison.Ordinal) && (root.EndsWith('/') || path.Length > root.Length && path[root.Length] == Path.DirectorySeparatorChar));

    private sealed class Walker(string root, DiscoveryOptions options, CancellationToken ct)
    {
        private readonly IgnoreRuleSet _gitIgnore = new();
        private readonly IgnoreRuleSet _patterns = new();
        private readonly HashSet<string>? _include = options.IncludeExtensions is { Count: > 0 } list
            ? list.Select(e => e.StartsWith('.') ? e : "." + e).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : null;

        private string _realRoot = string.Empty;

        public List<DiscoveredFile> Files { get; } = [];

        public List<SkippedFile> Skipped { get; } = [];

        public int Unsupported { get; private set; }

        public int Ignored { get; private set; }

        public void Run() => Run(walk: true);

        private void Run(bool walk)
        {
            try
            {
                _realRoot = RealPath(root);
            }
            catch (IOException)
            {
                _realRoot = root;
            }

            _patterns.AddLines(options.IgnorePatterns, string.Empty);
            if (options.RespectGitIgnore)
            {
                var exclude = Path.Combine(root, ".git", "info", "exclude");
                if (File.Exists(exclude))
                {
                    _gitIgnore.AddLines(ReadLines(exclude), string.Empty);
                }
            }

            if (walk)
            {
                WalkDirectory(root, string.Empty);
            }
        }

        // The walk down to one path: the .gitignore files and ignore checks of every folder on the way, then the file itself.
        public void VisitOne(string relativePath)
        {
            Run(walk: false);
            var segments = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var directory = root;
            var relative = string.Empty;
            for (var i = 0; i < segments.Length; i++)
            {
                if (segments[i] is ".git" or "." or "..")
                {
                    return;
                }

                if (options.RespectGitIgnore && File.Exists(Path.Combine(directory, ".gitignore")))
                {
                    _gitIgnore.AddLines(ReadLines(Path.Combine(directory, ".gitignore")), relative);
                }

                var path = relative.Length == 0 ? segments[i] : $"{relative}/{segments[i]}";
                var full = Path.Combine(directory, segments[i]);
                FileSystemInfo entry = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
                if (!entry.Exists && entry.LinkTarget is null)
                {
                    return;
                }

                if (i == segments.Length - 1)
                {
                    if (entry.LinkTarget is not null)
                    {
                        VisitSymlink(entry, path);
                    }
                    else if (entry is FileInfo file)
                    {
                        VisitFile(file.FullName, path, () => file.Length);
                    }

                    return;
                }

                // Directory symlinks are never followed; an ignored folder hides everything under it.
                if (entry is not DirectoryInfo || entry.LinkTarget is not null || IsIgnored(path, isDirectory: true))
                {
                    return;
                }

                directory = full;
                relative = path;
            }
        }

        private static string[] ReadLines(string path)
        {
            try
            {
                return File.ReadAllLines(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return [];
            }
        }

        private bool IsIgnored(string relative, bool isDirectory) =>
            _patterns.Match(relative, isDirectory) ?? _gitIgnore.IsIgnored(relative, isDirectory);

        private void WalkDirectory(string directory, string relative)
        {
            ct.ThrowIfCancellationRequested();
            var mark = _gitIgnore.Count;
            if (options.RespectGitIgnore)
            {
                var gitignore = Path.Combine(directory, ".gitignore");
                if (File.Exists(gitignore))
                {
                    _gitIgnore.AddLines(ReadLines(gitignore), relative);
                }
            }

            List<FileSystemInfo> entries;
            try
            {
                entries = [.. new DirectoryInfo(directory).EnumerateFileSystemInfos()];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Skipped.Add(new SkippedFile(relative.Length == 0 ? "." : relative, $"unreadable: {ex.Message}"));
                _gitIgnore.RemoveFrom(mark);
                return;
            }

            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var entry in entries)
            {
                ct.ThrowIfCancellationRequested();
                var path = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
                if (entry.Name == ".git")
                {
                    continue;
                }

                if (entry.LinkTarget is not null)
                {
                    VisitSymlink(entry, path);
                }
                else if (entry is DirectoryInfo dir)
                {
                    if (IsIgnored(path, isDirectory: true))
                    {
                        Ignored++;
                    }
                    else
                    {
                        WalkDirectory(dir.FullName, path);
                    }
                }
                else if (entry is FileInfo file)
                {
                    VisitFile(file.FullName, path, () => file.Length);
                }
            }

            _gitIgnore.RemoveFrom(mark);
        }

        private void VisitSymlink(FileSystemInfo entry, string path)
        {
            string target;
            try
            {
                target = RealPath(entry.FullName);
            }
            catch (IOException ex)
            {
                Skipped.Add(new SkippedFile(path, $"unreadable: broken or looping symlink ({ex.Message})"));
                return;
            }

            var isDirectory = Directory.Exists(target);
            if (IsIgnored(path, isDirectory))
            {
                Ignored++;
                return;
            }

            if (!IsUnder(target, _realRoot))
            {
                Skipped.Add(new SkippedFile(path, $"symlink pointing outside the repository ({target})"));
                return;
            }

            if (isDirectory)
            {
                // Directory symlinks inside the root are not followed: their target is walked under its own path (and cycles cannot occur).
                return;
            }

            if (!File.Exists(target))
            {
                Skipped.Add(new SkippedFile(path, $"unreadable: broken symlink ({entry.LinkTarget})"));
                return;
            }

            VisitFile(target, path, () => new FileInfo(target).Length);
        }

        // The first bytes of an extensionless file, for its #! line; empty when it cannot be read.
        private static byte[] ReadHead(string fullPath)
        {
            try
            {
                using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
                var head = new byte[256];
                var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                return head[..read];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return [];
            }
        }

        private void VisitFile(string fullPath, string path, Func<long> length)
        {
            if (IsIgnored(path, isDirectory: false))
            {
                Ignored++;
                return;
            }

            if (_include is not null && !_include.Contains(Path.GetExtension(path)))
            {
                return;
            }

            var language = Languages.FromPath(path);
            if (language is null && Path.GetExtension(path).Length == 0)
            {
                language = Languages.FromShebang(ReadHead(fullPath));
            }

            if (language is null)
            {
                Unsupported++;
                return;
            }

            try
            {
                var size = length();
                if (size > options.MaxFileSize)
                {
                    Skipped.Add(new SkippedFile(path, $"larger than {options.MaxFileSize} bytes ({size} bytes)"));
                    return;
                }

                var bytes = File.ReadAllBytes(fullPath);
                if (bytes.LongLength > options.MaxFileSize)
                {
                    Skipped.Add(new SkippedFile(path, $"larger than {options.MaxFileSize} bytes ({bytes.LongLength} bytes)"));
                    return;
                }

                var reason = CheckContent(bytes) ?? (options.SkipGenerated ? CheckGenerated(path, bytes) : null);
                if (reason is not null)
                {
                    Skipped.Add(new SkippedFile(path, reason));
                    return;
                }

                // A .h header is C or C++ by what it contains.
                language = Languages.ForContent(language, path, bytes);
                Files.Add(new DiscoveredFile(path, language.Name, bytes.LongLength));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Skipped.Add(new SkippedFile(path, $"unreadable: {ex.Message}"));
            }
        }
    }
}
