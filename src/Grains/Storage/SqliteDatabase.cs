// Opening the one embedded SQLite file that several processes and several silos in one process share:
// WAL so readers never block the writer, a long busy timeout so concurrent writers wait instead of failing,
// and a fresh pooled connection per operation so no connection is shared between threads.
using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

/// <summary>The embedded store could not be opened or used (missing directory, read-only file, corrupt database…). Retrying does not help until the cause is fixed.</summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

internal static class SqliteDatabase
{
    /// <summary>How long a writer waits for another process's write lock before giving up.</summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    private static readonly ConcurrentDictionary<string, bool> WalEnabled = new(StringComparer.Ordinal);

    public static string ConnectionString(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = BusyTimeoutMilliseconds / 1000,
    }.ToString();

    /// <summary>Opens a new (pooled) connection with the busy timeout set; enables WAL once per file per process.</summary>
    public static async Task<SqliteConnection> OpenAsync(string databasePath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var connection = new SqliteConnection(ConnectionString(databasePath));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!WalEnabled.ContainsKey(databasePath))
            {
                await using var wal = connection.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StoreUnavailableException($"cannot use SQLite database '{databasePath}': WAL journal mode could not be enabled (got '{mode}'); is the file on a read-only or network file system?");
                }

                WalEnabled[databasePath] = true;
            }

            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Unavailable(databasePath, ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Wraps a SQLite error that is about the file itself (cannot open, read-only, corrupt) with a message naming the path.</summary>
    public static StoreUnavailableException Unavailable(string databasePath, SqliteException ex)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        var hint = directory is not null && !Directory.Exists(directory)
            ? $" (directory '{directory}' does not exist)"
            : string.Empty;
        return new StoreUnavailableException($"cannot use SQLite database '{databasePath}'{hint}: {ex.Message}", ex);
    }

    /// <summary>True for errors that mean the database file cannot be used at all, as opposed to a bad statement.</summary>
    public static bool IsFileError(SqliteException ex) => ex.SqliteErrorCode is 8 /* READONLY */ or 10 /* IOERR */ or 11 /* CORRUPT */ or 14 /* CANTOPEN */ or 23 /* AUTH */ or 26 /* NOTADB */;

    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
