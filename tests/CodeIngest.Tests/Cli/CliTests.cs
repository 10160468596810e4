// The `codeingest` tool as users run it: separate processes on one data directory, exit codes
// and the documented --json shapes.
using System.Text.Json;
using CodeIngest.Tests.Pipeline;
using Xunit;

namespace CodeIngest.Tests.Cli;

public sealed class CliTests
{
    private readonly string _data = TestRepos.NewDirectory("codeingest-cli-");

    private Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => RunOnAsync(_data, args);

    private static Task<(int Code, string Out, string Err)> RunOnAsync(string data, params string[] args) =>
        CliProcess.RunAsync(["--data", data, .. args]);

    [Fact]
    public async Task Languages_json_lists_what_each_language_extracts()
    {
        var result = await RunAsync("languages", "--json");

        Assert.True(result.Code == 0, result.Err);
        using var document = JsonDocument.Parse(result.Out);
        var printed = document.RootElement.GetProperty("languages").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.Equal(CodeIngest.Parsing.Languages.All.Select(l => l.Name).Order(), printed.Keys.Order());
        foreach (var language in CodeIngest.Parsing.Languages.All)
        {
            var row = printed[language.Name];
            var flags = (row.GetProperty("definitions").GetBoolean(), row.GetProperty("imports").GetBoolean(), row.GetProperty("calls").GetBoolean(), row.GetProperty("inheritance").GetBoolean());
            Assert.Equal((language.Definitions, language.Imports, language.Calls, language.Inheritance), flags);
            Assert.Equal(language.Extracts, row.GetProperty("extracts").EnumerateArray().Select(e => e.GetString()!));
        }

        // The flags themselves are checked against each language's fixture in LanguageFixtureTests; spot-check a few here.
        Assert.True(printed["kotlin"].GetProperty("inheritance").GetBoolean());
        Assert.True(printed["bash"].GetProperty("imports").GetBoolean());
        Assert.False(printed["json"].GetProperty("calls").GetBoolean());
    }

    [Fact]
    public async Task Ingest_then_search_and_symbols_print_the_documented_json()
    {
        var repo = TestRepos.MultiLanguage();

        var ingest = await RunAsync("ingest", repo, "--json");

        Assert.True(ingest.Code == 0, ingest.Err);
        using var job = JsonDocument.Parse(ingest.Out);
        var root = job.RootElement;
        Assert.Equal("complete", root.GetProperty("status").GetString());
        Assert.Equal("local" + repo, root.GetProperty("repo").GetString());
        Assert.Equal(TestRepos.Git(repo, "rev-parse", "HEAD"), root.GetProperty("commit").GetString());
        Assert.Equal(6, root.GetProperty("files").GetInt32()); // five languages and the README (markdown)
        Assert.Equal(21, root.GetProperty("symbols").GetInt32()); // with the Java package and the TypeScript constructor
        foreach (var field in (string[])["job_id", "files_parsed", "files_skipped", "files_unchanged", "files_changed", "files_added", "files_removed", "languages", "chunks", "embeddings", "duration_seconds", "stages"])
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        }

