// The fixture repository's graph as the real parser and the graph stage see it: known imports, calls,
// inheritance, the cycle, the layers, a call path and the branchy function's complexity. Ingested
// through an in-process silo's REST API; read back over REST and with the CLI (a separate process).
using System.Net;
using System.Text.Json;
using CodeIngest.Tests.Api;
using CodeIngest.Tests.Cli;
using Xunit;

namespace CodeIngest.Tests.Graph;

public sealed class FixtureGraphTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IEnumerable<string> Strings(JsonElement array, Func<JsonElement, string> pick) => array.EnumerateArray().Select(pick);

    [Fact]
    public async Task Fixture_repository_has_its_known_imports_calls_inheritance_cycle_layers_and_complexity()
    {
        var repoPath = FixtureRepository.Create();
        await using var host = new ApiHost(new() { ["CodeIngest:Api:AllowLocalPaths"] = "true", ["CodeIngest:Api:LocalRoots:0"] = Path.GetTempPath() });
        var admin = host.Admin();
        var (status, dispatched) = await Http.PostAsync(admin, Http.Ingest(repoPath));
        Assert.True(status == HttpStatusCode.OK, dispatched.ToString());
        var entry = await Http.WaitForHistoryAsync(admin, dispatched.GetProperty("job_id").GetString()!, TimeSpan.FromSeconds(120));
        Assert.True(entry.GetProperty("status").GetString() == "complete", entry.ToString());
        var q = "repo=" + Uri.EscapeDataString("local" + repoPath);

        var graph = await Http.GetOkAsync(admin, $"/api/v1/graph?{q}");
        Assert.Equal(
        [
            "shop/cli.py -> shop/orders.py",
            "shop/orders.py -> shop/models.py",
            "shop/orders.py -> shop/pricing.py",
            "shop/pricing.py -> shop/models.py",
            "shop/pricing.py -> shop/orders.py",
        ], Strings(graph.GetProperty("edges"), e => $"{e.GetProperty("source").GetString()} -> {e.GetProperty("target").GetString()}"));
        Assert.Equal(["shop/orders.py -> shop/pricing.py -> shop/orders.py"], Strings(graph.GetProperty("cycles"), c => c.GetProperty("name").GetString()!));
        Assert.Equal(
            ["0: README.md shop/__init__.py shop/models.py shop/settings.py", "1: shop/orders.py shop/pricing.py", "2: shop/cli.py"],
            Strings(graph.GetProperty("layers"), l => $"{l.GetProperty("index").GetInt32()}: {string.Join(' ', Strings(l.GetProperty("files"), f => f.GetString()!))}"));

        static string Link(JsonElement l) => $"{l.GetProperty("name").GetString()} {l.GetProperty("path").GetString() ?? "(unresolved)"}:{l.GetProperty("line").GetInt32()} {l.GetProperty("resolution").GetString()}";
        var callers = await Http.GetOkAsync(admin, $"/api/v1/graph/callers?{q}&symbol=place_order");
        Assert.Equal(["main shop/cli.py:6 imported", "reorder shop/pricing.py:20 imported"], Strings(callers.GetProperty("callers"), Link));
        var callees = await Http.GetOkAsync(admin, $"/api/v1/graph/callees?{q}&symbol=place_order");
        Assert.Equal(["Order shop/models.py:6 imported", "total shop/pricing.py:7 imported"], Strings(callees.GetProperty("callees"), Link));
        var path = await Http.GetOkAsync(admin, $"/api/v1/graph/path?{q}&from=main&to=total");
        Assert.Equal(["shop/cli.py::main", "shop/orders.py::place_order", "shop/pricing.py::total"], Strings(path.GetProperty("path"), p => p.GetString()!));
        var dependents = await Http.GetOkAsync(admin, $"/api/v1/graph/dependents?{q}&path=shop/models.py");
        Assert.Equal(["shop/orders.py", "shop/pricing.py"], Strings(dependents.GetProperty("dependents"), d => d.GetProperty("path").GetString()!));

        // Inheritance, as stored: Order(Base) resolves to Base of the same file.
        var edges = await new CodeIngest.Storage.SqliteCodeStore(Path.Combine(host.DataDirectory, "codeingest.db")).GetGraphEdgesAsync(dispatched.GetProperty("job_id").GetString()!, Ct);
        var inherit = Assert.Single(edges, e => e.Kind == CodeIngest.Graph.EdgeKinds.Inherit);
        Assert.Equal(("shop/models.py", "Order", "shop/models.py", "Base", CodeIngest.Graph.Resolutions.SameFile), (inherit.SourcePath, inherit.SourceSymbol, inherit.TargetPath, inherit.TargetSymbol, inherit.Resolution));
        var cli = await CliProcess.RunAsync("--data", host.DataDirectory, "callees", "main", "--json");
        Assert.True(cli.Code == 0, cli.Err);
        using (var json = JsonDocument.Parse(cli.Out))
        {
            Assert.Equal(["place_order shop/orders.py:6 imported", "print (unresolved):7 unresolved"], Strings(json.RootElement.GetProperty("callees"), Link));
        }

        var dot = await CliProcess.RunAsync("--data", host.DataDirectory, "graph", "local" + repoPath, "--format", "dot");
        Assert.Contains("\"shop/orders.py\" -> \"shop/pricing.py\" [color=red];", dot.Out);

        var quality = await Http.GetOkAsync(admin, $"/api/v1/quality?{q}");
        var total = quality.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "total");
        Assert.Equal((4, 4), (total.GetProperty("cyclomatic").GetInt32(), total.GetProperty("cognitive").GetInt32()));
        host.DeleteData();
    }
}
