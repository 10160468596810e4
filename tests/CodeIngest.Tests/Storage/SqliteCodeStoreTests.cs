using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

/// <summary>The code store contract against the embedded SQLite store, plus its file-specific behaviour.</summary>
public sealed class SqliteCodeStoreTests : CodeStoreTests
{
    private readonly TempDatabase _db = new();

    protected override ICodeStore CreateStore() => new SqliteCodeStore(_db.Path);

    public override void Dispose()
    {
        _db.Dispose();
        base.Dispose();
    }

    [Fact]
    public async Task Missing_directory_fails_with_a_message_naming_the_path()
    {
        var path = Path.Combine(_db.Directory, "no-such-dir", "store.db");
        var store = new SqliteCodeStore(path);

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(Ct));

        Assert.Contains(path, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public async Task A_directory_as_database_path_fails_with_a_message_naming_the_path()
    {
        var store = new SqliteCodeStore(_db.Directory);

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(Ct));

        Assert.Contains(_db.Directory, ex.Message);
    }

    [Theory]
    [InlineData("parseFile HTTPServer snake_case x2", "parse file http server snake case 2")]
    [InlineData("getHTTPResponse2", "get http response 2")]
    public void Identifiers_are_split_into_words(string text, string expected)
    {
        Assert.Equal(expected.Split(' ').Order(), SqliteCodeStore.SplitIdentifiers(text).Split(' ').Order());
    }
}
