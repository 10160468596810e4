// Opens connections to a SQLite file and makes sure a table's schema exists, once per instance.
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

internal sealed class SqliteSchemaGate(string databasePath, string schemaSql)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ready;

    public string DatabasePath => databasePath;

    /// <summary>An open connection; the first call (under a lock) runs the schema script.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await SqliteDatabase.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        if (_ready)
        {
            return connection;
        }

        try
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_ready)
                {
                    await using var create = connection.Command(schemaSql);
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    _ready = true;
                }
            }
            finally
            {
                _lock.Release();
            }

            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw SqliteDatabase.Unavailable(databasePath, ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
