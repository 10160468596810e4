// DAG semantics on a two-silo cluster: ordering, parallel branches, retries with backoff,
// exhausted retries, timeouts, non-retryable errors, capability refusals, invalid DAGs.
using CodeIngest.Dag;
using CodeIngest.Storage;
using CodeIngest.Tests.Cluster;
using Xunit;

namespace CodeIngest.Tests.Dag;

[Collection(ClusterCollection.Name)]
public sealed class DagEngineTests(ClusterFixture fixture)
{
    internal static DagNodeSpec Node(string id, string step = "work", Role role = Role.Coder, string[]? deps = null, RetryPolicy? retry = null, TimeSpan? timeout = null, Dictionary<string, string>? parameters = null) =>
        new(id, step, role, deps ?? [], retry ?? RetryPolicy.None, timeout ?? TimeSpan.FromSeconds(30), parameters ?? []);

    internal static DagSpec Dag(params DagNodeSpec[] nodes) => new("test", nodes, TimeSpan.FromMinutes(2), new() { ["repo"] = "test/dag" });

    private async Task<JobView> RunAsync(DagSpec spec)
    {
        var started = await fixture.Client.StartAsync(spec);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await fixture.Client.WaitForJobAsync(started.JobId, pollInterval: TimeSpan.FromMilliseconds(50), cancellationToken: timeout.Token);
    }

    [Fact]
    public async Task Dependencies_run_in_order_and_independent_branches_run_in_parallel()
    {
        var slow = new Dictionary<string, string> { ["delay_ms"] = "700" };
        var view = await RunAsync(Dag(
            Node("a"),
            Node("b", deps: ["a"], parameters: slow),
            Node("c", deps: ["a"], parameters: slow),
            Node("d", deps: ["b", "c"])));

        Assert.Equal(JobStatus.Completed, view.Status);
        Assert.Equal(100, view.ProgressPercent);
        Assert.All(view.Nodes, n => Assert.Equal(NodeStatus.Completed, n.Status));
        var runs = StepJournal.For(view.JobId).ToDictionary(r => r.NodeId);
        Assert.Equal(4, runs.Count);
        Assert.True(runs["a"].Finished <= runs["b"].Started && runs["a"].Finished <= runs["c"].Started, "b and c must start after a finished");
        Assert.True(runs["d"].Started >= runs["b"].Finished && runs["d"].Started >= runs["c"].Finished, "d must start after b and c finished");
        Assert.True(runs["b"].Started < runs["c"].Finished && runs["c"].Started < runs["b"].Finished, "b and c must overlap in time");
        Assert.Equal("b,c", view.Nodes.Single(n => n.Id == "d").Result["inputs"]);
    }

    [Fact]
    public async Task A_failing_attempt_is_retried_with_exponential_backoff_until_it_succeeds()
    {
        var retry = new RetryPolicy(3, TimeSpan.FromMilliseconds(150), 2, TimeSpan.FromSeconds(5), 0);
        var view = await RunAsync(Dag(Node("flaky", retry: retry, parameters: new() { ["succeed_on_attempt"] = "3" })));

        Assert.Equal(JobStatus.Completed, view.Status);
        var node = Assert.Single(view.Nodes);
        Assert.Equal(3, node.Attempts);
        Assert.Equal("3", node.Result["attempt"]);
        var runs = StepJournal.For(view.JobId);
        Assert.Equal([1, 2, 3], runs.Select(r => r.Attempt));
        Assert.True(runs[1].Started - runs[0].Finished >= TimeSpan.FromMilliseconds(140), "first retry waits the initial delay");
        Assert.True(runs[2].Started - runs[1].Finished >= TimeSpan.FromMilliseconds(290), "second retry waits twice as long");
    }

    [Fact]
    public async Task Exhausted_retries_fail_the_node_and_the_job_and_skip_its_dependents()
    {
        var retry = new RetryPolicy(2, TimeSpan.FromMilliseconds(20), 2, TimeSpan.FromSeconds(1), 0.2);
        var view = await RunAsync(Dag(
            Node("flaky", retry: retry, parameters: new() { ["succeed_on_attempt"] = "99" }),
            Node("after", deps: ["flaky"])));

        Assert.Equal(JobStatus.Failed, view.Status);
        var failed = view.Nodes.Single(n => n.Id == "flaky");
        Assert.Equal(NodeStatus.Failed, failed.Status);
        Assert.Equal(2, failed.Attempts);
        Assert.Contains("transient failure on attempt 2", failed.Error);
        Assert.Contains("gave up after 2 attempts", failed.Error);
        Assert.Equal(NodeStatus.Skipped, view.Nodes.Single(n => n.Id == "after").Status);
        Assert.Equal("flaky", view.CurrentStage);
        Assert.StartsWith("stage 'flaky' failed", view.Error);
        Assert.Equal(2, StepJournal.For(view.JobId).Count);
    }

