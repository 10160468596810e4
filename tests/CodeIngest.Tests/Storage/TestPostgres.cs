// The PostgreSQL server the tests use: scripts/test.sh starts a throwaway one and exports its connection
// string as CODEINGEST_TEST_POSTGRES. Without it the PostgreSQL tests fail (they never skip silently).
using Npgsql;

namespace CodeIngest.Tests.Storage;

internal static class TestPostgres
{
    public const string Variable = "CODEINGEST_TEST_POSTGRES";

    /// <summary>The server's connection string; throws with instructions when the variable is missing.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: the PostgreSQL tests need a server. Run the tests with scripts/test.sh, which starts a throwaway "
                + "PostgreSQL server and sets it, or set it to a connection string of a server where the tests may create and drop schemas.");
}

/// <summary>A fresh schema for one test (its connection string puts it first on the search path); dropped on dispose.</summary>
internal sealed class TempSchema : IDisposable
{
    public TempSchema()
    {
        Name = "t_" + Guid.NewGuid().ToString("N");
        var server = TestPostgres.ConnectionString;
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE SCHEMA {Name}", connection);
            create.ExecuteNonQuery();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = Name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public void Dispose()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Name} CASCADE", connection);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
            // The server is throwaway; a leftover schema does no harm.
        }
    }
}
