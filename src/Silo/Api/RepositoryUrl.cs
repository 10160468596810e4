// Strict validation of the repository URL a client asks to ingest: the shorthand github.com/owner/repo,
// https/ssh/scp-like git URLs, and (only when configured) file:// URLs or paths under allow-listed roots.
// Credentials embedded in a URL are refused without echoing the URL; internal hosts are refused unless allowed.
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CodeIngest.Ingestion;

namespace CodeIngest.Silo.Api;

public static partial class RepositoryUrl
{
    public const int MaxLength = 2048;

    private const string AcceptedRemote = "Accepted: github.com/owner/repo, https://host/owner/repo, ssh://git@host/owner/repo, git@host:owner/repo.git";

    /// <summary>Normalizes and validates <paramref name="raw"/>; on failure <paramref name="error"/> says what was wrong and what is accepted.</summary>
    public static bool TryNormalize(string? raw, ApiOptions options, out RepositorySource? source, out string? error)
    {
        source = null;
        var text = Unescape(raw ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            return Fail("the repository URL is empty. " + Accepted(options), out error);
        }

        if (text.Length > MaxLength)
        {
            return Fail($"the repository URL is longer than {MaxLength} characters", out error);
        }

        // Proxies and some clients collapse "//" in paths: "https:/github.com/x/y".
        text = CollapsedSchemeRegex().Replace(text, "$1://");
        text = FileSchemeRegex().Replace(text, "file:///");
        if (ShorthandRegex().IsMatch(text))
        {
            text = "https://" + text;
        }

        var scheme = SchemeRegex().Match(text) is { Success: true } m ? m.Groups[1].Value.ToLowerInvariant() : null;
        var isLocal = scheme == "file" || (scheme is null && !ScpRegex().IsMatch(text));
        return isLocal ? TryLocal(text, options, out source, out error) : TryRemote(text, scheme, options, out source, out error);
    }

    private static bool TryRemote(string text, string? scheme, ApiOptions options, out RepositorySource? source, out string? error)
    {
        source = null;
        string host;
        if (scheme is null)
        {
            host = ScpRegex().Match(text).Groups["host"].Value;
        }
        else
        {
            if (scheme is not ("https" or "http" or "ssh" or "git"))
            {
                return Fail($"the URL scheme '{scheme}' is not supported. {AcceptedRemote}", out error);
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            {
                return Fail($"the URL is malformed or has no host. {AcceptedRemote}", out error);
            }

            // Never echo a URL that carries credentials: the message would leak them into logs and responses.
            if (uri.UserInfo.Length > 0 && (scheme is "https" or "http" || uri.UserInfo.Contains(':', StringComparison.Ordinal)))
            {
                return Fail("credentials in the repository URL are not accepted (the URL is not echoed); configure git credentials on the server instead", out error);
            }

            host = uri.IdnHost;
        }

        if (!options.AllowInternalHosts && IsInternalHost(host))
        {
            return Fail($"the host '{host}' is internal (localhost, private or link-local address); this server only ingests public hosts", out error);
        }

        if (!RepositorySource.TryParse(text, out source, out var parseError))
        {
            return Fail(parseError!, out error);
        }

        error = null;
        return true;
    }

    private static bool TryLocal(string text, ApiOptions options, out RepositorySource? source, out string? error)
    {
        source = null;
        if (!options.AllowLocalPaths)
        {
            return Fail($"local paths and file:// URLs are not accepted by this server (set {ApiOptions.Section}:AllowLocalPaths=true and list {ApiOptions.Section}:LocalRoots to allow them). {AcceptedRemote}", out error);
        }

        if (!RepositorySource.TryParse(text, out source, out var parseError))
        {
            return Fail(parseError!, out error);
        }

        // Symbolic links are resolved first: a link under an allowed root must not lead outside it.
        var path = RealPath(source!.LocalPath!);
        if (!options.LocalRoots.Any(root => IsUnder(path, RealPath(Path.GetFullPath(root)))))
        {
            source = null;
            return Fail($"'{path}' is not under an allowed local root ({string.Join(", ", options.LocalRoots)})", out error);
        }

        error = null;
        return true;
    }

    /// <summary>The absolute path with every symbolic link along it resolved (what realpath(3) answers).</summary>
    internal static string RealPath(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var current = root;
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            try
            {
                var target = new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: true)
                    ?? (File.Exists(next) ? new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true) : null);
                current = target is null ? next : Path.GetFullPath(target.FullName);
            }
            catch (IOException)
            {
                current = next;
            }
        }

        return current;
    }

    private static bool IsUnder(string path, string root)
    {
        var full = root.TrimEnd(Path.DirectorySeparatorChar);
        return path.Equals(full, StringComparison.Ordinal) || path.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    internal static bool IsInternalHost(string host)
    {
        var h = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        if (h is "localhost" or "" || h.EndsWith(".localhost", StringComparison.Ordinal) || h.EndsWith(".local", StringComparison.Ordinal) || h.EndsWith(".internal", StringComparison.Ordinal))
        {
            return true;
        }

        if (!IPAddress.TryParse(h, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
    }

    private static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    private static string Accepted(ApiOptions options) =>
        options.AllowLocalPaths ? AcceptedRemote + ", file:///path or a local path under an allowed root." : AcceptedRemote + ".";

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?::\d{1,5})?/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/?$")]
    private static partial Regex ShorthandRegex();

    [GeneratedRegex(@"^(https?|ssh|git):/(?!/)", RegexOptions.IgnoreCase)]
    private static partial Regex CollapsedSchemeRegex();

    [GeneratedRegex(@"^file:/+(?=[^/])", RegexOptions.IgnoreCase)]
    private static partial Regex FileSchemeRegex();

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://")]
    private static partial Regex SchemeRegex();

    [GeneratedRegex(@"^(?<user>[A-Za-z0-9._\-]+)@(?<host>[A-Za-z0-9.\-]+):(?<path>[^/].*)$")]
    private static partial Regex ScpRegex();
}
