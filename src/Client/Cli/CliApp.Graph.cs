// Commands of the graph, quality and summary area: graph, callers, callees, quality, summary, diff.
// They read the store (embedded or --cluster) through CodeInsights, like the other read commands.
using System.CommandLine;
using System.Text.Json;
using CodeIngest.Graph;
using CodeIngest.Quality;
using Spectre.Console;

namespace CodeIngest.Client.Cli;

public static partial class CliApp
{
    private static void AddInsightCommands(RootCommand root)
    {
        root.Add(GraphCommand());
        root.Add(CallersCommand("callers", "Who calls a symbol (resolved calls of each repository's latest snapshot)"));
        root.Add(CallersCommand("callees", "What a symbol calls (resolved and unresolved)"));
        root.Add(QualityCommand());
        root.Add(SummaryCommand());
        root.Add(DiffCommand());
    }

    private static Command GraphCommand()
    {
        var repo = new Argument<string>("repo") { Description = "Repository id (as `repos` lists it, or its unique ending)" };
        var format = new Option<string>("--format") { Description = "dot | json | mermaid (the file dependency graph)", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("dot", "json", "mermaid");
        var snapshot = new Option<string?>("--snapshot") { Description = "latest (default), previous, a snapshot id or a commit" };
        var dependencies = new Option<string?>("--dependencies") { Description = "Only the imports of this file (path relative to the repository root)" };
        var dependents = new Option<string?>("--dependents") { Description = "Only the files importing this file" };
        var cycles = new Option<bool>("--cycles") { Description = "Only the import cycles" };
        var pathFrom = new Option<string?>("--path-from") { Description = "Shortest call path from this symbol (with --path-to)" };
        var pathTo = new Option<string?>("--path-to") { Description = "… to this symbol" };
        var command = new Command("graph", "The code graph of a repository: dependencies, layers, cycles, call paths") { repo, format, snapshot, dependencies, dependents, cycles, pathFrom, pathTo };
        command.SetAction((parse, ct) => WithInsightsAsync(parse, async insights =>
        {
            var info = await insights.FindRepoAsync(parse.GetRequiredValue(repo), ct);
            var snap = await insights.FindSnapshotAsync(info, parse.GetValue(snapshot), ct);
            var (edges, architecture) = await insights.GraphAsync(snap.SnapshotId, ct);
            var queries = new GraphQueries(edges);
            var json = parse.GetValue(JsonOption) || parse.GetValue(format) == "json";
            if (parse.GetValue(dependencies) is { } depsOf)
            {
                return Print(json, new { path = depsOf, dependencies = queries.Dependencies(depsOf) }, queries.Dependencies(depsOf).Select(l => $"{l.Line,5}  {l.Name,-40} -> {l.Target ?? "(external)"}"));
            }

            if (parse.GetValue(dependents) is { } dependentsOf)
            {
                return Print(json, new { path = dependentsOf, dependents = queries.Dependents(dependentsOf) }, queries.Dependents(dependentsOf).Select(l => $"{l.Path}:{l.Line}"));
            }

            if (parse.GetValue(cycles))
            {
                return Print(json, new { cycles = architecture.Cycles }, architecture.Cycles.Select(c => c.Name));
            }

            if (parse.GetValue(pathFrom) is { } from)
            {
                var to = parse.GetValue(pathTo) ?? throw new InsightNotFoundException("--path-from needs --path-to");
                var path = queries.CallPath(from, to);
                return Print(json, new { from, to, path }, path.Count == 0 ? [$"no call path from {from} to {to}"] : path);
            }

            var graph = GraphQueries.FileGraph(edges, architecture);
            Console.Write(parse.GetValue(format) switch
            {
                "dot" => GraphQueries.ToDot(graph),
                "mermaid" => GraphQueries.ToMermaid(graph),
                _ => JsonSerializer.Serialize(new { repo = info.Repo, snapshot = snap.SnapshotId, commit = snap.Commit, stats = architecture.Stats, graph.Nodes, graph.Edges, graph.Layers, graph.Cycles, modules = architecture.Modules, entry_points = architecture.EntryPoints }, CodeInsights.Json) + "\n",
            });
            return 0;
        }));
        return command;
    }

    private static Command CallersCommand(string name, string description)
    {
        var symbol = new Argument<string>("symbol") { Description = "Symbol name: `name`, `Class.method` or a qualified suffix" };
        var repo = new Option<string?>("--repo") { Description = "Only this repository" };
        var command = new Command(name, description) { symbol, repo };
        command.SetAction((parse, ct) => WithInsightsAsync(parse, async insights =>
        {
            var wanted = parse.GetRequiredValue(symbol);
            var links = new List<object>();
            var lines = new List<string>();
            foreach (var (info, snap) in await insights.LatestAsync(parse.GetValue(repo), ct))
            {
                var queries = new GraphQueries((await insights.GraphAsync(snap.SnapshotId, ct)).Edges);
                foreach (var link in name == "callers" ? queries.Callers(wanted) : queries.Callees(wanted))
                {
                    links.Add(new { link.Name, link.Path, link.Line, repo = info.Repo, link.Resolution, link.Confidence });
                    lines.Add($"{link.Name,-40} {link.Path ?? "(unresolved)"}:{link.Line}  [{link.Resolution} {link.Confidence:0.##}]");
                }
            }

            if (lines.Count == 0)
            {
                lines.Add($"no {name} of '{wanted}'");
            }

            return Print(parse.GetValue(JsonOption), new Dictionary<string, object> { ["symbol"] = wanted, [name] = links }, lines);
        }));
        return command;
    }

    private static Command QualityCommand()
    {
        var repo = new Argument<string>("repo") { Description = "Repository id" };
        var snapshot = new Option<string?>("--snapshot") { Description = "latest (default), previous, a snapshot id or a commit" };
        var command = new Command("quality", "Quality review of a repository: score, complexity, duplication, security findings (secrets masked)") { repo, snapshot };
        command.SetAction((parse, ct) => WithInsightsAsync(parse, async insights =>
        {
            var info = await insights.FindRepoAsync(parse.GetRequiredValue(repo), ct);
            var snap = await insights.FindSnapshotAsync(info, parse.GetValue(snapshot), ct);
            var report = await insights.QualityAsync(snap.SnapshotId, ct);
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { repo = info.Repo, snapshot = snap.SnapshotId, report.Score, report.Breakdown, report.Files, report.Functions, report.Duplicates, report.Findings }, CodeInsights.Json));
                return 0;
            }

            var b = report.Breakdown;
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(info.Repo)}[/] quality score [bold]{report.Score:0.#}[/]/100  (complexity {b.Complexity:0.#}, maintainability {b.Maintainability:0.#}, duplication {b.Duplication:0.#}, security {b.Security:0.#})");
            AnsiConsole.MarkupLine($"{report.Files.Count} files, {report.Functions.Count} functions, {b.ComplexFunctions} complex, {report.Duplicates.Count} duplicated blocks");
            var table = new Table().AddColumns("severity", "rule", "where", "message");
            foreach (var f in report.Findings.Take(50))
            {
                table.AddRow(f.Severity, Markup.Escape(f.Rule), Markup.Escape($"{f.Path}:{f.Line}"), Markup.Escape(f.Message));
            }

            AnsiConsole.Write(table);
            if (report.Findings.Count > 50)
            {
                Console.WriteLine($"… {report.Findings.Count - 50} more (use --json)");
            }

            return 0;
        }));
        return command;
    }

    private static Command SummaryCommand()
    {
        var repo = new Argument<string>("repo") { Description = "Repository id" };
        var snapshot = new Option<string?>("--snapshot") { Description = "latest (default), previous, a snapshot id or a commit" };
        var command = new Command("summary", "What a repository is and how it is built: purpose, languages, entry points, layers, central files, hot spots") { repo, snapshot };
        command.SetAction((parse, ct) => WithInsightsAsync(parse, async insights =>
        {
            var info = await insights.FindRepoAsync(parse.GetRequiredValue(repo), ct);
            var snap = await insights.FindSnapshotAsync(info, parse.GetValue(snapshot), ct);
            var summary = await insights.SummaryAsync(info, snap, ct);
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(summary, CodeInsights.Json));
                return 0;
            }

            Console.WriteLine(summary.Summary);
            if (summary.ModelSummary is { } text)
            {
                Console.WriteLine();
                Console.WriteLine($"Model summary ({summary.Model}):");
                Console.WriteLine(text);
            }

            return 0;
        }));
        return command;
    }

    private static Command DiffCommand()
    {
        var repo = new Argument<string>("repo") { Description = "Repository id" };
        var from = new Argument<string>("from") { Description = "Older snapshot: previous, a snapshot id or a commit" };
        var to = new Argument<string>("to") { Description = "Newer snapshot: latest, a snapshot id or a commit" };
        var command = new Command("diff", "Compare two snapshots: files, symbols, quality, new findings") { repo, from, to };
        command.SetAction((parse, ct) => WithInsightsAsync(parse, async insights =>
        {
            var diff = await insights.DiffAsync(parse.GetRequiredValue(repo), parse.GetRequiredValue(from), parse.GetRequiredValue(to), ct);
            if (parse.GetValue(JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(diff, CodeInsights.Json));
                return 0;
            }

            Console.WriteLine($"{diff.Repo}: {diff.From} ({diff.FromCommit ?? "-"}) -> {diff.To} ({diff.ToCommit ?? "-"})");
            Console.WriteLine($"files: +{diff.FilesAdded.Count} -{diff.FilesRemoved.Count} ~{diff.FilesChanged.Count}; symbols: +{diff.SymbolsAdded.Count} -{diff.SymbolsRemoved.Count}");
            Console.WriteLine($"quality: {diff.Quality.From:0.#} -> {diff.Quality.To:0.#} ({diff.Quality.Change:+0.#;-0.#;0})");
            foreach (var p in diff.FilesAdded)
            {
                Console.WriteLine($"  + {p}");
            }

            foreach (var p in diff.FilesRemoved)
            {
                Console.WriteLine($"  - {p}");
            }

            foreach (var p in diff.FilesChanged)
            {
                Console.WriteLine($"  ~ {p}");
            }

            foreach (var f in diff.NewFindings)
            {
                Console.WriteLine($"  new {f.Severity} {f.Rule} {f.Path}:{f.Line} {f.Message}");
            }

            return 0;
        }));
        return command;
    }

    private static async Task<int> WithInsightsAsync(ParseResult parse, Func<CodeInsights, Task<int>> action)
    {
        if (OpenStore(parse) is not { } store)
        {
            return 1;
        }

        try
        {
            return await action(new CodeInsights(store));
        }
        catch (InsightNotFoundException ex)
        {
            return Fail(ex.Message, 1);
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    private static int Print(bool json, object value, IEnumerable<string> lines)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(value, CodeInsights.Json));
            return 0;
        }

        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        return 0;
    }
}
