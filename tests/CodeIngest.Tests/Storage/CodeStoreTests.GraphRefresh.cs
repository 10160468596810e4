// The store methods of the incremental graph and quality refresh, against every store: file states in path order,
// files of some paths only, and the edge update that replaces some source files' edges under the graph stamp.
using System.Text;
using CodeIngest.Graph;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public abstract partial class CodeStoreTests
{
    [Fact]
    public async Task Refresh_reads_file_states_and_chosen_files_and_replaces_edges_per_source_file_under_the_stamp()
    {
        var store = await NewStoreAsync();
        ParsedFileContent File(string path, string text, params Reference[] references) =>
            new(new ParsedFile(path, "python", text.Split('\n').Length, [new("f_" + path[0], "function", 1, 2, 0, 0)], null, references), Encoding.UTF8.GetBytes(text));
        await IngestAsync(store, "refresh-1", "c1",
        [
            File("c.py", "def f_c():\n    pass\n"),
            File("a.py", "import c\ndef f_a():\n    c.f_c()\n", new Reference("import", "c", 1, null, null), new Reference("call", "c.f_c", 3, "f_a", "c")),
            File("b.py", "def f_b():\n    pass\n"),
        ], publish: true);

        var states = await store.GetFileStatesAsync("refresh-1", Ct);
        Assert.Equal(["a.py", "b.py", "c.py"], states.Select(s => s.Path));
        Assert.All(states, s => Assert.True(s.Language == "python" && s.Hash is { Length: 64 } && s.SkipReason is null));
        Assert.DoesNotContain(states, s => s.Path == "logo.png");

        var visited = new List<StoredFile>();
        await store.ForEachFileAsync("refresh-1", ["c.py", "a.py", "missing.py"], withReferences: true, visited.Add, Ct);
        Assert.Equal(["a.py", "c.py"], visited.Select(f => f.Path));
        Assert.Equal(2, visited[0].References!.Count);
        Assert.Equal("f_a", Assert.Single(visited[0].Definitions).Name);
        visited.Clear();
        await store.ForEachFileAsync("refresh-1", ["a.py"], withReferences: false, visited.Add, Ct);
        Assert.Empty(Assert.Single(visited).References!);

        // A full save stores a stamp; an update with another expectation writes nothing.
        GraphEdge Call(string from, string name, int line) => new(EdgeKinds.Call, from, "f", null, null, name, line, Resolutions.Unresolved, 0);
        GraphEdge[] full = [Call("a.py", "x", 1), Call("a.py", "y", 2), Call("b.py", "z", 1), Call("c.py", "w", 1)];
        await store.SaveGraphAsync("refresh-1", full, "{\"v\":1}", Ct);
        var stamp = await store.GetReportAsync("refresh-1", ICodeStore.GraphStampKind, Ct);
        Assert.NotNull(stamp);
        Assert.False(await store.UpdateGraphEdgesAsync(new GraphEdgeUpdate("refresh-1", "not-the-stamp", "s2", ["a.py"], [], "{\"v\":2}"), Ct));
        Assert.False(await store.UpdateGraphEdgesAsync(new GraphEdgeUpdate("refresh-1", null, "s2", ["a.py"], [], "{\"v\":2}"), Ct));
        Assert.Equal(full, await store.GetGraphEdgesAsync("refresh-1", Ct));
        Assert.Equal("{\"v\":1}", await store.GetReportAsync("refresh-1", ReportKinds.Architecture, Ct));

        // The expected stamp: a.py's edges are replaced (written after the others, read back in their file's place), c.py's dropped.
        GraphEdge[] newA = [Call("a.py", "p", 5), Call("a.py", "q", 6), Call("a.py", "r", 7)];
        Assert.True(await store.UpdateGraphEdgesAsync(new GraphEdgeUpdate("refresh-1", stamp, "s2", ["a.py", "c.py"], newA, "{\"v\":2}"), Ct));
        Assert.Equal([.. newA, full[2]], await store.GetGraphEdgesAsync("refresh-1", Ct));
        Assert.Equal("{\"v\":2}", await store.GetReportAsync("refresh-1", ReportKinds.Architecture, Ct));
        Assert.Equal("s2", await store.GetReportAsync("refresh-1", ICodeStore.GraphStampKind, Ct));

        // The same expectation again (a second writer that read the old stamp) is refused.
        Assert.False(await store.UpdateGraphEdgesAsync(new GraphEdgeUpdate("refresh-1", stamp, "s3", ["b.py"], [], "{\"v\":3}"), Ct));
        Assert.Equal([.. newA, full[2]], await store.GetGraphEdgesAsync("refresh-1", Ct));

        // A snapshot without a stamp (never saved) takes an update that expects none, once.
        Assert.True(await store.UpdateGraphEdgesAsync(new GraphEdgeUpdate("refresh-2", null, "t1", [], [Call("b.py", "z", 1), Call("a.py", "x", 1)], "{}"), Ct));
        Assert.Equal(["a.py", "b.py"], (await store.GetGraphEdgesAsync("refresh-2", Ct)).Select(e => e.SourcePath));
        Assert.False(await store.UpdateGraphEdgesAsync(new GraphEdgeUpdate("refresh-2", null, "t2", [], [], "{}"), Ct));
    }
}
