// FileParseGrain on a one-silo in-process cluster: the DI singleton parser, results in request order.
using System.Text;
using CodeIngest.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace CodeIngest.Tests.Parsing;

public sealed class FileParseGrainTests : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddSingleton<TreeSitterParser>());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task ParseBatch_ReturnsOneResultPerRequest_InOrder()
    {
        var grain = _cluster!.Client.GetGrain<IFileParseGrain>($"batch-{Guid.NewGuid():N}");
        ParseRequest[] requests =
        [
            new("a.py", "python", Encoding.UTF8.GetBytes("def f():\n    pass\n")),
            new("b.cob", "cobol", Encoding.UTF8.GetBytes("MOVE 1 TO X.")),
            new("c.go", "go", Encoding.UTF8.GetBytes("package c\n\nfunc G() {}\n")),
            new("d.rb", "ruby", [0xFF, 0xFE]),
        ];

        var results = await grain.ParseBatchAsync(requests);

        Assert.Equal(requests.Select(r => r.Path), results.Select(r => r.Path));
        Assert.Equal(("f", "function", 1, 2), results[0].Definitions.Select(d => (d.Name, d.Kind, d.StartLine, d.EndLine)).Single());
        Assert.StartsWith("unknown language", results[1].Error);
        Assert.Equal(("G", "function", 3, 3), results[2].Definitions.Select(d => (d.Name, d.Kind, d.StartLine, d.EndLine)).Single());
        Assert.Contains("not valid UTF-8", results[3].Error);
    }
}
