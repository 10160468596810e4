// Cancelling reaches the step itself: when a job is cancelled (or a node runs past its timeout), the token of the running
// step is cancelled, so its work stops instead of running on, on the thread pool, after the job was reported cancelled.
using CodeIngest.Dag;
using CodeIngest.Tests.Cluster;
using Xunit;

namespace CodeIngest.Tests.Dag;

[Collection(ClusterCollection.Name)]
public sealed class DagCancelTests(ClusterFixture fixture)
{
    // How long a test waits for the step to report back: a bound on a hang, not a measure of speed.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition())
        {
            if (patience.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return true;
    }

    [Fact]
    public async Task Cancelling_a_job_cancels_the_token_of_its_running_step()
    {
        var started = await fixture.Client.StartAsync(DagEngineTests.Dag(DagEngineTests.Node("wait", step: "until-cancelled", timeout: TimeSpan.FromMinutes(10))));
        Assert.True(await EventuallyAsync(() => StepJournal.For(started.JobId).Count > 0), "the step never started");

        var cancelled = await fixture.Client.CancelJobAsync(started.JobId);

        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        var node = Assert.Single(cancelled.Nodes);
        Assert.Equal((NodeStatus.Failed, "cancelled"), (node.Status, node.Error));
        Assert.True(await EventuallyAsync(() => CancelJournal.Observed.ContainsKey(started.JobId)), "the step's token was never cancelled: it would run on after the job ended");
        Assert.Equal("wait", CancelJournal.Observed[started.JobId].NodeId);
    }

    [Fact]
    public async Task A_step_that_runs_past_its_timeout_has_its_token_cancelled()
    {
        var started = await fixture.Client.StartAsync(DagEngineTests.Dag(DagEngineTests.Node("wait", step: "until-cancelled", timeout: TimeSpan.FromMilliseconds(300))));
        using var timeout = new CancellationTokenSource(Patience);
        var view = await fixture.Client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(50), cancellationToken: timeout.Token);

        Assert.Equal(JobStatus.Failed, view.Status);
        Assert.Contains("timed out", Assert.Single(view.Nodes).Error);
        Assert.True(await EventuallyAsync(() => CancelJournal.Observed.ContainsKey(started.JobId)), "the step's token was never cancelled: it would run on after its node failed");
    }
}
