// The silo batcher with the default model: requests sent at the same time are not interleaved text by
// text (each enters the queue whole), so texts a caller sorted by length run in the batches a plain
// loop over them makes (same padding), every text is embedded exactly once, and each request gets its
// own vectors back in order.
using CodeIngest.Embedding;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace CodeIngest.Tests.Embedding;

public sealed class EmbeddingServiceBatcherTests
{
    private static EmbeddingOptions TestOptions => new()
    {
        CacheDirectory = RetrievalFixture.ModelCache,
        IntraOpThreads = 2,
        BatchSize = 8,
    };

    [Fact]
    public async Task Concurrent_requests_of_whole_batches_run_in_the_batches_of_a_plain_loop_and_get_their_own_vectors()
    {
        var options = TestOptions;
        var bundle = await DefaultModel.EnsureAsync(options, TestContext.Current.CancellationToken);
        using var plain = new OnnxEmbedder(bundle, options);
        var words = new[] { "parse", "the", "config", "file", "and", "save", "every", "chunk", "of", "a", "repository", "symbol" };
        var texts = Enumerable.Range(0, 64)
            .Select(i => string.Join(' ', Enumerable.Range(0, 1 + (i * 3 % 40)).Select(j => words[(i + j) % words.Length])))
            .OrderBy(t => t.Length)
            .ToList();
        var requests = texts.Chunk(options.BatchSize * 2).ToList();

        await using var service = new EmbeddingService(Options.Create(options), NullLogger<EmbeddingService>.Instance);
        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => service.EmbedAsync(r, TestContext.Current.CancellationToken))));

        var stats = service.Stats("test");
        Assert.Equal(texts.Count, stats.Texts);
        Assert.Equal(texts.Count / options.BatchSize, stats.Batches);
        var tokens = texts.Select(t => plain.Tokenizer.Encode(t, bundle.MaxTokens)).ToList();
        var paddedByPlainLoop = tokens.Chunk(options.BatchSize).Sum(b => (long)b.Length * b.Max(t => t.Length));
        Assert.Equal(paddedByPlainLoop, stats.PaddedTokens);
        Assert.Equal(tokens.Sum(t => (long)t.Length), stats.Tokens);

        for (var r = 0; r < requests.Count; r++)
        {
            var expected = plain.Embed(requests[r]);
            Assert.Equal(expected.Length, results[r].Length);
            for (var i = 0; i < expected.Length; i++)
            {
                for (var d = 0; d < expected[i].Length; d++)
                {
                    Assert.Equal(expected[i][d], results[r][i][d], 1e-4f);
                }
            }
        }
    }
}
