// PostgreSQL part of the ingestion queue's rows (see ICodeStore.Queue.cs; table from migration "ingestion queue").
using Npgsql;
using NpgsqlTypes;

namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore
{
    public Task AddQueueEntriesAsync(IReadOnlyList<QueueEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var entry in entries)
            {
                await using var insert = Command(connection, transaction,
                    """
                    INSERT INTO queue_entries(job_id, queue, repo, url, branch, priority, enqueued_at, sequence, started_at)
                    VALUES (@id, @queue, @repo, @url, @branch, @priority, @enqueued, @sequence, @started)
                    ON CONFLICT (job_id) DO NOTHING
                    """)
                    .Text("id", entry.JobId).Text("queue", entry.Queue).Text("repo", Clean(entry.Repo)).Text("url", Clean(entry.Url))
                    .Text("branch", entry.Branch is null ? null : Clean(entry.Branch)).Text("enqueued", Format(entry.EnqueuedAt))
                    .Text("started", entry.StartedAt is { } s ? Format(s) : null);
                insert.Parameters.Add(new NpgsqlParameter<int>("priority", NpgsqlDbType.Integer) { TypedValue = entry.Priority });
                insert.Parameters.Add(new NpgsqlParameter<long>("sequence", NpgsqlDbType.Bigint) { TypedValue = entry.Sequence });
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    public Task<IReadOnlyList<QueueEntry>> ListQueueEntriesAsync(string queue, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT queue, job_id, repo, url, branch, priority, enqueued_at, sequence, started_at FROM queue_entries WHERE queue = @queue ORDER BY sequence, job_id COLLATE \"C\"",
            c => c.Text("queue", queue),
            r => new QueueEntry(
                r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetInt32(5), Parse(r.GetString(6)), r.GetInt64(7), r.IsDBNull(8) ? null : Parse(r.GetString(8))),
            cancellationToken);

    public Task MarkQueueEntryStartedAsync(string jobId, DateTimeOffset startedAt, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var update = Command(connection, null, "UPDATE queue_entries SET started_at = @started WHERE job_id = @id")
                .Text("id", jobId).Text("started", Format(startedAt));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task RemoveQueueEntryAsync(string jobId, JobRecord? history, CancellationToken cancellationToken = default) =>
        InTransactionAsync(async (connection, transaction) =>
        {
            await using (var delete = Command(connection, transaction, "DELETE FROM queue_entries WHERE job_id = @id").Text("id", jobId))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (history is not null)
            {
                await using var save = SaveJobCommand(connection, transaction, history);
                await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
}
