// Makes a repository source available as a working directory: clones (or refreshes) remote and
// file:// sources into the workspace, uses local working trees and directories as they are.
using CodeIngest.Dag;
using LibGit2Sharp;

namespace CodeIngest.Ingestion;

/// <summary>The working directory to ingest and what it holds: commit sha and branch (null when not known or not git).</summary>
public sealed record CloneResult(string WorkingDirectory, string? Commit, string? Branch, bool IsGit);

public static class GitCloner
{
    /// <summary>
    /// Prepares <paramref name="source"/> for ingestion. Clone URLs go to <c>workspaceRoot/&lt;safe name&gt;</c> (an existing clone of the
    /// same remote is fetched and checked out instead). Errors retrying cannot fix (unreachable, not found, unknown branch, empty
    /// repository) are <see cref="NonRetryableStepException"/>; timeouts are <see cref="TimeoutException"/> (retryable).
    /// </summary>
    public static async Task<CloneResult> PrepareAsync(RepositorySource source, string workspaceRoot, string? branch, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ct.ThrowIfCancellationRequested();
        branch = string.IsNullOrWhiteSpace(branch) ? null : branch.Trim();

        switch (source.Kind)
        {
            case SourceKind.LocalDirectory:
                return PrepareLocalDirectory(source);
            case SourceKind.LocalGit when !source.IsCloneUrl && source.LocalPath is not null && !RepositorySource.IsBareRepository(source.LocalPath):
                return PrepareLocalGit(source, branch);
            default:
                return await CloneAsync(source, workspaceRoot, branch, timeout, ct).ConfigureAwait(false);
        }
    }

    private static CloneResult PrepareLocalDirectory(RepositorySource source)
    {
        var path = source.LocalPath ?? source.Url;
        if (!Directory.Exists(path))
        {
            throw new NonRetryableStepException($"directory '{path}' does not exist");
        }

        return new CloneResult(path, null, null, false);
    }

    private static CloneResult PrepareLocalGit(RepositorySource source, string? branch)
    {
        var path = source.LocalPath!;
        if (!Directory.Exists(path))
        {
            throw new NonRetryableStepException($"directory '{path}' does not exist");
        }

        try
        {
            using var repo = new Repository(path);
            var commit = repo.Head.Tip?.Sha;
            var current = repo.Info.IsHeadDetached ? null : repo.Head.FriendlyName;
            if (branch is not null && !string.Equals(branch, current, StringComparison.Ordinal))
            {
                throw new NonRetryableStepException(
                    $"branch '{branch}' was requested but the local working tree '{path}' is on {(current is null ? "a detached HEAD" : $"'{current}'")}; " +
                    "CodeIngest does not check out branches in your working tree (check it out yourself, or ingest without a branch)");
            }

            return new CloneResult(path, commit, current, true);
        }
        catch (RepositoryNotFoundException ex)
        {
            throw new NonRetryableStepException($"'{path}' is not a readable git repository: {ex.Message}", ex);
        }
    }

