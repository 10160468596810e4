// clone (coder): makes the repository's files available locally and opens the job's snapshot.
using System.Globalization;
using CodeIngest.Dag;
using CodeIngest.Storage;

namespace CodeIngest.Ingestion;

public sealed class CloneStep : IDagStep
{
    public const string StepName = "clone";

    public string Name => StepName;

    public async Task<Dictionary<string, string>> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        RepositorySource source;
        try
        {
            source = RepositorySource.Parse(context.Require(IngestionPipeline.Parameters.Url));
        }
        catch (InvalidRepositorySourceException ex)
        {
            throw new NonRetryableStepException(ex.Message, ex);
        }

        var branch = context.Parameters.GetValueOrDefault(IngestionPipeline.Parameters.Branch);
        var timeout = TimeSpan.FromSeconds(int.Parse(context.Parameters.GetValueOrDefault(IngestionPipeline.Parameters.CloneTimeoutSeconds, "600"), CultureInfo.InvariantCulture));
        string workspaceRoot;
        if (source.Kind == SourceKind.Remote)
        {
            workspaceRoot = context.Tools.CloneWorkspaceRoot();
        }
        else
        {
            // A local tree is read in place: reading the workspace is all this needs.
            context.Tools.Workspace(source.LocalPath!);
            workspaceRoot = context.Tools.CloneWorkspaceRoot();
        }

        var clone = await GitCloner.PrepareAsync(source, workspaceRoot, branch, timeout, cancellationToken);
        await context.Tools.Store.BeginSnapshotAsync(new SnapshotInfo(context.JobId, source.RepoId, source.Url, clone.Branch, clone.Commit, DateTimeOffset.UtcNow), cancellationToken);
        var result = new Dictionary<string, string>
        {
            ["repo"] = source.RepoId,
            ["url"] = source.Url,
            ["workdir"] = clone.WorkingDirectory,
            ["is_git"] = clone.IsGit ? "true" : "false",
        };
        if (clone.Commit is not null)
        {
            result["commit"] = clone.Commit;
        }

        if (clone.Branch is not null)
        {
            result["branch"] = clone.Branch;
        }

        return result;
    }
}
