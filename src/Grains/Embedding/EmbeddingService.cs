// A silo's model runtime: loads the configured model bundle once (the default model is fetched and
// converted on first use), and runs every text sent to this silo through one batcher. The batcher
// collects texts from all callers into batches of EmbeddingOptions.BatchSize (a request's texts enter
// the queue together, in its order, so a caller that sends texts sorted by length gets the batches a
// plain loop over them would make), waits at most MaxBatchDelay for a partial batch to fill, and holds
// at most MaxPendingTexts waiting texts: beyond that, callers wait (backpressure) instead of queueing
// without bound. Tokenization and ONNX Runtime run on a dedicated thread (a synchronous loop), never
// on an Orleans scheduler turn or a thread-pool thread; a request completes once, with its last vector.
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeIngest.Embedding;

public sealed partial class EmbeddingService : IAsyncDisposable
{
    private readonly EmbeddingOptions _options;
    private readonly ILogger<EmbeddingService> _logger;
    private readonly Lazy<Task<ModelBundle>> _bundle;
    private readonly Lazy<Task<OnnxEmbedder>> _embedder;
    private readonly Channel<Pending> _queue;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public EmbeddingService(IOptions<EmbeddingOptions> options, ILogger<EmbeddingService> logger)
    {
        _options = options.Value;
        _logger = logger;
        _bundle = new(LoadBundleAsync);
        _embedder = new(async () =>
        {
            var bundle = await _bundle.Value.ConfigureAwait(false);
            var embedder = await Task.Run(() => new OnnxEmbedder(bundle, _options)).ConfigureAwait(false);
            Log.ModelLoaded(_logger, bundle.Id, _options.ExecutionProvider, bundle.Dimension);
            return embedder;
        });
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1, _options.MaxPendingTexts))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Texts embedded by this silo since it started.</summary>
    public long Embedded => Interlocked.Read(ref _embedded);

    /// <summary>ONNX Runtime calls made by this silo since it started.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    private long _embedded;
    private long _batches;
    private long _tokenizeTicks;
    private long _runTicks;
    private long _tokens;
    private long _paddedTokens;

    /// <summary>The batcher's totals since this silo started.</summary>
    public EmbeddingBatcherStats Stats(string silo) => new(
        silo,
        Embedded,
        Batches,
        TimeSpan.FromTicks(Interlocked.Read(ref _tokenizeTicks)).TotalSeconds,
        TimeSpan.FromTicks(Interlocked.Read(ref _runTicks)).TotalSeconds,
        Interlocked.Read(ref _tokens),
        Interlocked.Read(ref _paddedTokens));

    /// <summary>The model's description (fetching and converting the default model on first use).</summary>
    public Task<ModelBundle> GetBundleAsync() => _bundle.Value;

    /// <summary>One vector per text, in order. Waits while the batcher is full.</summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var embedder = await _embedder.Value.ConfigureAwait(false);
        EnsureLoop(embedder);
        if (texts.Count == 0)
        {
            return [];
        }

        // A request's texts enter the queue together (one writer at a time), so the batcher cuts batches from
        // consecutive texts in the order the caller sent them, and the request completes once, with its last vector.
        var request = new Request(texts.Count);
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var i = 0; i < texts.Count; i++)
            {
                var item = new Pending(request, i, texts[i] ?? string.Empty);
                if (!_queue.Writer.TryWrite(item))
                {
                    await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _writing.Release();
        }

        return await request.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_embedder.IsValueCreated && _embedder.Value.IsCompletedSuccessfully)
        {
            _embedder.Value.Result.Dispose();
        }

        _stopping.Dispose();
        _writing.Dispose();
    }

    private void EnsureLoop(OnnxEmbedder embedder)
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_queue)
        {
            // A synchronous loop on its own thread: ONNX Runtime and the waits between batches block this thread only.
            _loop ??= Task.Factory.StartNew(() => RunLoop(embedder), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void RunLoop(OnnxEmbedder embedder)
    {
        var batchSize = Math.Max(1, _options.BatchSize);
        var batch = new List<Pending>(batchSize);
        var reader = _queue.Reader;
        Task<bool>? waiting = null;

        // Blocks until a text can be read (true), the queue is closed or the service stops (false), or the timeout passes (null).
        // A wait that timed out stays pending and is reused by the next call.
        bool? WaitForText(TimeSpan timeout)
        {
            waiting ??= reader.WaitToReadAsync(_stopping.Token).AsTask();
            try
            {
                if (!waiting.Wait(timeout))
                {
                    return null;
                }
            }
            catch (AggregateException) when (waiting.IsCanceled)
            {
                return false;
            }

            var readable = waiting.Result;
            waiting = null;
            return readable;
        }

        while (WaitForText(Timeout.InfiniteTimeSpan) == true)
        {
            batch.Clear();
            var started = Stopwatch.GetTimestamp();
            while (batch.Count < batchSize)
            {
                if (reader.TryRead(out var item))
                {
                    batch.Add(item);
                    continue;
                }

                var wait = _options.MaxBatchDelay - Stopwatch.GetElapsedTime(started);
                if (wait <= TimeSpan.Zero || WaitForText(wait) != true)
                {
                    break;
                }
            }

            if (batch.Count > 0)
            {
                Run(embedder, batch);
            }
        }
    }

    private void Run(OnnxEmbedder embedder, List<Pending> batch)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            var tokens = new int[batch.Count][];
            for (var i = 0; i < batch.Count; i++)
            {
                tokens[i] = embedder.Tokenizer.Encode(batch[i].Text, embedder.Bundle.MaxTokens);
            }

            Interlocked.Add(ref _tokenizeTicks, clock.Elapsed.Ticks);
            clock.Restart();
            var vectors = embedder.EmbedTokens(tokens);
            Interlocked.Add(ref _runTicks, clock.Elapsed.Ticks);
            Interlocked.Add(ref _tokens, tokens.Sum(t => (long)t.Length));
            Interlocked.Add(ref _paddedTokens, (long)tokens.Length * Math.Max(1, tokens.Max(t => t.Length)));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Request.Set(batch[i].Index, vectors[i]);
            }

            Interlocked.Add(ref _embedded, batch.Count);
            Interlocked.Increment(ref _batches);
        }
        catch (Exception ex)
        {
            foreach (var item in batch)
            {
                item.Request.Fail(ex);
            }
        }
    }

    private async Task<ModelBundle> LoadBundleAsync()
    {
        if (!string.IsNullOrWhiteSpace(_options.BundlePath))
        {
            return ModelBundle.Load(_options.BundlePath);
        }

        return await DefaultModel.EnsureAsync(_options).ConfigureAwait(false);
    }

    /// <summary>One text of a request, and its place in it.</summary>
    private readonly record struct Pending(Request Request, int Index, string Text);

    /// <summary>The vectors of one EmbedAsync call, completed once all of them are set.</summary>
    private sealed class Request(int count)
    {
        private int _remaining = count;

        public float[][] Vectors { get; } = new float[count][];

        public TaskCompletionSource<float[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Set(int index, float[] vector)
        {
            Vectors[index] = vector;
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                Completion.TrySetResult(Vectors);
            }
        }

        public void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Embedding model {ModelId} loaded on {Provider} ({Dimension} dimensions)")]
        public static partial void ModelLoaded(ILogger logger, string modelId, string provider, int dimension);
    }
}
