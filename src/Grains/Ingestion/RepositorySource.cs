// What a user asked to ingest: a remote git URL, a local git working tree, or a plain directory,
// with the canonical repository id the rest of the system keys on.
using System.Text.RegularExpressions;
using LibGit2Sharp;

namespace CodeIngest.Ingestion;

/// <summary>How a repository source is obtained.</summary>
public enum SourceKind
{
    /// <summary>A URL that is cloned (https, http, ssh, scp-like).</summary>
    Remote,

    /// <summary>A local git repository (working tree, or a bare repository reached by path or <c>file://</c>).</summary>
    LocalGit,

    /// <summary>A local directory that is not a git repository.</summary>
    LocalDirectory,
}

/// <summary>
/// A parsed repository source. <see cref="RepoId"/> is canonical (<c>github.com/owner/name</c> or <c>local/&lt;absolute path&gt;</c>);
/// <see cref="Url"/> is what git clones from (the input URL, or <c>file://</c> URL, or the absolute path for local paths);
/// <see cref="LocalPath"/> is the absolute directory for local sources, null for remote ones.
/// </summary>
public sealed partial record RepositorySource(string RepoId, string Url, SourceKind Kind, string? LocalPath)
{
    /// <summary>The forms <see cref="Parse"/> accepts, quoted in every error message.</summary>
    public const string AcceptedForms =
        "Accepted: https://host/owner/repo, ssh://git@host/owner/repo, git@host:owner/repo.git, file:///path, or a local directory path.";

    /// <summary>True when git must clone <see cref="Url"/> (remote URLs, and <c>file://</c> URLs to git repositories).</summary>
    public bool IsCloneUrl => Kind == SourceKind.Remote || (Kind == SourceKind.LocalGit && Url.StartsWith("file://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses user input into a source; throws <see cref="InvalidRepositorySourceException"/> saying what was wrong and what is accepted.</summary>
    public static RepositorySource Parse(string input)
    {
        if (TryParseCore(input, out var source, out var error))
        {
            return source!;
        }

        throw new InvalidRepositorySourceException(input, error!);
    }

    /// <summary>Parses without throwing; <paramref name="error"/> is the full message (reason and accepted forms) when it fails.</summary>
    public static bool TryParse(string input, out RepositorySource? source, out string? error)
    {
        if (TryParseCore(input, out source, out var reason))
        {
            error = null;
            return true;
        }

        error = InvalidRepositorySourceException.FormatMessage(input, reason!);
        return false;
    }

    private static bool TryParseCore(string? input, out RepositorySource? source, out string? error)
    {
        source = null;
        error = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "the input is empty";
            return false;
        }

        var text = input.Trim();
        var schemeMatch = SchemeRegex().Match(text);
        if (schemeMatch.Success)
        {
            var scheme = schemeMatch.Groups[1].Value.ToLowerInvariant();
            return scheme switch
            {
                "http" or "https" or "ssh" or "git" => TryParseUrl(text, scheme, out source, out error),
                "file" => TryParseFileUrl(text, out source, out error),
                _ => Fail($"unsupported URL scheme '{schemeMatch.Groups[1].Value}://'", out error),
            };
        }

        var scp = ScpRegex().Match(text);
        if (scp.Success)
        {
            return TryParseScp(text, scp, out source, out error);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            return Fail("the URL scheme is malformed", out error);
        }

        return TryParseLocalPath(text, out source, out error);
    }

    private static bool TryParseUrl(string text, string scheme, out RepositorySource? source, out string? error)
    {
        source = null;
        if (HasInvalidUrlCharacters(text, out var bad))
        {
            return Fail($"the URL contains an invalid character ({bad})", out error);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return Fail("the URL is malformed or has no host", out error);
        }

        var path = TrimRepoPath(Uri.UnescapeDataString(uri.AbsolutePath));
        if (path.Length == 0)
        {
            return Fail($"the URL has no repository path (expected {scheme}://host/owner/repo)", out error);
        }

        var host = uri.Host.ToLowerInvariant();
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            host += ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        source = new RepositorySource($"{host}/{path}", text.TrimEnd('/'), SourceKind.Remote, null);
        error = null;
        return true;
    }

    private static bool TryParseScp(string text, Match match, out RepositorySource? source, out string? error)
    {
        source = null;
        if (HasInvalidUrlCharacters(text, out var bad))
        {
            return Fail($"the URL contains an invalid character ({bad})", out error);
        }

        var path = TrimRepoPath(match.Groups["path"].Value);
        if (path.Length == 0)
        {
            return Fail("the URL has no repository path (expected git@host:owner/repo.git)", out error);
        }

        source = new RepositorySource($"{match.Groups["host"].Value.ToLowerInvariant()}/{path}", text, SourceKind.Remote, null);
        error = null;
        return true;
    }

    private static bool TryParseFileUrl(string text, out RepositorySource? source, out string? error)
    {
        source = null;
        if (HasInvalidUrlCharacters(text, out var bad))
        {
            return Fail($"the URL contains an invalid character ({bad}); percent-encode it or give a plain local path", out error);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.IsFile || (uri.Host.Length > 0 && uri.Host != "localhost"))
        {
            return Fail("the file URL is malformed (expected file:///absolute/path)", out error);
        }

        var path = NormalizeDirectory(uri.LocalPath);
        if (path.Length == 0)
        {
            return Fail("the file URL has no path", out error);
        }

        if (!Directory.Exists(path))
        {
            return Fail(File.Exists(path) ? $"'{path}' is a file, not a directory" : $"the path '{path}' does not exist", out error);
        }

        var isGit = IsGitDirectory(path);
        source = new RepositorySource(
            "local/" + path,
            isGit ? "file://" + path : path,
            isGit ? SourceKind.LocalGit : SourceKind.LocalDirectory,
            path);
        error = null;
        return true;
    }

    private static bool TryParseLocalPath(string text, out RepositorySource? source, out string? error)
    {
        source = null;
        if (text.Contains('\0', StringComparison.Ordinal) || text.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return Fail("the path contains invalid characters", out error);
        }

        if (text == "~" || text.StartsWith("~/", StringComparison.Ordinal) || text.StartsWith("~\\", StringComparison.Ordinal))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            text = text.Length == 1 ? home : Path.Combine(home, text[2..]);
        }

        string path;
        try
        {
            path = NormalizeDirectory(Path.GetFullPath(text));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return Fail($"the path is not valid ({ex.Message})", out error);
        }

        if (!Directory.Exists(path))
        {
            return Fail(File.Exists(path) ? $"'{path}' is a file, not a directory" : $"the path '{path}' does not exist", out error);
        }

        var kind = IsGitDirectory(path) ? SourceKind.LocalGit : SourceKind.LocalDirectory;
        source = new RepositorySource("local/" + path, path, kind, path);
        error = null;
        return true;
    }

