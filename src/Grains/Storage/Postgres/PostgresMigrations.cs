// Versioned, idempotent schema migrations for cluster mode (PostgreSQL): the code store's tables and
// the tables + stored queries (OrleansQuery: QueryKey -> QueryText) that Orleans' ADO.NET clustering,
// persistence and reminder providers read at start-up and then execute with their own parameters.
//
// The SQL below is this project's own, written against the providers' query contract: the query keys
// they require, the parameter names they bind (@DeploymentId, @GrainIdHash, …) and the column names
// they read back ("Version", "PayloadBinary", "NewGrainStateVersion", …). Our tables use snake_case
// and the queries alias columns to the names the providers expect.
//
// Each migration runs in its own transaction under a database-wide advisory lock, and records itself in
// codeingest_schema_version; running them again applies nothing.
using Npgsql;

namespace CodeIngest.Storage.Postgres;

/// <summary>One schema step: applied once, in a transaction, and recorded by version.</summary>
public sealed record PostgresMigration(int Version, string Name, string Sql);

public static class PostgresMigrations
{
    /// <summary>Key of the advisory lock that serialises concurrent migrators (several silos starting at once).</summary>
    private const long AdvisoryLockKey = 0x436f6465_496e6765; // "CodeInge"

    private const string VersionTable =
        """
        CREATE TABLE IF NOT EXISTS codeingest_schema_version (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now());
        """;

    public static IReadOnlyList<PostgresMigration> All { get; } =
    [
        new(1, "code store", CodeStoreSchema),
        new(2, "orleans clustering", ClusteringSchema),
        new(3, "orleans persistence", PersistenceSchema),
        new(4, "orleans reminders", RemindersSchema),
        new(5, "ingestion queue", QueueSchema),
        new(6, "embeddings", PostgresCodeStore.EmbeddingsSchema),
        new(7, "parse data (qualified definitions, references, metrics)", ParseDataSchema),
        new(8, "graph and reports", PostgresCodeStore.GraphSchema),
        new(9, "graph edges without the unused target index (a random index write per edge)", "DROP INDEX IF EXISTS graph_edges_target;"),
        new(10, "binary parse data (Storage/ParseData.cs); parse_data keeps the JSON of older rows", "ALTER TABLE snapshot_files ADD COLUMN IF NOT EXISTS parse_blob bytea;"),
        new(11, "per-file lookups for watched changes (a file's chunks; paths under a folder)", PerFileLookupSchema),
        new(12, "graph edges by source file (incremental refresh, read order)", PostgresCodeStore.GraphSourceIndex),
    ];

    // A file's full parse (see Storage/ParseData.cs) next to its row.
    private const string ParseDataSchema =
        """
        ALTER TABLE snapshot_files ADD COLUMN IF NOT EXISTS parse_data text;
        """;

    // A watched file's update touches its own rows only: its chunks by (snapshot, path), and a changed folder's files by
    // a byte-wise key range (text_pattern_ops, independent of the database's collation).
    private const string PerFileLookupSchema =
        """
        CREATE INDEX IF NOT EXISTS chunks_snapshot_path ON chunks(snapshot_id, path);
        CREATE INDEX IF NOT EXISTS snapshot_files_path_bytes ON snapshot_files(snapshot_id, path text_pattern_ops);
        CREATE INDEX IF NOT EXISTS skipped_files_path_bytes ON skipped_files(snapshot_id, path text_pattern_ops);
        """;

    public static int LatestVersion => All[^1].Version;