    private static async Task<CloneResult> CloneAsync(RepositorySource source, string workspaceRoot, string? branch, TimeSpan timeout, CancellationToken ct)
    {
        var url = source.IsCloneUrl || source.Kind == SourceKind.Remote ? source.Url : source.LocalPath!;
        Directory.CreateDirectory(workspaceRoot);
        var target = Path.Combine(Path.GetFullPath(workspaceRoot), source.WorkspaceDirectoryName());

        using var timeoutCts = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        var token = linked.Token;

        var work = Task.Run(() => CloneOrFetch(url, target, branch, token), CancellationToken.None);
        try
        {
            // The callbacks stop libgit2 at the next progress report; WaitAsync returns on time even when the remote is silent.
            return await work.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"git clone of {url} did not finish within {timeout.TotalSeconds:0.#} s");
        }
        catch (LibGit2SharpException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"git clone of {url} did not finish within {timeout.TotalSeconds:0.#} s");
        }
        catch (LibGit2SharpException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    private static CloneResult CloneOrFetch(string url, string target, string? branch, CancellationToken token)
    {
        // Listing the remote first gives clear errors: unreachable, empty, unknown branch.
        var (defaultBranch, branches) = ListRemote(url);
        token.ThrowIfCancellationRequested();
        if (branches.Count == 0)
        {
            throw new NonRetryableStepException($"repository has no commits: {url}");
        }

        var wanted = branch ?? defaultBranch ?? (branches.Contains("main") ? "main" : branches.Contains("master") ? "master" : branches[0]);
        if (!branches.Contains(wanted))
        {
            throw new NonRetryableStepException(
                $"branch '{wanted}' not found in {url}; available branches: {string.Join(", ", branches)}");
        }

        if (TryFetchExisting(url, target, wanted, token) is { } refreshed)
        {
            return refreshed;
        }

        DeleteDirectory(target);
        var staging = $"{target}.tmp-{Guid.NewGuid():N}";
        try
        {
            var options = new CloneOptions { BranchName = wanted, Checkout = true, RecurseSubmodules = false };
            options.FetchOptions.OnTransferProgress = _ => !token.IsCancellationRequested;
            options.FetchOptions.OnProgress = _ => !token.IsCancellationRequested;
            options.OnCheckoutProgress = (_, _, _) => { };
            try
            {
                Repository.Clone(url, staging, options);
            }
            catch (LibGit2SharpException ex)
            {
                token.ThrowIfCancellationRequested();
                throw MapError(url, ex);
            }

            token.ThrowIfCancellationRequested();
            Directory.Move(staging, target);
        }
        finally
        {
            DeleteDirectory(staging);
        }

        using var repo = new Repository(target);
        if (repo.Head.Tip is null)
        {
            throw new NonRetryableStepException($"repository has no commits: {url}");
        }

        return new CloneResult(target, repo.Head.Tip.Sha, repo.Head.FriendlyName, true);
    }

    private static CloneResult? TryFetchExisting(string url, string target, string wanted, CancellationToken token)
    {
        if (!Directory.Exists(target))
        {
            return null;
        }

        try
        {
            if (!Repository.IsValid(target))
            {
                return null;
            }

            using var repo = new Repository(target);
            var origin = repo.Network.Remotes["origin"];
            if (origin is null || !string.Equals(origin.Url, url, StringComparison.Ordinal))
            {
                return null;
            }

            var fetch = new FetchOptions { Prune = true, TagFetchMode = TagFetchMode.None };
            fetch.OnTransferProgress = _ => !token.IsCancellationRequested;
            fetch.OnProgress = _ => !token.IsCancellationRequested;
            try
            {
                Commands.Fetch(repo, "origin", origin.FetchRefSpecs.Select(r => r.Specification), fetch, null);
            }
            catch (LibGit2SharpException ex)
            {
                token.ThrowIfCancellationRequested();
                throw MapError(url, ex);
            }

            var remoteBranch = repo.Branches[$"origin/{wanted}"];
            if (remoteBranch?.Tip is null)
            {
                return null;
            }

            var local = repo.Branches[wanted] ?? repo.CreateBranch(wanted, remoteBranch.Tip);
            repo.Branches.Update(local, b => b.TrackedBranch = remoteBranch.CanonicalName);
            Commands.Checkout(repo, local, new CheckoutOptions { CheckoutModifiers = CheckoutModifiers.Force });
            repo.Reset(ResetMode.Hard, remoteBranch.Tip);
            repo.RemoveUntrackedFiles();
            return new CloneResult(target, repo.Head.Tip!.Sha, repo.Head.FriendlyName, true);
        }
        catch (LibGit2SharpException)
        {
            // A damaged clone: start again from scratch.
            return null;
        }
    }

    private static (string? DefaultBranch, List<string> Branches) ListRemote(string url)
    {
        IEnumerable<Reference> references;
        try
        {
            references = Repository.ListRemoteReferences(url).ToList();
        }
        catch (LibGit2SharpException ex)
        {
            throw MapError(url, ex);
        }

        string? defaultBranch = null;
        var branches = new List<string>();
        foreach (var reference in references)
        {
            if (reference.CanonicalName == "HEAD" && reference is SymbolicReference { TargetIdentifier: { } head } && head.StartsWith("refs/heads/", StringComparison.Ordinal))
            {
                defaultBranch = head["refs/heads/".Length..];
            }
            else if (reference.CanonicalName.StartsWith("refs/heads/", StringComparison.Ordinal))
            {
                branches.Add(reference.CanonicalName["refs/heads/".Length..]);
            }
        }

        branches.Sort(StringComparer.Ordinal);
        if (defaultBranch is not null && !branches.Contains(defaultBranch))
        {
            defaultBranch = null;
        }

        return (defaultBranch, branches);
    }

    /// <summary>Maps a libgit2 failure to a non-retryable error (unreachable, not found, denied) or a retryable one.</summary>
    internal static Exception MapError(string url, LibGit2SharpException ex)
    {
        var message = ex.Message;
        bool Has(string s) => message.Contains(s, StringComparison.OrdinalIgnoreCase);

        if (Has("timed out") || Has("timeout"))
        {
            return new TimeoutException($"timed out contacting {url}: {message}", ex);
        }

        if (ex is RepositoryNotFoundException || Has("401") || Has("403") || Has("404") || Has("authentication") || Has("credentials")
            || Has("access denied") || Has("permission denied") || Has("not found") || Has("could not find repository")
            || Has("not a git repository") || Has("does not appear to be a git repository") || Has("unauthorized"))
        {
            return new NonRetryableStepException($"repository not found or access denied: {url} ({message})", ex);
        }

        if (Has("resolve") || Has("failed to connect") || Has("could not connect") || Has("no such file") || Has("unsupported url protocol")
            || Has("unreachable") || Has("connection refused") || Has("invalid") || Has("malformed") || Has("ssl") || Has("certificate"))
        {
            return new NonRetryableStepException($"could not reach {url}: {message}", ex);
        }

        return new IOException($"git operation on {url} failed: {message}", ex);
    }

    private static void DeleteDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        // Git object files are read-only; clear attributes so the delete succeeds everywhere.
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            try
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        Directory.Delete(path, recursive: true);
    }
}
