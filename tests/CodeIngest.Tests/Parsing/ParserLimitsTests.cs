// The parser's per-file limits: the time budget, the file size limit and the syntax-tree node limit,
// and halted parses on several threads under forced garbage collections.
using System.Diagnostics;
using System.Text;
using CodeIngest.Parsing;
using CodeIngest.Tests.Pipeline;
using Xunit;

namespace CodeIngest.Tests.Parsing;

public sealed class ParserLimitsTests
{
    [Fact]
    public void The_slow_input_really_is_slow_and_the_budget_cuts_it_short()
    {
        var content = Encoding.UTF8.GetBytes(PoisonInputs.SlowCpp());
        using var generous = new TreeSitterParser(parseBudget: TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        var full = generous.Parse("slow.cpp", "cpp", content);
        var unlimited = clock.Elapsed;
        Assert.DoesNotContain("budget", full.Error ?? "");
        Assert.True(unlimited > TimeSpan.FromMilliseconds(2000), $"the poison input parsed in {unlimited.TotalMilliseconds:0} ms; it must take well over the 1000 ms budget of the ingestion test");

        using var tight = new TreeSitterParser(parseBudget: TimeSpan.FromMilliseconds(100));
        clock.Restart();
        var cut = tight.Parse("slow.cpp", "cpp", content);
        Assert.Equal("parsing took longer than the budget of 100 ms", cut.Error);
        Assert.True(clock.Elapsed < unlimited, $"budgeted parse took {clock.Elapsed.TotalMilliseconds:0} ms, unlimited {unlimited.TotalMilliseconds:0} ms");
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_parsing()
    {
        using var parser = new TreeSitterParser(maxFileBytes: 1000);
        var parsed = parser.Parse("big.py", "python", Encoding.UTF8.GetBytes(new string('#', 1001)));
        Assert.Equal("file too large to parse: 1001 bytes, the limit is 1000 bytes", parsed.Error);
        Assert.Null(parser.Parse("ok.py", "python", Encoding.UTF8.GetBytes(new string('#', 1000))).Error);
    }

    [Fact]
    public void A_tree_over_the_node_limit_is_dropped_and_the_next_file_parses()
    {
        using var parser = new TreeSitterParser(maxTreeNodes: 1000);
        var parsed = parser.Parse("deep.json", "json", Encoding.UTF8.GetBytes(PoisonInputs.DeepJson(2000)));
        Assert.Matches(@"^syntax tree too large: \d+ nodes, the limit is 1000 nodes$", parsed.Error);
        Assert.Empty(parsed.Definitions);
        var next = parser.Parse("a.py", "python", "def g():\n    pass\n"u8);
        Assert.Null(next.Error);
        Assert.Equal("g", Assert.Single(next.Definitions).Name);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(5_000_000_000L)]
    public void Bad_limits_are_rejected_with_the_accepted_range(long maxFileBytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TreeSitterParser(maxFileBytes: maxFileBytes));
        Assert.Contains("between 1 and 4294967295 bytes", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TreeSitterParser(maxTreeNodes: 0));
        Assert.Contains("batch threads must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new TreeSitterParser(batchThreads: 0)).Message);
    }

    // One batch thread: six batches sent at once parse one after another, each gets its own results in
    // request order; a batch whose caller gave up before its turn is not parsed.
    [Fact]
    public async Task Batches_over_the_thread_limit_wait_their_turn()
    {
        using var parser = new TreeSitterParser(batchThreads: 1);
        Assert.Equal(1, parser.BatchThreads);
        var batches = Enumerable.Range(0, 6).Select(b => Enumerable.Range(0, 20)
            .Select(f => new ParseRequest($"b{b}/f{f}.py", "python", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50).Select(i => $"def b{b}_f{f}_{i}():\n    return {i}\n")))))
            .ToArray()).ToArray();

        var results = await Task.WhenAll(batches.Select(batch => parser.ParseBatchAsync(batch)));

        for (var b = 0; b < batches.Length; b++)
        {
            Assert.Equal(batches[b].Select(r => r.Path), results[b].Select(r => r.Path));
            Assert.All(results[b], (file, f) => Assert.Equal(Enumerable.Range(0, 50).Select(i => $"b{b}_f{f}_{i}"), file.Definitions.Select(d => d.Name)));
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parser.ParseBatchAsync(batches[0], new CancellationToken(canceled: true)));
    }

    // Managed progress callbacks crashed the process under load (see TreeSitterParser.ParseTree); this
    // halts and completes parses on several threads while another thread forces blocking collections.
    [Fact]
    public async Task Budgeted_parses_on_many_threads_survive_forced_garbage_collections()
    {
        using var halting = new TreeSitterParser(parseBudget: TimeSpan.FromTicks(1));
        using var normal = new TreeSitterParser();
        var source = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 300).Select(i => $"def f{i}(a):\n    return [a * {i} for _ in range(3)]\n")));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var collector = Task.Run(
            () =>
        {
            var garbage = new List<byte[]>();
            while (!stop.IsCancellationRequested)
            {
                garbage.Add(new byte[64 * 1024]);
                if (garbage.Count > 64)
                {
                    garbage.Clear();
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                }
            }
        },
            TestContext.Current.CancellationToken);
        var halted = 0;
        var complete = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var parsed = (i % 2 == 0 ? halting : normal).Parse($"f{i}.py", "python", source);
            if (parsed.Error is not null && parsed.Error.Contains("budget", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref halted);
            }
            else if (parsed.Error is null && parsed.Definitions.Length == 300)
            {
                Interlocked.Increment(ref complete);
            }
        });
        stop.Cancel();
        await collector;
        Assert.Equal(200, complete);
        Assert.Equal(200, halted);
    }
}
