// Commands of the `codeingest` tool. Commands that only read (symbols, repos, jobs, status,
// languages) open the store directly; search first asks a running silo (whose index shards keep the
// vectors loaded) and loads them in-process only when no silo runs; `ingest` hosts an embedded silo,
// or with --cluster starts and follows the job on a cluster's silos through the client SDK.
using System.CommandLine;
using System.Text.Json;
using CodeIngest.Dag;
using CodeIngest.Ingestion;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace CodeIngest.Client.Cli;

public static partial class CliApp
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    private static readonly Option<string> DataOption = new("--data")
    {
        Description = "Data directory of the embedded store (created on first ingest)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CODEINGEST_DATA") ?? "./.codeingest",
        Recursive = true,
    };

    private static readonly Option<string?> ClusterOption = new("--cluster")
    {
        Description = "PostgreSQL connection string of a cluster's store (default: $CODEINGEST_CLUSTER); without it the embedded store under --data is used",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CODEINGEST_CLUSTER"),
        Recursive = true,
    };

    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print machine-readable JSON (shapes in README.md)", Recursive = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("CodeIngest: turns code repositories into queryable code knowledge.") { DataOption, ClusterOption, JsonOption };
        root.Add(IngestCommand());
        root.Add(StatusCommand());
        root.Add(JobsCommand());
        root.Add(SearchCommand());
        root.Add(SymbolsCommand());
        root.Add(ReposCommand());
        root.Add(LanguagesCommand());
        AddInsightCommands(root);
        root.Add(MigrateCli.Create(ClusterOption, JsonOption));
        root.Add(WatchCli.Create(DataOption, ClusterOption, JsonOption));
        try
        {
            var parsed = root.Parse(args);
            var exit = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });

            // A command line that does not parse (missing argument, unknown option value) is bad input: status 2.
            return parsed.Errors.Count > 0 && exit != 0 ? 2 : exit;
        }
        catch (StoreUnavailableException ex)
        {
            // The data directory's SQLite file or the cluster's PostgreSQL server cannot be used: say which and why, no stack trace.
            return Fail(ex.Message, 1);
        }

    }

    private static Command IngestCommand()
    {
        var source = new Argument<string>("source") { Description = "A git URL (https, ssh, file://) or a local path (a git working tree or a plain directory)" };
        var branch = new Option<string?>("--branch") { Description = "Branch to clone (remote repositories)" };
        var noWait = new Option<bool>("--no-wait") { Description = "Start the job and print its id without waiting" };
        var verbose = new Option<bool>("--verbose") { Description = "Log the silo's activity to stderr" };
        var command = new Command("ingest", "Clone, discover, parse and index a repository") { source, branch, noWait, verbose };
        command.SetAction(async (parse, ct) =>
        {
            var input = parse.GetRequiredValue(source);
            if (!RepositorySource.TryParse(input, out _, out var error))
            {
                return Fail(error!, 2);
            }

            var json = parse.GetValue(JsonOption);
            if (parse.GetValue(ClusterOption) is { Length: > 0 } connectionString)
            {
                return await IngestOnClusterAsync(connectionString, input, parse.GetValue(branch), parse.GetValue(noWait), json, parse.GetValue(verbose), ct);
            }

            var data = parse.GetRequiredValue(DataOption);
            var logLevel = parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning;
            var cluster = await EmbeddedCluster.StartAsync(data, logLevel, cancellationToken: ct);
            try
            {
                if (!cluster.IsHost)
                {
                    Console.Error.WriteLine($"note: joined the embedded silo hosted by process {cluster.HostProcessId} on this data directory");
                }

                JobView? started = null;
                JobView final;
                for (var reconnects = 0; ; reconnects++)
                {
                    try
                    {
                        started ??= await cluster.Client.StartIngestionAsync(input, parse.GetValue(branch));
                        if (parse.GetValue(noWait))
                        {
                            Console.WriteLine(json ? IngestionReport.From(started).ToJson() : started.JobId);
                            return 0;
                        }

                        final = json || Console.IsOutputRedirected
                            ? await FollowPlainAsync(cluster.Client, started, quiet: json, ct)
                            : await ProgressView.FollowAsync(cluster.Client, started, ct);
                        break;
                    }
                    catch (Exception ex) when (!cluster.IsHost && reconnects < 5 && ex is not OperationCanceledException and not InvalidRepositorySourceException)
                    {
                        // The hosting process went away (or was shutting down): host the silo here; it resumes unfinished jobs on start.
                        Console.Error.WriteLine($"note: lost the silo of process {cluster.HostProcessId} ({ex.GetType().Name}); continuing here");
                        await cluster.DisposeAsync();
                        await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
                        cluster = await EmbeddedCluster.StartAsync(data, logLevel, cancellationToken: ct);
                    }
                }

                PrintResult(final, json);
                if (cluster.IsHost)
                {
                    await WaitForOtherJobsAsync(data, ct);
                }

                return final.Status == JobStatus.Completed ? 0 : 1;
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        });
        return command;
    }

    /// <summary>`ingest --cluster`: the job runs on the cluster's silos; this process only starts and follows it (SDK client).</summary>
    private static async Task<int> IngestOnClusterAsync(string connectionString, string input, string? branch, bool noWait, bool json, bool verbose, CancellationToken ct)
    {
        ClusterConnection connection;
        try
        {
            connection = await ClusterConnection.ConnectAsync(connectionString, verbose ? LogLevel.Information : LogLevel.Warning, ct);
        }
        catch (ArgumentException ex)
        {
            return Fail($"--cluster is not a valid PostgreSQL connection string: {ex.Message}", 2);
        }
        catch (InvalidOperationException ex)
        {
            return Fail(ex.Message, 1);
        }

        await using (connection)
        {
            if (RepositorySource.Parse(input).Kind != SourceKind.Remote)
            {
                Console.Error.WriteLine("note: a local path is read by the silo that runs the clone step; every silo must see it at the same path");
            }

            var started = await connection.Client.StartIngestionAsync(input, branch);
            if (noWait)
            {
                Console.WriteLine(json ? IngestionReport.From(started).ToJson() : started.JobId);
                return 0;
            }

            var final = json || Console.IsOutputRedirected
                ? await FollowPlainAsync(connection.Client, started, quiet: json, ct)
                : await ProgressView.FollowAsync(connection.Client, started, ct);
            PrintResult(final, json);
            return final.Status == JobStatus.Completed ? 0 : 1;
        }
    }

    /// <summary>The hosting process keeps its silo up while jobs that other processes started on it are unfinished.</summary>
    private static async Task WaitForOtherJobsAsync(string data, CancellationToken ct)
    {
        var store = new SqliteCodeStore(new CodeIngestPaths(Path.GetFullPath(data)).DatabasePath);
        var announced = false;
        while (true)
        {
            var unfinished = (await store.ListJobsAsync(1000, ct)).Count(j => j.Status is "running" or "pending");
            if (unfinished == 0)
            {
                return;
            }

            if (!announced)
            {
                Console.Error.WriteLine($"note: keeping the embedded silo up for {unfinished} job(s) started by other codeingest processes");
                announced = true;
            }

            await Task.Delay(500, ct);
        }
    }

    private static void PrintResult(JobView final, bool json)
    {
        var report = IngestionReport.From(final);
        if (json)
        {
            Console.WriteLine(report.ToJson());
        }
        else
        {
            Output.PrintSummary(report);
        }

        if (final.Status != JobStatus.Completed)
        {
            var failed = final.Nodes.FirstOrDefault(n => n.Status == NodeStatus.Failed);
            Console.Error.WriteLine($"error: ingestion {report.Status} at stage '{failed?.Id ?? final.CurrentStage ?? "?"}': {failed?.Error ?? final.Error}");
        }
    }

    private static async Task<JobView> FollowPlainAsync(CodeIngestClient client, JobView started, bool quiet, CancellationToken ct)
    {
        var seen = new Dictionary<string, (NodeStatus, int)>();
        return await client.WaitForJobAsync(started.JobId, view =>
        {
            if (quiet)
            {
                return;
            }

            foreach (var node in view.Nodes)
            {
                if (!seen.TryGetValue(node.Id, out var last) || last != (node.Status, node.Attempts))
                {
                    seen[node.Id] = (node.Status, node.Attempts);
                    if (node.Status != NodeStatus.Pending)
                    {
                        Console.Error.WriteLine($"[{view.ProgressPercent,5:0.0}%] {node.Id}: {node.Status.ToString().ToLowerInvariant()}{(node.Attempts > 1 ? $" (attempt {node.Attempts})" : "")}{(node.Error is null ? "" : $": {node.Error}")}");
                    }
                }
            }
        }, TimeSpan.FromMilliseconds(250), ct);
    }

    private static Command StatusCommand()
    {
        var jobId = new Argument<string>("job-id") { Description = "The job id printed by ingest" };
        var command = new Command("status", "Show a job's status, stages and result") { jobId };
        command.SetAction(async (parse, ct) =>
        {
            if (OpenStore(parse) is not { } store)
            {
                return 1;
            }

            var id = parse.GetRequiredValue(jobId);
            var record = await store.GetJobAsync(id, ct);
            if (record is null || JobViewJson.Deserialize(record.ViewJson) is not { } view)
            {
                return Fail($"no job '{id}' in {parse.GetRequiredValue(DataOption)}; `codeingest jobs` lists the known jobs", 1);
            }

            var report = IngestionReport.From(view);
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(report.ToJson());
            }
            else
            {
                Output.PrintSummary(report);
            }

            return 0;
        });
        return command;
    }

    private static Command JobsCommand()
    {
        var limit = new Option<int>("--limit") { Description = "How many recent jobs", DefaultValueFactory = _ => 10 };
        var command = new Command("jobs", "List recent jobs, newest first") { limit };
        command.SetAction(async (parse, ct) =>
        {
            if (OpenStore(parse) is not { } store)
            {
                return 1;
            }

            var jobs = (await store.ListJobsAsync(Math.Clamp(parse.GetValue(limit), 1, 1000), ct))
                .Select(j => JobViewJson.Deserialize(j.ViewJson))
                .OfType<JobView>()
                .Select(IngestionReport.From)
                .ToList();
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { jobs }, Json));
                return 0;
            }

            var table = new Table().AddColumns("job", "status", "repo", "files", "symbols", "seconds", "error");
            foreach (var j in jobs)
            {
                table.AddRow(Markup.Escape(j.JobId), j.Status, Markup.Escape(j.Repo), $"{j.Files}", $"{j.Symbols}", $"{j.DurationSeconds:0.0}", Markup.Escape(j.Error ?? ""));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command SearchCommand()
    {
        var query = new Argument<string>("query") { Description = "Words to look for in code, paths and symbol names, or a question in plain words" };
        var repo = new Option<string?>("--repo") { Description = "Only this repository (id as `repos` prints it)" };
        var limit = new Option<int>("--limit") { Description = "Maximum hits", DefaultValueFactory = _ => 10 };
        var mode = new Option<string>("--mode") { Description = "hybrid (lexical + vector + symbol names, fused), lexical or vector", DefaultValueFactory = _ => "hybrid" };
        var language = new Option<string?>("--language") { Description = "Only files of this language (as `languages` names it)" };
        var pathGlob = new Option<string?>("--path") { Description = "Only paths matching this glob (*.py, src/**/*.cs)" };
        var command = new Command("search", "Search the code of every ingested repository (latest snapshots)") { query, repo, limit, mode, language, pathGlob };
        command.SetAction(async (parse, ct) =>
        {
            Search.SearchMode searchMode;
            try
            {
                searchMode = Search.HybridSearch.ParseMode(parse.GetValue(mode));
                if (parse.GetValue(pathGlob) is { } glob)
                {
                    Search.PathGlob.Parse(glob);
                }
            }
            catch (ArgumentException ex)
            {
                return Fail(ex.Message, 2);
            }

            var filter = new Search.SearchFilter(parse.GetValue(repo), parse.GetValue(language), parse.GetValue(pathGlob));
            var text = parse.GetRequiredValue(query);
            var max = Math.Clamp(parse.GetValue(limit), 1, 1000);
            var hits = await SearchThroughSiloAsync(parse, text, filter, max, searchMode, ct);
            if (hits is null)
            {
                // No silo to ask: load the index in this process for this one search.
                if (OpenStore(parse) is not { } store)
                {
                    return 1;
                }

                var embedding = new Embedding.EmbeddingOptions();
                new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("CodeIngest:Embedding").Bind(embedding);
                using var vectors = new Search.LocalVectorSearcher(store, embedding);
                hits = await new Search.HybridSearch(store, vectors).SearchAsync(text, filter, max, searchMode, ct);
            }

            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { hits = hits.Select(h => new { h.Repo, h.Path, h.StartLine, h.EndLine, h.Symbol, Score = Math.Round(h.Score, 6), h.Snippet }) }, Json));
                return 0;
            }

            if (hits.Count == 0)
            {
                Console.WriteLine("no matches");
            }

            foreach (var h in hits)
            {
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(h.Path)}:{h.StartLine}-{h.EndLine}[/] [grey]{Markup.Escape(h.Repo)}[/] {Markup.Escape(h.Symbol ?? "")} [grey]({h.Score:0.00})[/]");
                Console.WriteLine(Indent(h.Snippet));
            }

            return 0;
        });
        return command;
    }

    private static Command SymbolsCommand()
    {
        var name = new Argument<string?>("name") { Description = "Symbol name (exact, then prefix matches); omit to list every symbol", Arity = ArgumentArity.ZeroOrOne };
        var repo = new Option<string?>("--repo") { Description = "Only this repository" };
        var kind = new Option<string?>("--kind") { Description = "Only this kind (function, method, class, interface, module, …)" };
        var limit = new Option<int>("--limit") { Description = "Maximum symbols (0: no limit)", DefaultValueFactory = _ => 0 };
        var command = new Command("symbols", "Look up definitions by name, or list them all") { name, repo, kind, limit };
        command.SetAction(async (parse, ct) =>
        {
            if (OpenStore(parse) is not { } store)
            {
                return 1;
            }

            var max = parse.GetValue(limit);
            var symbols = await store.FindSymbolsAsync(parse.GetValue(name), parse.GetValue(repo), parse.GetValue(kind), max <= 0 ? int.MaxValue : max, ct);
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { symbols = symbols.Select(s => new { s.Name, s.Kind, s.Path, s.StartLine, s.EndLine, s.Repo }) }, Json));
                return 0;
            }

            if (symbols.Count == 0)
            {
                Console.WriteLine("no symbols found");
            }

            foreach (var s in symbols)
            {
                Console.WriteLine($"{s.Kind,-10} {s.Name,-40} {s.Path}:{s.StartLine}-{s.EndLine}  ({s.Repo})");
            }

            return 0;
        });
        return command;
    }

    private static Command ReposCommand()
    {
        var command = new Command("repos", "List ingested repositories");
        command.SetAction(async (parse, ct) =>
        {
            if (OpenStore(parse) is not { } store)
            {
                return 1;
            }

            var repos = await store.ListReposAsync(ct);
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { repos = repos.Select(r => new { r.Repo, r.Snapshots, r.LatestCommit, r.Files, r.Symbols, r.Url }) }, Json));
                return 0;
            }

            var table = new Table().AddColumns("repo", "snapshots", "commit", "files", "symbols");
            foreach (var r in repos)
            {
                table.AddRow(Markup.Escape(r.Repo), $"{r.Snapshots}", Markup.Escape(r.LatestCommit?[..Math.Min(12, r.LatestCommit.Length)] ?? "-"), $"{r.Files}", $"{r.Symbols}");
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command LanguagesCommand()
    {
        var command = new Command("languages", "List the languages CodeIngest parses");
        command.SetAction(parse =>
        {
            var languages = Languages.All.Select(l => new { l.Name, l.Extensions, l.FileNames, l.Interpreters, l.Definitions, l.Imports, l.Calls, l.Inheritance, l.Extracts }).ToList();
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { languages }, Json));
                return 0;
            }

            foreach (var l in languages)
            {
                Console.WriteLine($"{l.Name,-16} {string.Join(',', l.Extracts),-48} {string.Join(' ', l.Extensions.Concat(l.FileNames))}");
            }

            return 0;
        });
        return command;
    }

    /// <summary>Opens the existing store of --data, or prints why it cannot and returns null.</summary>
    private static ICodeStore? OpenStore(ParseResult parse)
    {
        if (parse.GetValue(ClusterOption) is { Length: > 0 } connectionString)
        {
            try
            {
                return new Storage.Postgres.PostgresCodeStore(connectionString);
            }
            catch (ArgumentException ex)
            {
                Fail($"--cluster is not a valid PostgreSQL connection string: {ex.Message}", 2);
                return null;
            }
        }

        var data = Path.GetFullPath(parse.GetRequiredValue(DataOption));
        var database = new CodeIngestPaths(data).DatabasePath;
        if (!File.Exists(database))
        {
            Fail($"no CodeIngest data in '{data}' (missing {Path.GetFileName(database)}). Run `codeingest ingest <path-or-url>` first, or pass --data <dir>.", 1);
            return null;
        }

        return new SqliteCodeStore(database);
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"error: {message}");
        return code;
    }

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "    " + l.TrimEnd('\r')));
}
