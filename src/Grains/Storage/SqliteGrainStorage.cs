// Orleans grain persistence in the embedded SQLite file. Optimistic concurrency by etag: a write or clear
// whose etag does not match the stored row fails with InconsistentStateException, as Orleans expects,
// so two activations of one grain (e.g. during a silo failover) cannot overwrite each other silently.
using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace CodeIngest.Storage;

public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly string _name;
    private const string Schema =
        """
        CREATE TABLE IF NOT EXISTS grain_state (
        provider TEXT NOT NULL,
        state_name TEXT NOT NULL,
        grain_id TEXT NOT NULL,
        etag TEXT NOT NULL,
        payload BLOB NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (provider, state_name, grain_id)) WITHOUT ROWID;
        """;

    private readonly string _databasePath;
    private readonly IGrainStorageSerializer _serializer;
    private readonly SqliteSchemaGate _gate;

    /// <param name="name">The provider name; rows of different providers on one file never mix.</param>
    /// <param name="databasePath">The SQLite file (created if missing; its directory must exist).</param>
    /// <param name="serializer">The grain state serializer (Orleans' default one from DI when registered with AddSqliteGrainStorage).</param>
    public SqliteGrainStorage(string name, string databasePath, IGrainStorageSerializer serializer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentNullException.ThrowIfNull(serializer);
        _name = name;
        _databasePath = databasePath;
        _gate = new SqliteSchemaGate(databasePath, Schema);
        _serializer = serializer;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "SELECT etag, payload FROM grain_state WHERE provider = $p AND state_name = $s AND grain_id = $g")
            .With("$p", _name).With("$s", stateName).With("$g", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var payload = (byte[])reader.GetValue(1);
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload));
            grainState.ETag = reader.GetString(0);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var newEtag = Guid.NewGuid().ToString("N");
        var id = grainId.ToString();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // A null etag means "I believe there is no row": insert, and lose if someone else inserted first.
        await using var command = grainState.ETag is null
            ? connection.Command(
                """
                INSERT INTO grain_state(provider, state_name, grain_id, etag, payload, updated_at) VALUES ($p, $s, $g, $new, $payload, $at)
                ON CONFLICT(provider, state_name, grain_id) DO NOTHING
                """)
            : connection.Command(
                "UPDATE grain_state SET etag = $new, payload = $payload, updated_at = $at WHERE provider = $p AND state_name = $s AND grain_id = $g AND etag = $old")
                .With("$old", grainState.ETag);
        command.With("$p", _name).With("$s", stateName).With("$g", id).With("$new", newEtag)
            .With("$payload", payload).With("$at", DateTimeOffset.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            var current = await CurrentEtagAsync(connection, stateName, id, cancellationToken).ConfigureAwait(false);
            throw new InconsistentStateException(
                $"grain state '{stateName}' of {grainId} in provider '{_name}' was changed by someone else (stored etag '{current ?? "<none>"}', expected '{grainState.ETag ?? "<none>"}')",
                current ?? string.Empty,
                grainState.ETag ?? string.Empty);
        }

        grainState.ETag = newEtag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var id = grainId.ToString();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "DELETE FROM grain_state WHERE provider = $p AND state_name = $s AND grain_id = $g AND ($old IS NULL OR etag = $old)")
            .With("$p", _name).With("$s", stateName).With("$g", id).With("$old", grainState.ETag);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0 && grainState.ETag is not null)
        {
            var current = await CurrentEtagAsync(connection, stateName, id, cancellationToken).ConfigureAwait(false);
            if (current is not null)
            {
                throw new InconsistentStateException(
                    $"cannot clear grain state '{stateName}' of {grainId} in provider '{_name}': it was changed by someone else (stored etag '{current}', expected '{grainState.ETag}')",
                    current,
                    grainState.ETag);
            }
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task<string?> CurrentEtagAsync(SqliteConnection connection, string stateName, string grainId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT etag FROM grain_state WHERE provider = $p AND state_name = $s AND grain_id = $g")
            .With("$p", _name).With("$s", stateName).With("$g", grainId);
        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _gate.OpenAsync(cancellationToken);
}