    [Fact]
    public async Task A_node_that_runs_past_its_timeout_fails_with_a_timeout_error()
    {
        var started = DateTimeOffset.UtcNow;
        var view = await RunAsync(Dag(Node("slow", timeout: TimeSpan.FromMilliseconds(300), parameters: new() { ["delay_ms"] = "20000" })));

        Assert.Equal(JobStatus.Failed, view.Status);
        var node = Assert.Single(view.Nodes);
        Assert.Equal("timed out after 300 ms", node.Error);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Empty(StepJournal.For(view.JobId));
    }

    [Fact]
    public async Task A_job_that_runs_past_its_job_timeout_fails()
    {
        var spec = Dag(Node("slow", parameters: new() { ["delay_ms"] = "20000" })) with { JobTimeout = TimeSpan.FromMilliseconds(700) };
        var view = await RunAsync(spec);

        Assert.Equal(JobStatus.Failed, view.Status);
        Assert.StartsWith("job timed out after 700 ms", view.Error);
        Assert.Equal(NodeStatus.Failed, view.Nodes[0].Status);
    }

    [Fact]
    public async Task A_non_retryable_error_fails_at_once_despite_retries_left()
    {
        var retry = new RetryPolicy(5, TimeSpan.FromMilliseconds(10), 2, TimeSpan.FromSeconds(1), 0);
        var view = await RunAsync(Dag(Node("bad", step: "broken", retry: retry)));

        Assert.Equal(JobStatus.Failed, view.Status);
        var node = Assert.Single(view.Nodes);
        Assert.Equal(1, node.Attempts);
        Assert.Equal("the input is malformed", node.Error);
        Assert.Single(StepJournal.For(view.JobId));
    }

    [Theory]
    [InlineData(Role.Critic, "publish", "role 'critic' may not use 'WriteStore'")]
    [InlineData(Role.Coder, "publish", "role 'coder' may not use 'WriteStore'")]
    [InlineData(Role.Admin, "fetch", "role 'admin' may not use 'HttpFetch'")]
    [InlineData(Role.Coder, "fetch", "role 'coder' may not use 'HttpFetch'")]
    public async Task A_step_using_a_capability_its_role_lacks_is_refused_without_retry(Role role, string step, string expected)
    {
        var view = await RunAsync(Dag(Node("n", step: step, role: role, retry: RetryPolicy.Default)));

        Assert.Equal(JobStatus.Failed, view.Status);
        var node = Assert.Single(view.Nodes);
        Assert.Equal(1, node.Attempts);
        Assert.StartsWith("capability denied: " + expected, node.Error);

        // The refusal is in the job's persisted history, not only in memory.
        var store = new SqliteCodeStore(Path.Combine(fixture.DataDirectory, "codeingest.db"));
        var record = await store.GetJobAsync(view.JobId, TestContext.Current.CancellationToken);
        Assert.NotNull(record);
        Assert.Equal("failed", record.Status);
        var persisted = JobViewJson.Deserialize(record.ViewJson);
        Assert.NotNull(persisted);
        Assert.Contains(expected, persisted.Nodes.Single().Error);
    }

    [Fact]
    public async Task A_role_holding_the_capability_may_use_it()
    {
        var view = await RunAsync(Dag(Node("n", step: "fetch", role: Role.Researcher)));
        Assert.Equal(JobStatus.Completed, view.Status);
    }

    [Theory]
    [InlineData("cycle", "the DAG has a cycle")]
    [InlineData("unknown-step", "uses unknown step 'nope'")]
    [InlineData("unknown-dependency", "depends on unknown node 'ghost'")]
    [InlineData("duplicate", "appears more than once")]
    public async Task An_invalid_dag_is_rejected_with_the_reason(string kind, string expected)
    {
        var spec = kind switch
        {
            "cycle" => Dag(Node("a", deps: ["c"]), Node("b", deps: ["a"]), Node("c", deps: ["b"])),
            "unknown-step" => Dag(Node("a", step: "nope")),
            "unknown-dependency" => Dag(Node("a", deps: ["ghost"])),
            _ => Dag(Node("a"), Node("a")),
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.StartAsync(spec));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Starting_a_started_job_again_does_not_run_it_twice()
    {
        var spec = Dag(Node("a", parameters: new() { ["delay_ms"] = "200" }));
        var first = await fixture.Client.StartAsync(spec);
        var again = await fixture.Client.StartAsync(spec, first.JobId);
        Assert.Equal(first.JobId, again.JobId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var view = await fixture.Client.WaitForJobAsync(first.JobId, cancellationToken: timeout.Token);
        Assert.Equal(JobStatus.Completed, view.Status);
        Assert.Single(StepJournal.For(first.JobId));
    }
}
