// A silo's model runtime: loads the configured model bundle once (the default model is fetched and
// converted on first use), and runs every text sent to this silo through one batcher. The batcher
// collects texts from all callers into batches of EmbeddingOptions.BatchSize, waits at most
// MaxBatchDelay for a partial batch to fill, and holds at most MaxPendingTexts waiting texts: beyond
// that, callers wait (backpressure) instead of queueing without bound. ONNX Runtime runs on a
// dedicated thread, never on an Orleans scheduler turn.
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

    /// <summary>The model's description (fetching and converting the default model on first use).</summary>
    public Task<ModelBundle> GetBundleAsync() => _bundle.Value;

    /// <summary>One vector per text, in order. Waits while the batcher is full.</summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var embedder = await _embedder.Value.ConfigureAwait(false);
        EnsureLoop(embedder);
        var pending = new Pending[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            pending[i] = new Pending(texts[i] ?? string.Empty);
            await _queue.Writer.WriteAsync(pending[i], cancellationToken).ConfigureAwait(false);
        }

        var result = new float[texts.Count][];
        for (var i = 0; i < pending.Length; i++)
        {
            result[i] = await pending[i].Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
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
    }

    private void EnsureLoop(OnnxEmbedder embedder)
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_queue)
        {
            _loop ??= Task.Factory.StartNew(() => RunLoopAsync(embedder), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task RunLoopAsync(OnnxEmbedder embedder)
    {
        var batchSize = Math.Max(1, _options.BatchSize);
        var batch = new List<Pending>(batchSize);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
        {
            batch.Clear();
            var deadline = DateTime.UtcNow + _options.MaxBatchDelay;
            while (batch.Count < batchSize)
            {
                if (reader.TryRead(out var item))
                {
                    batch.Add(item);
                    continue;
                }

                var wait = deadline - DateTime.UtcNow;
                if (wait <= TimeSpan.Zero)
                {
                    break;
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(wait);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
                {
                    break;
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var tokens = new int[batch.Count][];
                for (var i = 0; i < batch.Count; i++)
                {
                    tokens[i] = embedder.Tokenizer.Encode(batch[i].Text, embedder.Bundle.MaxTokens);
                }

                var vectors = embedder.EmbedTokens(tokens);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(vectors[i]);
                }

                Interlocked.Add(ref _embedded, batch.Count);
                Interlocked.Increment(ref _batches);
            }
            catch (Exception ex)
            {
                foreach (var item in batch)
                {
                    item.Result.TrySetException(ex);
                }
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

    private sealed class Pending(string text)
    {
        public string Text { get; } = text;

        public TaskCompletionSource<float[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Embedding model {ModelId} loaded on {Provider} ({Dimension} dimensions)")]
        public static partial void ModelLoaded(ILogger logger, string modelId, string provider, int dimension);
    }
}
