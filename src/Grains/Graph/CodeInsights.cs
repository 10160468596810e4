// Read side of the graph, quality and summary area, shared by the CLI and the REST API: finds a
// repository and snapshot by what a user typed, and loads a snapshot's graph, quality review and
// summary from the store. A snapshot ingested before these stages existed has no stored reports: they
// are then computed from its stored files (and not written: readers never write).
using System.Text.Json;
using System.Text.Json.Serialization;
using CodeIngest.Quality;
using CodeIngest.Search;
using CodeIngest.Storage;
using CodeIngest.Summary;

namespace CodeIngest.Graph;

/// <summary>A question the store cannot answer as asked (unknown repository, snapshot or symbol); the message says what exists.</summary>
public sealed class InsightNotFoundException(string message) : Exception(message);

public sealed class CodeInsights(ICodeStore store)
{
    /// <summary>How reports are stored and printed: snake_case, relaxed escaping.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public ICodeStore Store => store;

    /// <summary>The repository id a user means: exact, else the only repository whose id ends with "/" + the input.</summary>
    public async Task<RepoInfo> FindRepoAsync(string repo, CancellationToken cancellationToken = default)
    {
        var repos = await store.ListReposAsync(cancellationToken);
        var input = repo.Trim().TrimEnd('/');
        var exact = repos.FirstOrDefault(r => string.Equals(r.Repo, input, StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }

        var suffix = repos.Where(r => r.Repo.EndsWith("/" + input, StringComparison.OrdinalIgnoreCase)).ToList();
        if (suffix.Count == 1)
        {
            return suffix[0];
        }

        var known = repos.Count == 0 ? "none has been ingested yet" : "known: " + string.Join(", ", repos.Select(r => r.Repo).Take(20));
        throw new InsightNotFoundException(suffix.Count > 1
            ? $"repository '{repo}' is ambiguous: {string.Join(", ", suffix.Select(r => r.Repo))}"
            : $"no repository '{repo}'; {known}");
    }

    /// <summary>
    /// A snapshot of <paramref name="repo"/>: null or "latest" is the published one, "previous" the completed one before it;
    /// otherwise a snapshot (job) id or a commit (prefix of at least 4 characters).
    /// </summary>
    public async Task<SnapshotSummary> FindSnapshotAsync(RepoInfo repo, string? reference, CancellationToken cancellationToken = default)
    {
        var snapshots = await store.ListSnapshotsAsync(repo.Repo, cancellationToken);
        var completed = snapshots.Where(s => s.Completed).ToList();
        SnapshotSummary? found = null;
        if (string.IsNullOrWhiteSpace(reference) || reference == "latest")
        {
            found = snapshots.FirstOrDefault(s => s.SnapshotId == repo.LatestSnapshot);
        }
        else if (reference == "previous")
        {
            var latest = completed.FindIndex(s => s.SnapshotId == repo.LatestSnapshot);
            found = latest >= 0 && latest + 1 < completed.Count ? completed[latest + 1] : null;
        }
        else
        {
            found = snapshots.FirstOrDefault(s => s.SnapshotId == reference);
            if (found is null && reference.Length >= 4)
            {
                var byCommit = completed.Where(s => s.Commit?.StartsWith(reference, StringComparison.OrdinalIgnoreCase) == true).ToList();
                found = byCommit.FirstOrDefault();
            }
        }

        return found ?? throw new InsightNotFoundException(
            $"repository '{repo.Repo}' has no snapshot '{reference}'; use latest, previous, a snapshot id or a commit (prefix). Snapshots: "
            + string.Join(", ", completed.Take(10).Select(s => $"{s.SnapshotId} ({(s.Commit is { Length: >= 12 } c ? c[..12] : s.Commit ?? "no commit")}, {s.CreatedAt:yyyy-MM-dd HH:mm})")));
    }

    public async Task<(IReadOnlyList<GraphEdge> Edges, ArchitectureReport Architecture)> GraphAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        var json = await store.GetReportAsync(snapshotId, ReportKinds.Architecture, cancellationToken);
        if (json is not null)
        {
            return (await store.GetGraphEdgesAsync(snapshotId, cancellationToken), JsonSerializer.Deserialize<ArchitectureReport>(json, Json)!);
        }

        var files = await store.GetFilesAsync(snapshotId, cancellationToken);
        var graph = GraphBuilder.Build(files, cancellationToken);
        return (graph.Edges, ArchitectureAnalyzer.Analyze(graph, cancellationToken));
    }

    public async Task<QualityReport> QualityAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        var json = await store.GetReportAsync(snapshotId, ReportKinds.Quality, cancellationToken);
        return json is not null
            ? JsonSerializer.Deserialize<QualityReport>(json, Json)!
            : QualityAnalyzer.Analyze(await store.GetFilesAsync(snapshotId, cancellationToken), cancellationToken);
    }

    public async Task<RepositorySummary> SummaryAsync(RepoInfo repo, SnapshotSummary snapshot, CancellationToken cancellationToken = default)
    {
        var json = await store.GetReportAsync(snapshot.SnapshotId, ReportKinds.Summary, cancellationToken);
        var summary = json is not null
            ? JsonSerializer.Deserialize<RepositorySummary>(json, Json)!
            : SummaryBuilder.Build(repo.Repo, snapshot.Commit, await store.GetFilesAsync(snapshot.SnapshotId, cancellationToken),
                (await GraphAsync(snapshot.SnapshotId, cancellationToken)).Architecture, await QualityAsync(snapshot.SnapshotId, cancellationToken));

        // The model-written text is the result of the job's summarize-model node (a researcher may not write the store).
        var job = await store.GetJobAsync(snapshot.SnapshotId, cancellationToken);
        var node = job is null ? null : Dag.JobViewJson.Deserialize(job.ViewJson)?.Nodes.FirstOrDefault(n => n.Id == SummarizeModelStepName);
        if (node?.Result.GetValueOrDefault("model_summary") is { Length: > 0 } text)
        {
            summary = summary with { ModelSummary = text, Model = node.Result.GetValueOrDefault("model") };
        }

        return summary;
    }

    public async Task<SnapshotComparison> DiffAsync(string repo, string from, string to, CancellationToken cancellationToken = default)
    {
        var info = await FindRepoAsync(repo, cancellationToken);
        var a = await FindSnapshotAsync(info, from, cancellationToken);
        var b = await FindSnapshotAsync(info, to, cancellationToken);
        return SnapshotDiff.Compare(info.Repo, a, b,
            await store.GetFilesAsync(a.SnapshotId, cancellationToken), await store.GetFilesAsync(b.SnapshotId, cancellationToken),
            await QualityAsync(a.SnapshotId, cancellationToken), await QualityAsync(b.SnapshotId, cancellationToken));
    }

    /// <summary>The latest snapshot of each repository (or of the one named).</summary>
    public async Task<IReadOnlyList<(RepoInfo Repo, SnapshotSummary Snapshot)>> LatestAsync(string? repo, CancellationToken cancellationToken = default)
    {
        var repos = repo is null ? await store.ListReposAsync(cancellationToken) : [await FindRepoAsync(repo, cancellationToken)];
        var result = new List<(RepoInfo, SnapshotSummary)>();
        foreach (var r in repos)
        {
            result.Add((r, await FindSnapshotAsync(r, null, cancellationToken)));
        }

        return result;
    }

    /// <summary>Node id of the optional model-summary step in the ingestion DAG.</summary>
    public const string SummarizeModelStepName = "summarize-model";
}
