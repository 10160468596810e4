// SQLite part of the ingestion queue's rows (see ICodeStore.Queue.cs).
using Microsoft.Data.Sqlite;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    private const string QueueSchema =
        """
        CREATE TABLE IF NOT EXISTS queue_entries (
            job_id      TEXT PRIMARY KEY,
            queue       TEXT NOT NULL,
            repo        TEXT NOT NULL,
            url         TEXT NOT NULL,
            branch      TEXT,
            priority    INTEGER NOT NULL,
            enqueued_at TEXT NOT NULL,
            sequence    INTEGER NOT NULL,
            started_at  TEXT);
        CREATE INDEX IF NOT EXISTS queue_entries_by_queue ON queue_entries(queue, sequence);
        """;

    public Task AddQueueEntriesAsync(IReadOnlyList<QueueEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var insert = connection.Command(
                """
                INSERT INTO queue_entries(job_id, queue, repo, url, branch, priority, enqueued_at, sequence, started_at)
                VALUES ($id, $queue, $repo, $url, $branch, $priority, $enqueued, $sequence, $started)
                ON CONFLICT(job_id) DO NOTHING
                """, transaction);
            foreach (var entry in entries)
            {
                insert.Parameters.Clear();
                insert.With("$id", entry.JobId).With("$queue", entry.Queue).With("$repo", entry.Repo).With("$url", entry.Url)
                    .With("$branch", entry.Branch).With("$priority", entry.Priority).With("$enqueued", Format(entry.EnqueuedAt))
                    .With("$sequence", entry.Sequence).With("$started", entry.StartedAt is { } s ? Format(s) : null);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<QueueEntry>> ListQueueEntriesAsync(string queue, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<QueueEntry>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT queue, job_id, repo, url, branch, priority, enqueued_at, sequence, started_at FROM queue_entries WHERE queue = $queue ORDER BY sequence, job_id")
                .With("$queue", queue);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var result = new List<QueueEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new QueueEntry(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetNullableString(4),
                    reader.GetInt32(5), Parse(reader.GetString(6)), reader.GetInt64(7), reader.IsDBNull(8) ? null : Parse(reader.GetString(8))));
            }

            return result;
        }, cancellationToken);

    public Task MarkQueueEntryStartedAsync(string jobId, DateTimeOffset startedAt, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var update = connection.Command("UPDATE queue_entries SET started_at = $started WHERE job_id = $id")
                .With("$id", jobId).With("$started", Format(startedAt));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task RemoveQueueEntryAsync(string jobId, JobRecord? history, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var delete = connection.Command("DELETE FROM queue_entries WHERE job_id = $id", transaction).With("$id", jobId))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (history is not null)
            {
                await using var save = SaveJobCommand(connection, transaction, history);
                await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
}
