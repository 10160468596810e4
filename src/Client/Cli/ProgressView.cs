// Live per-stage progress of a job on a terminal.
using CodeIngest.Dag;
using Spectre.Console;

namespace CodeIngest.Client.Cli;

internal static class ProgressView
{
    public static async Task<JobView> FollowAsync(CodeIngestClient client, JobView started, CancellationToken ct)
    {
        JobView view = started;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var tasks = started.Nodes.ToDictionary(n => n.Id, n => ctx.AddTask(Describe(n), autoStart: false, maxValue: 100));
                view = await client.WaitForJobAsync(started.JobId, v =>
                {
                    foreach (var node in v.Nodes)
                    {
                        var task = tasks[node.Id];
                        if (node.Status != NodeStatus.Pending && !task.IsStarted)
                        {
                            task.StartTask();
                        }

                        task.Description = Describe(node);
                        task.Value = node.Status is NodeStatus.Completed ? 100 : node.Progress * 100;
                        if (node.Status is NodeStatus.Completed or NodeStatus.Failed or NodeStatus.Skipped && task.IsStarted)
                        {
                            task.StopTask();
                        }
                    }
                }, TimeSpan.FromMilliseconds(200), ct);
            });
        return view;
    }

    private static string Describe(NodeView node)
    {
        var color = node.Status switch
        {
            NodeStatus.Completed => "green",
            NodeStatus.Failed => "red",
            NodeStatus.Retrying => "yellow",
            NodeStatus.Running => "blue",
            _ => "grey",
        };
        var detail = node.Status switch
        {
            NodeStatus.Retrying => $" attempt {node.Attempts} failed, retrying",
            NodeStatus.Failed => $" {node.Error}",
            _ => node.Message is null ? "" : $" {node.Message}",
        };
        if (detail.Length > 60)
        {
            detail = detail[..57] + "...";
        }

        return $"{Markup.Escape(node.Id),-9} [{color}]{node.Status.ToString().ToLowerInvariant()}[/][grey]{Markup.Escape(detail)}[/]";
    }
}
