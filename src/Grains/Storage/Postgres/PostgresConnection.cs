// Connection-string handling and error translation shared by the PostgreSQL store and migrations:
// a failure to reach or log in to the server becomes a StoreUnavailableException that names the host,
// port and database (never the password) and says what went wrong.
using System.Net.Sockets;
using Npgsql;

namespace CodeIngest.Storage.Postgres;

public static class PostgresConnection
{
    /// <summary>Parses a connection string; the session time zone defaults to UTC so timestamps never depend on server settings.</summary>
    public static NpgsqlConnectionStringBuilder Builder(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("a PostgreSQL connection string is required, e.g. \"Host=localhost;Port=5432;Username=codeingest;Password=…;Database=codeingest\"", nameof(connectionString));
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"invalid PostgreSQL connection string: {ex.Message}", nameof(connectionString), ex);
        }

        if (string.IsNullOrEmpty(builder.Timezone))
        {
            builder.Timezone = "UTC";
        }

        return builder;
    }

    /// <summary>The connection string with the UTC session time zone added when it names none (for the Orleans ADO.NET providers).</summary>
    public static string Normalize(string connectionString) => Builder(connectionString).ConnectionString;

    /// <summary>"host:port/database" for messages.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"{builder.Host ?? "localhost"}:{(builder.Port > 0 ? builder.Port : 5432)}/{builder.Database ?? builder.Username ?? "(default database)"}";

    /// <summary>True when the exception means the server cannot be used at all (unreachable, refused, login or database missing), not a bad statement.</summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState.StartsWith("28", StringComparison.Ordinal) // invalid authorization
            || pg.SqlState is "3D000" /* database does not exist */ or "57P03" /* cannot connect now */ or "53300" /* too many connections */
            || pg.SqlState is "57P01" or "57P02" /* admin/crash shutdown */,
        NpgsqlException => true, // I/O, socket, timeout, TLS: everything that is not a server-side statement error
        SocketException or TimeoutException => true,
        _ => false,
    };

    public static StoreUnavailableException Unavailable(NpgsqlConnectionStringBuilder builder, Exception ex)
    {
        var reason = ex switch
        {
            PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
            _ when ex.InnerException is SocketException socket => $"{ex.Message.TrimEnd('.')}: {socket.Message}",
            _ => ex.Message,
        };
        var password = builder.Password;
        if (!string.IsNullOrEmpty(password))
        {
            reason = reason.Replace(password, "***", StringComparison.Ordinal);
        }

        return new StoreUnavailableException($"cannot use PostgreSQL at {Describe(builder)} (user '{builder.Username}'): {reason}", ex);
    }
}
