using CodeIngest.Storage;
using CodeIngest.Storage.Postgres;
using Npgsql;
using Xunit;

namespace CodeIngest.Tests.Storage;

/// <summary>The code store contract against PostgreSQL (a fresh schema per test), plus its connection behaviour.</summary>
public sealed class PostgresCodeStoreTests : CodeStoreTests
{
    private readonly TempSchema _schema = new();
    private readonly List<PostgresCodeStore> _stores = [];

    protected override ICodeStore CreateStore()
    {
        var store = new PostgresCodeStore(_schema.ConnectionString);
        _stores.Add(store);
        return store;
    }

    protected override async Task WriteLegacyJsonParseDataAsync(string snapshotId, string path, string json)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var update = new NpgsqlCommand("UPDATE snapshot_files SET parse_data = @json, parse_blob = NULL WHERE snapshot_id = @s AND path = @path", connection);
        update.Parameters.AddWithValue("json", json);
        update.Parameters.AddWithValue("s", snapshotId);
        update.Parameters.AddWithValue("path", path);
        Assert.Equal(1, await update.ExecuteNonQueryAsync(Ct));
    }

    public override void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _schema.Dispose();
        base.Dispose();
    }

    [Fact]
    public async Task Content_is_stored_once_per_hash()
    {
        var store = await NewStoreAsync();
        var content = "def shared():\n    pass\n"u8.ToArray();
        ParsedFileContent File(string path) => new(new CodeIngest.Parsing.ParsedFile(path, "python", 2, [], null), content);
        await store.BeginSnapshotAsync(new SnapshotInfo("s1", "local/a", "local/a", null, null, DateTimeOffset.UtcNow), Ct);
        await store.SaveParsedFilesAsync("s1", [File("a.py"), File("b.py")], Ct);
        await store.BeginSnapshotAsync(new SnapshotInfo("s2", "local/b", "local/b", null, null, DateTimeOffset.UtcNow), Ct);
        await store.SaveParsedFilesAsync("s2", [File("c.py")], Ct);

        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM contents", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync(Ct));
        Assert.Equal(2, (await store.GetFilesAsync("s1", Ct)).Count);
    }

    [Fact]
    public async Task Text_with_nul_characters_is_stored()
    {
        var store = await NewStoreAsync();
        await store.BeginSnapshotAsync(new SnapshotInfo("s1", "local/a", "local/a", null, null, DateTimeOffset.UtcNow), Ct);
        await store.SaveParsedFilesAsync("s1", [new(new CodeIngest.Parsing.ParsedFile("a.py", "python", 1, [], null), "x = '\0'\n"u8.ToArray())], Ct);

        Assert.Equal("x = '\uFFFD'\n", Assert.Single(await store.GetFilesAsync("s1", Ct)).Text);
    }

    [Fact]
    public async Task Unreachable_server_fails_with_host_and_port_and_no_password()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var store = new PostgresCodeStore($"Host=127.0.0.1;Port={port};Username=codeingest;Password=s3cret-pw;Database=codeingest;Timeout=5");
        _stores.Add(store);

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(Ct));

        Assert.Contains($"127.0.0.1:{port}", ex.Message);
        Assert.DoesNotContain("s3cret-pw", ex.Message);
        Assert.Contains("refused", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Missing_database_fails_with_its_name()
    {
        var builder = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { Database = "no_such_db_" + Guid.NewGuid().ToString("N")[..8], Password = "pw-123456" };
        var store = new PostgresCodeStore(builder.ConnectionString);
        _stores.Add(store);

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListReposAsync(Ct));

        Assert.Contains(builder.Database!, ex.Message);
        Assert.Contains("does not exist", ex.Message);
        Assert.DoesNotContain("pw-123456", ex.Message);
    }

    [Theory]
    [InlineData("parse_file", false, "('parse' <-> 'file')")]
    [InlineData("Foo bar", false, "'foo' & 'bar'")]
    [InlineData("x_y z", true, "('x' <-> 'y':*) | 'z':*")]
    public void Tsquery_text_is_built_from_quoted_lexemes(string query, bool prefix, string expected)
    {
        Assert.Equal(expected, PostgresCodeStore.TsQuery(SqliteCodeStore.QueryTerms(query), prefix));
    }
}
