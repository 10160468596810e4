// A job whose silo dies resumes on another silo from its last completed node.
using CodeIngest.Client;
using CodeIngest.Dag;
using CodeIngest.Tests.Cluster;
using Orleans.Runtime;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Dag;

public sealed class DagResumeTests
{
    [Fact]
    public async Task A_job_resumes_on_another_silo_after_the_silo_holding_it_dies()
    {
        var data = Directory.CreateTempSubdirectory("codeingest-resume-").FullName;
        await using var cluster = TestClusters.Build(data);
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        await cluster.WaitForLivenessToStabilizeAsync();
        var client = new CodeIngestClient(cluster.Client);
        var victim = cluster.Silos[1];

        // Find a job id whose job grain and "long" node grain both activate on the silo we are going to kill.
        string jobId;
        var attempts = 0;
        while (true)
        {
            jobId = CodeIngestClient.NewJobId();
            var job = cluster.Client.GetGrain<IIngestionJobGrain>(jobId);
            var node = cluster.Client.GetGrain<IDagNodeGrain>($"{jobId}/long");
            await job.GetStatusAsync();
            await node.CancelAsync();
            if (IsOn(job) && IsOn(node))
            {
                break;
            }

            Assert.True(++attempts < 200, "could not place a job on the second silo");
        }

        var spec = DagEngineTests.Dag(
            DagEngineTests.Node("first"),
            DagEngineTests.Node("long", deps: ["first"], retry: new RetryPolicy(3, TimeSpan.FromMilliseconds(50), 2, TimeSpan.FromSeconds(1), 0), parameters: new() { ["delay_ms"] = "4000" }),
            DagEngineTests.Node("last", deps: ["long"]));
        await client.StartAsync(spec, jobId);

        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while ((await client.GetJobAsync(jobId)).Nodes.Single(n => n.Id == "long").Status != NodeStatus.Running)
            {
                await Task.Delay(50, wait.Token);
            }
        }

        await cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        JobView view;
        while (true)
        {
            try
            {
                view = await client.WaitForJobAsync(jobId, pollInterval: TimeSpan.FromMilliseconds(200), cancellationToken: timeout.Token);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Calls can fail while the cluster notices the dead silo.
                await Task.Delay(500, timeout.Token);
            }
        }

        Assert.Equal(JobStatus.Completed, view.Status);
        var runs = StepJournal.For(jobId);

        // The completed node is not run again; the interrupted one is; the last one runs once after it.
        Assert.Single(runs, r => r.NodeId == "first");
        Assert.Single(runs, r => r.NodeId == "last");
        var longNode = view.Nodes.Single(n => n.Id == "long");
        Assert.True(longNode.Attempts >= 2, $"the interrupted node must have been restarted (attempts: {longNode.Attempts})");
        Assert.NotEqual(victim.Name, runs.Single(r => r.NodeId == "last").Silo);
        Assert.False(IsOn(cluster.Client.GetGrain<IIngestionJobGrain>(jobId)));

        bool IsOn(IAddressable grain) =>
            cluster.TryGetGrainContext(grain.GetGrainId(), out var context) && context!.Address!.SiloAddress!.Equals(victim.SiloAddress);
    }
}
