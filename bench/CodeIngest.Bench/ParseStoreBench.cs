// Where the parse stage spends its time beyond the parser: each piece of the work the stage does per file,
// measured alone on the same files (those discovery accepts), one thread, in one run:
// reading, TreeSitterParser.Parse, hashing, UTF-8 decoding, parse-data encoding, Orleans message
// serialization of the batches, and the SQLite writes table by table (then all together through the store).
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CodeIngest.Ingestion;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CodeIngest.Bench;

public static class ParseStoreBench
{
    private const int FilesPerWrite = 1024;

    public static async Task<int> RunAsync(string directory)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"corpus: {directory}");
        var rows = new List<(string Piece, TimeSpan Wall, TimeSpan Cpu, string Note)>();

        var clock = Stopwatch.StartNew();
        var cpu = ProcessCpu();
        var discovered = FileDiscoverer.Discover(directory, DiscoveryOptions.Default, CancellationToken.None).Files;
        var files = discovered.Select(f => (f.Path, f.Language, Content: File.ReadAllBytes(Path.Combine(directory, f.Path)))).ToList();
        rows.Add(("discover + read files", clock.Elapsed, ProcessCpu() - cpu, $"{files.Count} files, {files.Sum(f => (long)f.Content.Length) / 1e6:0.0} MB"));

        using var parser = new TreeSitterParser();
        foreach (var language in files.Select(f => f.Language).Distinct())
        {
            parser.Parse("warmup", language, ""u8);
        }

        var parsed = new ParsedFile[files.Count];
        Measure(rows, "TreeSitterParser.Parse, 1 thread", () =>
        {
            for (var i = 0; i < files.Count; i++)
            {
                parsed[i] = parser.Parse(files[i].Path, files[i].Language, files[i].Content);
            }

            return $"{parsed.Sum(p => p.Definitions.Length)} definitions, {parsed.Sum(p => p.References?.Length ?? 0)} references";
        });

        var contents = files.Select((f, i) => new ParsedFileContent(parsed[i], f.Content)).ToList();
        Measure(rows, "SHA-256 + hex of the content", () => $"{contents.Sum(c => Convert.ToHexStringLower(SHA256.HashData(c.Content)).Length)} hex chars");
        Measure(rows, "UTF-8 decode of the content (string)", () => $"{contents.Sum(c => (long)Encoding.UTF8.GetString(c.Content).Length) / 1e6:0.0} M chars");
        Measure(rows, "UTF-8 validation of the content", () => $"{contents.Count(c => System.Text.Unicode.Utf8.IsValid(c.Content))} valid");
        Measure(rows, "parse data as JSON (old format)", () => $"{contents.Sum(c => (long)Encoding.UTF8.GetByteCount(ParseData.Serialize(c.File))) / 1e6:0.0} MB");
        var json = contents.Select(c => ParseData.Serialize(c.File)).ToList();
        Measure(rows, "parse data JSON read back (old format)", () => $"{json.Sum(j => ParseData.Deserialize(j)!.Definitions.Length)} definitions");
        Measure(rows, "parse data, binary encoding", () => $"{contents.Sum(c => (long)ParseData.Encode(c.File).Length) / 1e6:0.0} MB");
        var binary = contents.Select(c => ParseData.Encode(c.File)).ToList();
        Measure(rows, "parse data, binary read back", () => $"{binary.Sum(b => ParseData.Decode(b, withReferences: true)!.Definitions.Length)} definitions");
        Measure(rows, "preparing rows on the workers (hash, encode)", () => $"{contents.Sum(c => PreparedParsedFile.Create(c).ParseData.Length) / 1e6:0.0} MB parse data");

        // Orleans: what a batch costs when the grain is on another silo (serialize + deserialize both ways).
        var services = new ServiceCollection().AddSerializer(builder => builder.AddAssembly(typeof(ParsedFile).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var batches = ParseStep.MakeBatches([.. discovered], 64, 4 * 1024 * 1024);
        Measure(rows, "Orleans round trip of the ParseRequest[] batches", () =>
        {
            long bytes = 0;
            var index = 0;
            foreach (var batch in batches)
            {
                var requests = batch.Select(f => new ParseRequest(f.Path, f.Language, files[index++].Content)).ToArray();
                var payload = serializer.SerializeToArray(requests);
                bytes += payload.Length;
                _ = serializer.Deserialize<ParseRequest[]>(payload);
            }

            return $"{bytes / 1e6:0.0} MB";
        });
        Measure(rows, "Orleans round trip of the ParsedFile[] results", () =>
        {
            long bytes = 0;
            var index = 0;
            foreach (var batch in batches)
            {
                var results = parsed.AsSpan(index, batch.Count).ToArray();
                index += batch.Count;
                var payload = serializer.SerializeToArray(results);
                bytes += payload.Length;
                _ = serializer.Deserialize<ParsedFile[]>(payload);
            }

            return $"{bytes / 1e6:0.0} MB";
        });

        // SQLite, table by table, in the store's schema (one transaction per 1,024 files, as the stage writes).
        var data = Directory.CreateTempSubdirectory("codeingest-parse-store-").FullName;
        try
        {
            var hashes = contents.Select(c => Convert.ToHexStringLower(SHA256.HashData(c.Content))).ToList();
            var texts = contents.Select(c => Encoding.UTF8.GetString(c.Content)).ToList();
            await TableAsync(rows, Path.Combine(data, "contents.db"), "SQLite: contents rows (text bound as string)", "INSERT OR IGNORE INTO contents(hash, text) VALUES ($a, $b)", contents.Count, (i, p) =>
            {
                p[0].Value = hashes[i];
                p[1].Value = texts[i];
            });
            await TableAsync(rows, Path.Combine(data, "contents-blob.db"), "SQLite: contents rows (UTF-8 bytes, CAST AS TEXT)", "INSERT OR IGNORE INTO contents(hash, text) VALUES ($a, CAST($b AS TEXT))", contents.Count, (i, p) =>
            {
                p[0].Value = hashes[i];
                p[1].Value = contents[i].Content;
            });
            await TableAsync(rows, Path.Combine(data, "files.db"), "SQLite: snapshot_files rows, JSON parse data", "INSERT OR REPLACE INTO snapshot_files(snapshot_id, path, language, hash, lines, parse_error, parse_data) VALUES ('01JBENCHSNAPSHOT00000000000', $a, 'x', $b, 1, NULL, $c)", contents.Count, (i, p) =>
            {
                p[0].Value = contents[i].File.Path;
                p[1].Value = hashes[i];
                p[2].Value = json[i];
            });
            await TableAsync(rows, Path.Combine(data, "files-binary.db"), "SQLite: snapshot_files rows, binary parse data", "INSERT OR REPLACE INTO snapshot_files(snapshot_id, path, language, hash, lines, parse_error, parse_data) VALUES ('01JBENCHSNAPSHOT00000000000', $a, 'x', $b, 1, NULL, $c)", contents.Count, (i, p) =>
            {
                p[0].Value = contents[i].File.Path;
                p[1].Value = hashes[i];
                p[2].Value = binary[i];
            });
            var definitions = contents.SelectMany(c => c.File.Definitions.Select((d, o) => (c.File.Path, o, d))).ToList();
            await TableAsync(rows, Path.Combine(data, "definitions.db"), "SQLite: definitions rows + name index, text keys (schema 2)", "INSERT INTO definitions(snapshot_id, path, ordinal, name, kind, start_line, end_line, start_byte, end_byte) VALUES ('01JBENCHSNAPSHOT00000000000', $a, $b, $c, $d, 1, 2, 3, 4)", definitions.Count, (i, p) =>
            {
                p[0].Value = definitions[i].Path;
                p[1].Value = definitions[i].o;
                p[2].Value = definitions[i].d.Name;
                p[3].Value = definitions[i].d.Kind;
            }, rowsPerTransaction: Math.Max(1, definitions.Count * FilesPerWrite / contents.Count), setup: TextKeyedDefinitions);
            await IntegerKeyedDefinitionsAsync(rows, Path.Combine(data, "definitions-int.db"), contents.Select(c => c.File).ToList());

            var store = new SqliteCodeStore(Path.Combine(data, "store.db"));
            await store.InitializeAsync();
            await store.BeginSnapshotAsync(new SnapshotInfo("01JBENCHSNAPSHOT00000000000", "local/bench", directory, null, null, DateTimeOffset.UtcNow));
            var prepared = contents.Select(PreparedParsedFile.Create).ToList();
            await MeasureAsync(rows, "SqliteCodeStore.SaveParsedFilesAsync (prepared rows), all tables", async () =>
            {
                for (var start = 0; start < prepared.Count; start += FilesPerWrite)
                {
                    await store.SavePreparedFilesAsync("01JBENCHSNAPSHOT00000000000", prepared.GetRange(start, Math.Min(FilesPerWrite, prepared.Count - start)));
                }

                return $"{new FileInfo(store.DatabasePath).Length / 1e6:0.0} MB database";
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| piece (one thread, all files) | seconds | CPU s | note |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (piece, wall, pieceCpu, note) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {piece} | {wall.TotalSeconds:0.00} | {pieceCpu.TotalSeconds:0.00} | {note} |"));
        }

        return 0;
    }

    private static void Measure(List<(string, TimeSpan, TimeSpan, string)> rows, string piece, Func<string> work)
    {
        var cpu = ProcessCpu();
        var clock = Stopwatch.StartNew();
        var note = work();
        rows.Add((piece, clock.Elapsed, ProcessCpu() - cpu, note));
        Console.WriteLine($"{piece}: {clock.Elapsed.TotalSeconds:0.00} s ({note})");
    }

    private static async Task MeasureAsync(List<(string, TimeSpan, TimeSpan, string)> rows, string piece, Func<Task<string>> work)
    {
        var cpu = ProcessCpu();
        var clock = Stopwatch.StartNew();
        var note = await work();
        rows.Add((piece, clock.Elapsed, ProcessCpu() - cpu, note));
        Console.WriteLine($"{piece}: {clock.Elapsed.TotalSeconds:0.00} s ({note})");
    }

    // The definitions table of schema version 2 (text keys), the yardstick for the integer-keyed tables of version 3.
    private const string TextKeyedDefinitions =
        """
        CREATE TABLE definitions (
            snapshot_id TEXT NOT NULL, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
            name TEXT NOT NULL, kind TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
            start_byte INTEGER NOT NULL, end_byte INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, path, ordinal)) WITHOUT ROWID;
        CREATE INDEX definitions_name ON definitions(snapshot_id, name COLLATE NOCASE);
        """;

    /// <summary>
    /// The definitions part of the store's writer alone, in schema version 3 (1,024 files per transaction): per file the
    /// old file row is deleted (none here), a file with definitions gets a file id, then its definition rows go in.
    /// </summary>
    private static async Task IntegerKeyedDefinitionsAsync(List<(string, TimeSpan, TimeSpan, string)> rows, string path, IReadOnlyList<ParsedFile> files)
    {
        await new SqliteCodeStore(path).InitializeAsync();
        await using var connection = await OpenBenchConnectionAsync(path);
        await using (var key = connection.Command("INSERT INTO snapshot_keys(snapshot_key, snapshot_id) VALUES (1, '01JBENCHSNAPSHOT00000000000')"))
        {
            await key.ExecuteNonQueryAsync();
        }

        await MeasureAsync(rows, "SQLite: definitions rows + name index, integer keys (schema 3, with definition_files rows)", async () =>
        {
            for (var start = 0; start < files.Count; start += FilesPerWrite)
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
                await using var deleteFile = connection.Command("DELETE FROM definition_files WHERE snapshot_key = 1 AND path = $path RETURNING file_id", transaction);
                var deletePath = deleteFile.Parameters.Add("$path", SqliteType.Text);
                await using var insertFile = connection.Command("INSERT INTO definition_files(snapshot_key, path) VALUES (1, $path) RETURNING file_id", transaction);
                var insertPath = insertFile.Parameters.Add("$path", SqliteType.Text);
                await using var insert = connection.Command(
                    "INSERT INTO file_definitions(file_id, ordinal, snapshot_key, name, kind, start_line, end_line, start_byte, end_byte) VALUES ($f, $o, 1, $n, $k, 1, 2, 3, 4)", transaction);
                var (fileId, ordinal, name, kind) = (insert.Parameters.Add("$f", SqliteType.Integer), insert.Parameters.Add("$o", SqliteType.Integer), insert.Parameters.Add("$n", SqliteType.Text), insert.Parameters.Add("$k", SqliteType.Text));
                foreach (var file in files.Skip(start).Take(FilesPerWrite))
                {
                    deletePath.Value = file.Path;
                    await deleteFile.ExecuteScalarAsync();
                    if (file.Definitions.Length == 0)
                    {
                        continue;
                    }

                    insertPath.Value = file.Path;
                    fileId.Value = (long)(await insertFile.ExecuteScalarAsync())!;
                    for (var o = 0; o < file.Definitions.Length; o++)
                    {
                        (ordinal.Value, name.Value, kind.Value) = (o, file.Definitions[o].Name, file.Definitions[o].Kind);
                        await insert.ExecuteNonQueryAsync();
                    }
                }

                await transaction.CommitAsync();
            }

            return $"{files.Sum(f => f.Definitions.Length)} rows, {files.Count(f => f.Definitions.Length > 0)} file rows, {new FileInfo(path).Length / 1e6:0.0} MB file (+ WAL {(File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length / 1e6 : 0):0.0} MB)";
        });
    }

    private static async Task<SqliteConnection> OpenBenchConnectionAsync(string path)
    {
        var connection = new SqliteConnection(SqliteDatabase.ConnectionString(path));
        await connection.OpenAsync();
        await using var pragma = connection.Command("PRAGMA synchronous = NORMAL");
        await pragma.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Inserts <paramref name="count"/> rows into one table of a fresh store, 1,024 per transaction, with one prepared statement.</summary>
    private static async Task TableAsync(List<(string, TimeSpan, TimeSpan, string)> rows, string path, string piece, string sql, int count, Action<int, SqliteParameter[]> bind, int rowsPerTransaction = FilesPerWrite, string? setup = null)
    {
        await new SqliteCodeStore(path).InitializeAsync();
        await using var connection = await OpenBenchConnectionAsync(path);
        if (setup is not null)
        {
            await using var create = connection.Command(setup);
            await create.ExecuteNonQueryAsync();
        }

        await MeasureAsync(rows, piece, async () =>
        {
            for (var start = 0; start < count; start += rowsPerTransaction)
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
                await using var command = connection.Command(sql, transaction);
                var parameters = new[] { "$a", "$b", "$c", "$d" }.Where(sql.Contains).Select(n => command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();

                for (var i = start; i < Math.Min(count, start + rowsPerTransaction); i++)
                {
                    bind(i, parameters);
                    await command.ExecuteNonQueryAsync();
                }

                await transaction.CommitAsync();
            }

            return $"{count} rows, {new FileInfo(path).Length / 1e6:0.0} MB file (+ WAL {(File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length / 1e6 : 0):0.0} MB)";
        });
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
