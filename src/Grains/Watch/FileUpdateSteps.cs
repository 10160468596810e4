// The three steps of the watcher's file DAG (see FileUpdatePipeline). The plan made by detect-changes travels
// to the later nodes as JSON in its result, like every node output.
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using CodeIngest.Dag;
using CodeIngest.Indexing;
using CodeIngest.Ingestion;
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Watch;

/// <summary>What happens to one path: <see cref="WatchChanges"/> says how; language and size for files to parse, reason for skips.</summary>
public sealed record PlannedChange(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("change")] string Change,
    [property: JsonPropertyName("language")] string? Language = null,
    [property: JsonPropertyName("size")] long Size = 0,
    [property: JsonPropertyName("reason")] string? Reason = null);

/// <summary>The plan of one file DAG: the snapshot it updates and every path's change.</summary>
public sealed record ChangePlan([property: JsonPropertyName("snapshot")] string Snapshot, [property: JsonPropertyName("changes")] List<PlannedChange> Changes)
{
    public const string ResultKey = "plan";

    public string ToJson() => JsonSerializer.Serialize(this);

    public static ChangePlan From(Dictionary<string, string> result) =>
        JsonSerializer.Deserialize<ChangePlan>(result.GetValueOrDefault(ResultKey) ?? throw new NonRetryableStepException("the detect-changes node left no plan"))!;

    public IEnumerable<PlannedChange> ToParse => Changes.Where(c => c.Change is WatchChanges.Added or WatchChanges.Changed);
}

/// <summary>detect-changes (coder): applies the discovery rules to each changed path (and to the files under changed folders) and compares with the store.</summary>
public sealed class DetectChangesStep : IDagStep
{
    public const string StepName = "detect-changes";

    public string Name => StepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var root = context.Tools.Workspace(context.Require(FileUpdatePipeline.Parameters.Root));
        var repo = context.Require(IngestionPipeline.Parameters.Repo);
        var store = context.Tools.Store;
        var snapshot = await store.GetLatestSnapshotAsync(repo, cancellationToken)
            ?? throw new NonRetryableStepException($"repository '{repo}' has no published snapshot: ingest it before applying file changes");
        var options = DiscoverStep.OptionsFrom(context.Parameters);
        var paths = JsonSerializer.Deserialize<List<string>>(context.Require(FileUpdatePipeline.Parameters.Paths)) ?? [];
        if (!Directory.Exists(root))
        {
            throw new NonRetryableStepException($"watched directory '{root}' does not exist any more");
        }