        Assert.Equal(["clone", "discover", "parse", "graph", "quality", "index", "summarize", "summarize-model"], root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("id").GetString()));

        var symbols = await RunAsync("symbols", "greet", "--json");
        Assert.Equal(0, symbols.Code);
        using var symbolsJson = JsonDocument.Parse(symbols.Out);
        var greet = symbolsJson.RootElement.GetProperty("symbols").EnumerateArray().First();
        Assert.Equal("greet", greet.GetProperty("name").GetString());
        Assert.Equal("app/main.py", greet.GetProperty("path").GetString());
        Assert.Equal(8, greet.GetProperty("start_line").GetInt32());
        Assert.Equal(9, greet.GetProperty("end_line").GetInt32());

        var search = await RunAsync("search", "Circle area", "--json");
        Assert.Equal(0, search.Code);
        using var searchJson = JsonDocument.Parse(search.Out);
        var hit = searchJson.RootElement.GetProperty("hits").EnumerateArray().First();
        Assert.Equal("web/shapes.ts", hit.GetProperty("path").GetString());
        Assert.Equal(5, hit.GetProperty("start_line").GetInt32());
        Assert.Equal(11, hit.GetProperty("end_line").GetInt32());
        Assert.Equal("Circle", hit.GetProperty("symbol").GetString());
        Assert.True(hit.GetProperty("score").GetDouble() > 0);
        Assert.Contains("class Circle", hit.GetProperty("snippet").GetString());

        var repos = await RunAsync("repos", "--json");
        using var reposJson = JsonDocument.Parse(repos.Out);
        var listed = Assert.Single(reposJson.RootElement.GetProperty("repos").EnumerateArray());
        Assert.Equal(1, listed.GetProperty("snapshots").GetInt32());
        Assert.Equal(21, listed.GetProperty("symbols").GetInt32());

        var status = await RunAsync("status", root.GetProperty("job_id").GetString()!, "--json");
        Assert.Equal(0, status.Code);
        Assert.Contains("\"status\": \"complete\"", status.Out);
    }

    [Fact]
    public async Task Bad_input_and_failed_stages_give_exit_codes_and_clear_errors()
    {
        var invalid = await RunAsync("ingest", "htp://example.com/x");
        Assert.Equal(2, invalid.Code);
        Assert.Contains("Accepted: https://host/owner/repo", invalid.Err);

        // A command line that does not parse is bad input too: a missing argument, a value outside the accepted set.
        var missingArgument = await RunAsync("callers");
        Assert.Equal(2, missingArgument.Code);
        Assert.Contains("Required argument 'symbol' missing", missingArgument.Err);
        var badFormat = await RunAsync("graph", "some/repo", "--format", "svg");
        Assert.Equal(2, badFormat.Code);
        Assert.Contains("'mermaid'", badFormat.Err);

        var empty = TestRepos.NewDirectory("codeingest-empty-folder-");
        var failed = await RunAsync("ingest", empty, "--json");
        Assert.Equal(1, failed.Code);
        Assert.Contains("failed at stage 'discover'", failed.Err);
        Assert.Contains("nothing to ingest", failed.Err);
        using var job = JsonDocument.Parse(failed.Out);
        Assert.Equal("failed", job.RootElement.GetProperty("status").GetString());

        var noData = TestRepos.NewDirectory("codeingest-nodata-");
        Directory.Delete(noData);
        var search = await RunOnAsync(noData, "search", "x");
        Assert.Equal(1, search.Code);
        Assert.Contains("Run `codeingest ingest", search.Err);

        var corrupt = TestRepos.NewDirectory("codeingest-corrupt-");
        File.WriteAllText(Path.Combine(corrupt, "codeingest.db"), "not a database");
        var unusable = await RunOnAsync(corrupt, "symbols", "x");
        Assert.Equal(1, unusable.Code);
        Assert.StartsWith("error: cannot use SQLite database", unusable.Err);
        Assert.Equal("not a database", File.ReadAllText(Path.Combine(corrupt, "codeingest.db")));
    }

    [Fact]
    public async Task A_second_process_joins_the_silo_hosted_by_the_first()
    {
        var repo = TestRepos.MultiLanguage();
        var first = RunAsync("ingest", TestRepos.MultiLanguage(), "--json");
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        var second = await RunAsync("ingest", repo, "--json");
        var firstResult = await first;

        Assert.True(firstResult.Code == 0, firstResult.Err);
        Assert.True(second.Code == 0, second.Err);
        var repos = await RunAsync("repos", "--json");
        using var reposJson = JsonDocument.Parse(repos.Out);
        Assert.Equal(2, reposJson.RootElement.GetProperty("repos").GetArrayLength());
    }
}
