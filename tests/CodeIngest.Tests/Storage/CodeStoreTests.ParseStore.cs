using System.Text;
using CodeIngest.Parsing;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

/// <summary>The parse stage's write path (prepared rows, binary parse data) and reading rows an older build wrote as JSON (SQLite and PostgreSQL).</summary>
public abstract partial class CodeStoreTests
{
    /// <summary>Replaces a stored file's parse data by the old JSON text, as a build before the binary encoding wrote it.</summary>
    protected abstract Task WriteLegacyJsonParseDataAsync(string snapshotId, string path, string json);

    private static ParsedFile FullParse(string path) => new(
        path,
        "python",
        6,
        [
            new("Server", "class", 1, 6, 0, 120, null, "class Server(Base):", "Serves ünïcode.", new CodeMetrics(6, 5, 1, 2, 1, 0, 1)),
            new("handle", "method", 3, 6, 30, 120, "Server.handle", "def handle(self, req)", null, new CodeMetrics(4, 4, 0, 2, 1, 2, 1)),
        ],
        null,
        [new(ReferenceKinds.Inherit, "Base", 1, "Server"), new(ReferenceKinds.Call, "join", 5, "Server.handle", "os.path")],
        new CodeMetrics(6, 5, 1, 3, 1, 0, 1));

    [Fact]
    public async Task Prepared_rows_round_trip_and_json_rows_of_an_older_build_read_the_same()
    {
        var store = await NewStoreAsync();
        await store.BeginSnapshotAsync(new SnapshotInfo("ps-1", "local/ps", "local/ps", null, null, DateTimeOffset.UtcNow), Ct);
        var text = "class Server(Base):\n    \"\"\"Serves ünïcode.\"\"\"\n    def handle(self, req):\n        x = 1\n        return os.path.join(req)\n\n";
        var binary = FullParse("binary.py");
        var legacy = FullParse("legacy.py");
        await store.SavePreparedFilesAsync("ps-1", [PreparedParsedFile.Create(new(binary, Encoding.UTF8.GetBytes(text))), PreparedParsedFile.Create(new(legacy, Encoding.UTF8.GetBytes(text)))], Ct);
        await WriteLegacyJsonParseDataAsync("ps-1", "legacy.py", ParseData.Serialize(legacy));

        var files = await store.GetFilesAsync("ps-1", Ct);
        Assert.Equal(["binary.py", "legacy.py"], files.Select(f => f.Path));
        foreach (var (file, expected) in files.Zip([binary, legacy]))
        {
            Assert.Equal(text, file.Text);
            Assert.Equal(expected.Definitions, file.Definitions);
            Assert.Equal(expected.References!, file.References!);
            Assert.Equal(expected.Metrics, file.Metrics);
        }

        var streamed = await ToListAsync(store.StreamFilesAsync("ps-1", Ct));
        Assert.All(streamed, f => Assert.Equal(binary.Definitions, f.Definitions));
        Assert.All(streamed, f => Assert.Empty(f.References!));

        var stats = await store.GetFileStatsAsync("ps-1", Ct);
        Assert.All(stats, s => Assert.Equal((2, (int?)5), (s.Definitions, s.CodeLines)));

        // Symbol look-up reads the definitions table, which both rows have.
        await store.PublishSnapshotAsync("ps-1", new SnapshotStats(2, 0, 4, 0, new() { ["python"] = 2 }), Ct);
        Assert.Equal(2, (await store.FindSymbolsAsync("handle", "local/ps", null, 10, Ct)).Count);
    }

    [Fact]
    public async Task Content_that_is_not_valid_utf8_is_stored_with_replacement_characters()
    {
        var store = await NewStoreAsync();
        await store.BeginSnapshotAsync(new SnapshotInfo("ps-2", "local/ps2", "local/ps2", null, null, DateTimeOffset.UtcNow), Ct);
        byte[] content = [.. "x = '"u8, 0xFF, 0xFE, .. "'\n"u8];
        await store.SaveParsedFilesAsync("ps-2", [new(new ParsedFile("bad.py", "python", 1, [], "content is not valid UTF-8"), content)], Ct);

        var stored = Assert.Single(await store.GetFilesAsync("ps-2", Ct));
        Assert.Equal("x = '\uFFFD\uFFFD'\n", stored.Text);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), stored.ContentHash);
    }
}
