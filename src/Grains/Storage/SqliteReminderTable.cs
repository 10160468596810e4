// Orleans reminder table in the embedded SQLite file, so reminders (which restart long-running jobs after a
// crash) survive process restarts. Rows are scoped by service id; the grain's uniform hash is stored so
// each silo reads only the ring range it owns.
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed class SqliteReminderTable : IReminderTable
{
    private const string Schema =
        """
        CREATE TABLE IF NOT EXISTS reminders (
        service_id TEXT NOT NULL,
        grain_id TEXT NOT NULL,
        reminder_name TEXT NOT NULL,
        grain_hash INTEGER NOT NULL,
        start_at_ticks INTEGER NOT NULL,
        period_ticks INTEGER NOT NULL,
        etag TEXT NOT NULL,
        PRIMARY KEY (service_id, grain_id, reminder_name)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS reminders_hash ON reminders(service_id, grain_hash);
        """;

    private readonly string _databasePath;
    private readonly string _serviceId;
    private readonly SqliteSchemaGate _gate;

    /// <param name="databasePath">The SQLite file (created if missing; its directory must exist).</param>
    /// <param name="serviceId">The Orleans service id (ClusterOptions.ServiceId); tables of different services never mix.</param>
    public SqliteReminderTable(string databasePath, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentNullException.ThrowIfNull(serviceId);
        _databasePath = databasePath;
        _gate = new SqliteSchemaGate(databasePath, Schema);
        _serviceId = serviceId;
    }

    public Task Init() => StartAsync(CancellationToken.None);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        QueryAsync("grain_id = $g", c => c.With("$g", grainId.ToString()), cancellationToken);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>Rows whose grain hash is in (begin, end]; when begin &gt;= end the range wraps around the ring.</summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        QueryAsync(
            begin < end ? "grain_hash > $b AND grain_hash <= $e" : "(grain_hash > $b OR grain_hash <= $e)",
            c => c.With("$b", (long)begin).With("$e", (long)end),
            cancellationToken);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync("grain_id = $g AND reminder_name = $n", c => c.With("$g", grainId.ToString()).With("$n", reminderName), cancellationToken).ConfigureAwait(false);
        return rows.Reminders.Count > 0 ? rows.Reminders[0] : null;
    }

    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var etag = Guid.NewGuid().ToString("N");
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            INSERT INTO reminders(service_id, grain_id, reminder_name, grain_hash, start_at_ticks, period_ticks, etag)
            VALUES ($svc, $g, $n, $h, $start, $period, $etag)
            ON CONFLICT(service_id, grain_id, reminder_name) DO UPDATE SET
                grain_hash = excluded.grain_hash, start_at_ticks = excluded.start_at_ticks,
                period_ticks = excluded.period_ticks, etag = excluded.etag
            """)
            .With("$svc", _serviceId).With("$g", entry.GrainId.ToString()).With("$n", entry.ReminderName)
            .With("$h", (long)entry.GrainId.GetUniformHashCode()).With("$start", ToUtc(entry.StartAt).Ticks)
            .With("$period", entry.Period.Ticks).With("$etag", etag);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        entry.ETag = etag;
        return etag;
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "DELETE FROM reminders WHERE service_id = $svc AND grain_id = $g AND reminder_name = $n AND etag = $etag")
            .With("$svc", _serviceId).With("$g", grainId.ToString()).With("$n", reminderName).With("$etag", eTag);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    public async Task TestOnlyClearTable(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("DELETE FROM reminders WHERE service_id = $svc").With("$svc", _serviceId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DateTime ToUtc(DateTime value) => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;

    private async Task<ReminderTableData> QueryAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"SELECT grain_id, reminder_name, start_at_ticks, period_ticks, etag FROM reminders WHERE service_id = $svc AND {where} ORDER BY grain_hash, grain_id, reminder_name")
            .With("$svc", _serviceId);
        bind(command);
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                ETag = reader.GetString(4),
            });
        }

        return new ReminderTableData(entries);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _gate.OpenAsync(cancellationToken);
}