    /// <summary>A safe directory name for this source (letters, digits, '.', '-', '_') plus a short hash of the repo id.</summary>
    public string WorkspaceDirectoryName()
    {
        var chars = RepoId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray();
        var name = new string(chars).Trim('_', '.');
        if (name.Length > 80)
        {
            name = name[..80];
        }

        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RepoId + "\n" + Url));
        return $"{name}-{Convert.ToHexStringLower(hash)[..10]}";
    }

    internal static bool HasDotGit(string path)
    {
        var dotGit = Path.Combine(path, ".git");
        return Directory.Exists(dotGit) || File.Exists(dotGit);
    }

    internal static bool IsBareRepository(string path)
    {
        if (!File.Exists(Path.Combine(path, "HEAD")) || !Directory.Exists(Path.Combine(path, "objects")))
        {
            return false;
        }

        try
        {
            return Repository.IsValid(path);
        }
        catch (LibGit2SharpException)
        {
            return false;
        }
    }

    private static bool IsGitDirectory(string path) => HasDotGit(path) || IsBareRepository(path);

    private static string NormalizeDirectory(string path)
    {
        var root = Path.GetPathRoot(path) ?? string.Empty;
        var trimmed = path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return trimmed.Length < root.Length ? root : trimmed.Length == 0 ? root : trimmed;
    }

    private static string TrimRepoPath(string path)
    {
        var trimmed = path.Trim('/');
        if (trimmed.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[..^4].TrimEnd('/');
        }

        return trimmed;
    }

    private static bool HasInvalidUrlCharacters(string text, out string description)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                description = "whitespace";
                return true;
            }

            if (char.IsControl(c) || c is '<' or '>' or '"' or '{' or '}' or '|' or '\\' or '^' or '`')
            {
                description = $"'{c}'";
                return true;
            }
        }

        description = string.Empty;
        return false;
    }

    private static bool Fail(string reason, out string? error)
    {
        error = reason;
        return false;
    }

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://")]
    private static partial Regex SchemeRegex();

    [GeneratedRegex(@"^(?<user>[A-Za-z0-9._\-]+)@(?<host>[A-Za-z0-9.\-]+):(?<path>[^/].*)$")]
    private static partial Regex ScpRegex();
}

/// <summary>Input that is not a repository source; the message says what was wrong and what is accepted.</summary>
public sealed class InvalidRepositorySourceException : ArgumentException
{
    public InvalidRepositorySourceException(string? input, string reason)
        : base(FormatMessage(input, reason))
    {
        Input = input;
        Reason = reason;
    }

    /// <summary>The rejected input.</summary>
    public string? Input { get; }

    /// <summary>What was wrong, without the list of accepted forms.</summary>
    public string Reason { get; }

    internal static string FormatMessage(string? input, string reason) =>
        $"Invalid repository source '{input}': {reason}. {RepositorySource.AcceptedForms}";
}