    /// <summary>Applies every migration the database does not have yet; returns the ones applied now (empty when up to date).</summary>
    public static async Task<IReadOnlyList<PostgresMigration>> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var applied = new List<PostgresMigration>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var migration in All)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var prepare = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKey}); {VersionTable}", connection, transaction))
            {
                await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            int current;
            bool done;
            await using (var check = new NpgsqlCommand(
                "SELECT COALESCE(MAX(version), 0), COALESCE(bool_or(version = @v), false) FROM codeingest_schema_version", connection, transaction))
            {
                check.Parameters.AddWithValue("v", migration.Version);
                await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                current = reader.GetInt32(0);
                done = reader.GetBoolean(1);
            }

            if (current > LatestVersion)
            {
                throw new StoreUnavailableException($"PostgreSQL database has CodeIngest schema version {current}, newer than this build understands ({LatestVersion}); upgrade CodeIngest.");
            }

            if (!done)
            {
                await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO codeingest_schema_version(version, name) VALUES (@v, @n)", connection, transaction))
                {
                    record.Parameters.AddWithValue("v", migration.Version);
                    record.Parameters.AddWithValue("n", migration.Name);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                applied.Add(migration);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return applied;
    }

    /// <summary>Applies the migrations to the database of <paramref name="connectionString"/>; connection failures become <see cref="StoreUnavailableException"/>.</summary>
    public static async Task<IReadOnlyList<PostgresMigration>> ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var builder = PostgresConnection.Builder(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            return await ApplyAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgresConnection.IsUnavailable(ex))
        {
            throw PostgresConnection.Unavailable(builder, ex);
        }
    }

    // ---------------------------------------------------------------- code store

    private const string CodeStoreSchema =
        """
        CREATE TABLE IF NOT EXISTS repos (
            repo            text PRIMARY KEY,
            url             text NOT NULL,
            latest_snapshot text);
        CREATE TABLE IF NOT EXISTS snapshots (
            snapshot_id  text PRIMARY KEY,
            repo         text NOT NULL,
            url          text NOT NULL,
            branch       text,
            commit_sha   text,
            created_at   timestamptz NOT NULL,
            completed    boolean NOT NULL DEFAULT false,
            completed_at timestamptz,
            stats_json   jsonb);
        CREATE INDEX IF NOT EXISTS snapshots_repo ON snapshots(repo);
        CREATE TABLE IF NOT EXISTS discovered_files (
            snapshot_id text NOT NULL, path text NOT NULL, language text NOT NULL, size bigint NOT NULL,
            PRIMARY KEY (snapshot_id, path));
        CREATE TABLE IF NOT EXISTS skipped_files (
            snapshot_id text NOT NULL, path text NOT NULL, reason text NOT NULL,
            PRIMARY KEY (snapshot_id, path));
        -- File contents, stored once per SHA-256 of their bytes.
        CREATE TABLE IF NOT EXISTS contents (hash text PRIMARY KEY, text text NOT NULL);
        CREATE TABLE IF NOT EXISTS snapshot_files (
            snapshot_id text NOT NULL, path text NOT NULL, language text NOT NULL,
            hash text NOT NULL REFERENCES contents(hash),
            lines integer NOT NULL, parse_error text,
            PRIMARY KEY (snapshot_id, path));
        CREATE TABLE IF NOT EXISTS definitions (
            snapshot_id text NOT NULL, path text NOT NULL, ordinal integer NOT NULL,
            name text NOT NULL, kind text NOT NULL, start_line integer NOT NULL, end_line integer NOT NULL,
            start_byte integer NOT NULL, end_byte integer NOT NULL,
            PRIMARY KEY (snapshot_id, path, ordinal));
        CREATE INDEX IF NOT EXISTS definitions_name ON definitions(snapshot_id, lower(name) text_pattern_ops);
        -- Searchable chunks; `words` holds the chunk's identifiers split into lower-case words. The tsvector
        -- weights: symbol A, path B, words C, text D (ts_rank's default weights 1.0, 0.4, 0.2, 0.1).
        CREATE TABLE IF NOT EXISTS chunks (
            chunk_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            snapshot_id text NOT NULL, path text NOT NULL, language text NOT NULL,
            symbol text, kind text, start_line integer NOT NULL, end_line integer NOT NULL,
            text text NOT NULL, words text NOT NULL,
            search tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple'::regconfig, coalesce(symbol, '')), 'A') ||
                setweight(to_tsvector('simple'::regconfig, path), 'B') ||
                setweight(to_tsvector('simple'::regconfig, words), 'C') ||
                setweight(to_tsvector('simple'::regconfig, text), 'D')) STORED);
        CREATE INDEX IF NOT EXISTS chunks_snapshot ON chunks(snapshot_id);
        CREATE INDEX IF NOT EXISTS chunks_search ON chunks USING gin(search);
        CREATE TABLE IF NOT EXISTS jobs (
            job_id text PRIMARY KEY, repo text NOT NULL, status text NOT NULL,
            created_at text NOT NULL, created_ticks bigint NOT NULL, finished_at text, view_json text NOT NULL);
        CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_ticks);
        """;

    // ---------------------------------------------------------------- Orleans: stored queries + clustering

    private const string ClusteringSchema =
        """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey  varchar(64) PRIMARY KEY,
            QueryText text NOT NULL);

        -- One row per cluster (DeploymentId = ClusterId): the membership table's version (its etag).
        CREATE TABLE IF NOT EXISTS orleans_membership_version (
            deployment_id text PRIMARY KEY,
            version       integer NOT NULL DEFAULT 0,
            updated_at    timestamptz NOT NULL DEFAULT now());

        CREATE TABLE IF NOT EXISTS orleans_membership (
            deployment_id   text NOT NULL REFERENCES orleans_membership_version(deployment_id) ON DELETE CASCADE,
            address         text NOT NULL,
            port            integer NOT NULL,
            generation      integer NOT NULL,
            silo_name       text NOT NULL,
            host_name       text NOT NULL,
            status          integer NOT NULL,
            proxy_port      integer,
            suspect_times   text,
            start_time      timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation));

        INSERT INTO OrleansQuery(QueryKey, QueryText) VALUES
        ('InsertMembershipVersionKey', $q$
            WITH created AS (
                INSERT INTO orleans_membership_version(deployment_id, version) VALUES (@DeploymentId, 0)
                ON CONFLICT (deployment_id) DO NOTHING
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM created)
        $q$),
        ('MembershipReadAllKey', $q$
            SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                   m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
                   m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId
        $q$),
        ('MembershipReadRowKey', $q$
            SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                   m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
                   m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
                AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            WHERE v.deployment_id = @DeploymentId
        $q$),
        -- Insert a silo row only when the caller saw the current table version; bump the version with it.
        ('InsertMembershipKey', $q$
            WITH bumped AS (
                UPDATE orleans_membership_version SET version = version + 1, updated_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND NOT EXISTS (SELECT 1 FROM orleans_membership
                                  WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                RETURNING deployment_id),
            inserted AS (
                INSERT INTO orleans_membership(deployment_id, address, port, generation, silo_name, host_name, status,
                                               proxy_port, start_time, i_am_alive_time)
                SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                       @ProxyPort, @StartTime, @IAmAliveTime
                FROM bumped
                ON CONFLICT DO NOTHING
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM inserted)
        $q$),
        ('UpdateMembershipKey', $q$
            WITH bumped AS (
                UPDATE orleans_membership_version SET version = version + 1, updated_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND EXISTS (SELECT 1 FROM orleans_membership
                              WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                RETURNING deployment_id),
            updated AS (
                UPDATE orleans_membership m
                SET status = @Status, suspect_times = CAST(@SuspectTimes AS text), i_am_alive_time = @IAmAliveTime
                FROM bumped
                WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM updated)
        $q$),
        ('UpdateIAmAlivetimeKey', $q$
            UPDATE orleans_membership SET i_am_alive_time = @IAmAliveTime
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
        $q$),
        ('DeleteMembershipTableEntriesKey', $q$
            DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
        $q$),
        ('GatewaysQueryKey', $q$
            SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
            FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
        $q$),
        -- Silos that stopped heart-beating before the cut-off and are not active (3).
        ('CleanupDefunctSiloEntriesKey', $q$
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3
        $q$),
        -- One dead (6) silo row, chosen by the provider.
        ('CleanupDefunctSiloEntryKey', $q$
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation AND status = 6
        $q$)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
        """;

    // ---------------------------------------------------------------- Orleans: grain persistence

    // A cleared state keeps its row (payload NULL) so its version keeps counting; reads treat it as absent,
    // and a first write (no etag) may take it over.
    private const string PersistenceSchema =
        """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey  varchar(64) PRIMARY KEY,
            QueryText text NOT NULL);

        CREATE TABLE IF NOT EXISTS orleans_grain_state (
            service_id      text NOT NULL,
            grain_type      text NOT NULL,
            grain_id_n0     bigint NOT NULL,
            grain_id_n1     bigint NOT NULL,
            grain_id_ext    text NOT NULL DEFAULT '',
            grain_id_hash   integer NOT NULL,
            grain_type_hash integer NOT NULL,
            payload         bytea,
            version         integer NOT NULL,
            modified_at     timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext));

        INSERT INTO OrleansQuery(QueryKey, QueryText) VALUES
        ('ReadFromStorageKey', $q$
            SELECT payload AS "PayloadBinary", version AS "Version"
            FROM orleans_grain_state
            WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
              AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
              AND grain_id_ext = COALESCE(CAST(@GrainIdExtensionString AS text), '')
              AND payload IS NOT NULL
        $q$),
        ('WriteToStorageKey', $q$
            WITH updated AS (
                UPDATE orleans_grain_state
                SET payload = @PayloadBinary, version = version + 1, modified_at = now(),
                    grain_id_hash = @GrainIdHash, grain_type_hash = @GrainTypeHash
                WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
                  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
                  AND grain_id_ext = COALESCE(CAST(@GrainIdExtensionString AS text), '')
                  AND ((CAST(@GrainStateVersion AS integer) IS NULL AND payload IS NULL)
                       OR version = CAST(@GrainStateVersion AS integer))
                RETURNING version),
            inserted AS (
                INSERT INTO orleans_grain_state(service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext,
                                                grain_id_hash, grain_type_hash, payload, version)
                SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(CAST(@GrainIdExtensionString AS text), ''),
                       @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
                WHERE CAST(@GrainStateVersion AS integer) IS NULL AND NOT EXISTS (SELECT 1 FROM updated)
                ON CONFLICT DO NOTHING
                RETURNING version)
            SELECT version AS "NewGrainStateVersion" FROM updated
            UNION ALL
            SELECT version FROM inserted
        $q$),
        ('ClearStorageKey', $q$
            WITH cleared AS (
                UPDATE orleans_grain_state SET payload = NULL, version = version + 1, modified_at = now()
                WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
                  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
                  AND grain_id_ext = COALESCE(CAST(@GrainIdExtensionString AS text), '')
                  AND version = CAST(@GrainStateVersion AS integer)
                RETURNING version)
            SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
        $q$),
        ('DeleteStorageKey', $q$
            WITH deleted AS (
                DELETE FROM orleans_grain_state
                WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
                  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
                  AND grain_id_ext = COALESCE(CAST(@GrainIdExtensionString AS text), '')
                  AND version = CAST(@GrainStateVersion AS integer)
                RETURNING version)
            SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion"
        $q$)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
        """;

    // ---------------------------------------------------------------- Orleans: reminders

    // grain_hash holds the grain's uniform hash as a signed integer, as the provider binds it; range reads
    // compare in signed order (ReadRangeRows1Key: begin < end, ReadRangeRows2Key: the range wraps).
    private const string RemindersSchema =
        """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey  varchar(64) PRIMARY KEY,
            QueryText text NOT NULL);

        CREATE TABLE IF NOT EXISTS orleans_reminders (
            service_id    text NOT NULL,
            grain_id      text NOT NULL,
            reminder_name text NOT NULL,
            grain_hash    integer NOT NULL,
            start_time    timestamptz NOT NULL,
            period        bigint NOT NULL,
            version       integer NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name));
        CREATE INDEX IF NOT EXISTS orleans_reminders_hash ON orleans_reminders(service_id, grain_hash);

        INSERT INTO OrleansQuery(QueryKey, QueryText) VALUES
        ('UpsertReminderRowKey', $q$
            INSERT INTO orleans_reminders(service_id, grain_id, reminder_name, grain_hash, start_time, period, version)
            VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 0)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
            SET grain_hash = excluded.grain_hash, start_time = excluded.start_time, period = excluded.period,
                version = orleans_reminders.version + 1
            RETURNING version AS "Version"
        $q$),
        ('ReadReminderRowsKey', $q$
            SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
                   period AS "Period", version AS "Version"
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId
        $q$),
        ('ReadReminderRowKey', $q$
            SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
                   period AS "Period", version AS "Version"
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
        $q$),
        ('ReadRangeRows1Key', $q$
            SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
                   period AS "Period", version AS "Version"
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
        $q$),
        ('ReadRangeRows2Key', $q$
            SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
                   period AS "Period", version AS "Version"
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
        $q$),
        ('DeleteReminderRowKey', $q$
            WITH deleted AS (
                DELETE FROM orleans_reminders
                WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM deleted)
        $q$),
        ('DeleteReminderRowsKey', $q$
            DELETE FROM orleans_reminders WHERE service_id = @ServiceId
        $q$)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
        """;

    private const string QueueSchema =
        """
        CREATE TABLE IF NOT EXISTS queue_entries (
            job_id      text PRIMARY KEY,
            queue       text NOT NULL,
            repo        text NOT NULL,
            url         text NOT NULL,
            branch      text,
            priority    integer NOT NULL,
            enqueued_at text NOT NULL,
            sequence    bigint NOT NULL,
            started_at  text);
        CREATE INDEX IF NOT EXISTS queue_entries_by_queue ON queue_entries(queue, sequence);
        """;
}