        // Paths to classify: the changed paths, files now under changed folders, and what the store holds at or under them.
        var candidates = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var full = Path.Combine(root, path);
            if (Directory.Exists(full) && new DirectoryInfo(full).LinkTarget is null)
            {
                foreach (var file in Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
                {
                    candidates.Add(Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'));
                }
            }
            else
            {
                candidates.Add(path);
            }
        }

        // A changed ignore file can add or hide any path: compare a full discovery's membership with the store.
        var rescan = paths.Any(p => System.IO.Path.GetFileName(p) == ".gitignore" || p == ".git/info/exclude");
        var stored = (await store.GetPathStatesAsync(snapshot, rescan ? null : paths, cancellationToken)).ToDictionary(s => s.Path, StringComparer.Ordinal);
        candidates.UnionWith(stored.Keys);
        if (rescan)
        {
            var found = FileDiscoverer.Discover(root, options, cancellationToken);
            candidates.UnionWith(found.Files.Where(f => stored.GetValueOrDefault(f.Path)?.Hash is null).Select(f => f.Path));
            candidates.UnionWith(found.Skipped.Where(s => stored.GetValueOrDefault(s.Path)?.SkipReason != s.Reason).Select(s => s.Path));
            var files = found.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
            var skips = found.Skipped.ToDictionary(s => s.Path, s => s.Reason, StringComparer.Ordinal);
            bool Same(StoredPathState s) => s.Hash is not null ? files.Contains(s.Path) : skips.GetValueOrDefault(s.Path) == s.SkipReason;
            candidates.ExceptWith(stored.Values.Where(Same).Select(s => s.Path).Where(p => !paths.Contains(p)));
        }

        var plan = new List<PlannedChange>();
        foreach (var path in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (path.StartsWith(".git/", StringComparison.Ordinal) && !stored.ContainsKey(path))
            {
                continue;
            }

            var before = stored.GetValueOrDefault(path);
            var now = FileDiscoverer.Classify(root, path, options);
            if (now.Files.Count == 1)
            {
                var file = now.Files[0];
                var hash = Convert.ToHexStringLower(SHA256.HashData(await context.Tools.ReadWorkspaceFileAsync(root, path, cancellationToken)));
                var change = before?.Hash is null ? WatchChanges.Added : before.Hash == hash && before.Language == file.Language ? WatchChanges.Unchanged : WatchChanges.Changed;
                plan.Add(new PlannedChange(path, change, file.Language, file.Size));
            }
            else if (now.Skipped.Count == 1)
            {
                var reason = now.Skipped[0].Reason;
                plan.Add(new PlannedChange(path, before?.SkipReason == reason ? WatchChanges.Unchanged : WatchChanges.Skipped, Reason: reason));
            }
            else if (before is not null)
            {
                plan.Add(new PlannedChange(path, WatchChanges.Removed));
            }
            else if (!stored.Keys.Any(k => k.StartsWith(path + "/", StringComparison.Ordinal)))
            {
                // (A deleted or renamed folder is reported through the files it held.)
                plan.Add(new PlannedChange(path, WatchChanges.Ignored));
            }
        }

        return new Dictionary<string, string>
        {
            [ChangePlan.ResultKey] = new ChangePlan(snapshot, plan).ToJson(),
            ["snapshot"] = snapshot,
            ["paths"] = plan.Count.ToString(CultureInfo.InvariantCulture),
            ["to_parse"] = plan.Count(c => c.Change is WatchChanges.Added or WatchChanges.Changed).ToString(CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>parse-changes (coder): parses the added and changed files on a parse grain and stages the results as the job's own snapshot rows.</summary>
public sealed class ParseChangesStep : IDagStep
{
    public const string StepName = "parse-changes";

    public string Name => StepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var root = context.Tools.Workspace(context.Require(FileUpdatePipeline.Parameters.Root));
        var plan = ChangePlan.From(context.Dependencies["detect"]);
        var requests = new List<ParseRequest>();
        var unreadable = new List<ParsedFileContent>();
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var change in plan.ToParse)
        {
            try
            {
                var content = await context.Tools.ReadWorkspaceFileAsync(root, change.Path, cancellationToken);
                requests.Add(new ParseRequest(change.Path, change.Language!, content));
                sizes[change.Path] = content.LongLength;
            }
            catch (IOException ex)
            {
                // Like the parse stage: a file that vanished or cannot be read is stored with the reason (a later event corrects it).
                unreadable.Add(new ParsedFileContent(new ParsedFile(change.Path, change.Language!, 0, [], $"unreadable: {ex.Message}"), []));
                sizes[change.Path] = change.Size;
            }
        }

        var results = requests.Count == 0 ? [] : await context.Tools.FanOut().GetGrain<IFileParseGrain>($"{context.JobId}/0").ParseBatchAsync([.. requests]);
        var staged = results.Select((r, i) => new ParsedFileContent(r, requests[i].Content)).Concat(unreadable).ToList();
        await context.Tools.Store.SaveParsedFilesAsync(context.JobId, staged, cancellationToken);
        return new Dictionary<string, string>
        {
            ["files_parsed"] = staged.Count.ToString(CultureInfo.InvariantCulture),
            ["definitions"] = staged.Sum(f => f.File.Definitions.Length).ToString(CultureInfo.InvariantCulture),
            ["sizes"] = JsonSerializer.Serialize(sizes),
        };
    }
}

/// <summary>apply-changes (admin): chunks the staged files and applies the whole batch to the published snapshot in one transaction.</summary>
public sealed class ApplyChangesStep : IDagStep
{
    public const string StepName = "apply-changes";

    public string Name => StepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var store = context.Tools.Store;
        var plan = ChangePlan.From(context.Dependencies["detect"]);
        var sizes = JsonSerializer.Deserialize<Dictionary<string, long>>(context.DependencyOutput("parse", "sizes")) ?? [];
        var staged = await store.GetFilesAsync(context.JobId, cancellationToken);
        var chunks = staged.SelectMany(f => Chunker.Chunk(f)).ToList();
        var changes = new FileChangeSet(
            plan.Snapshot,
            context.JobId,
            [.. plan.ToParse.Select(c => new DiscoveredFile(c.Path, c.Language!, sizes.GetValueOrDefault(c.Path, c.Size)))],
            [.. plan.Changes.Where(c => c.Change == WatchChanges.Removed).Select(c => c.Path)],
            [.. plan.Changes.Where(c => c.Change == WatchChanges.Skipped).Select(c => new SkippedFile(c.Path, c.Reason!))],
            chunks);
        var stats = changes.Paths.Count == 0 ? null : await store.ApplyFileChangesAsync(changes, cancellationToken);
        var result = new Dictionary<string, string>
        {
            ["snapshot"] = plan.Snapshot,
            ["chunks"] = chunks.Count.ToString(CultureInfo.InvariantCulture),
            ["applied"] = changes.Paths.Count.ToString(CultureInfo.InvariantCulture),
        };
        if (stats is not null)
        {
            result["snapshot_files"] = stats.Files.ToString(CultureInfo.InvariantCulture);
            result["snapshot_symbols"] = stats.Symbols.ToString(CultureInfo.InvariantCulture);
            result["snapshot_chunks"] = stats.Chunks.ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }
}
