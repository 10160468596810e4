// SQLite part of the search-filter store methods (ICodeStore.Search.cs).
using System.Text.Json;

namespace CodeIngest.Storage;

public sealed partial class SqliteCodeStore
{
    public Task<IReadOnlyDictionary<string, string>> GetFileLanguagesAsync(string repo, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
        }

        return RunAsync<IReadOnlyDictionary<string, string>>(async connection =>
        {
            await using var command = connection.Command(
                """
                SELECT f.path, f.language FROM repos r JOIN snapshot_files f ON f.snapshot_id = r.latest_snapshot, json_each($paths) p
                WHERE r.repo = $r AND f.path = p.value
                """).With("$r", repo).With("$paths", JsonSerializer.Serialize(paths));
            var languages = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                languages[reader.GetString(0)] = reader.GetString(1);
            }

            return languages;
        }, cancellationToken);
    }
}
