// PostgreSQL part of the search-filter store methods (ICodeStore.Search.cs).
namespace CodeIngest.Storage.Postgres;

public sealed partial class PostgresCodeStore
{
    public async Task<IReadOnlyDictionary<string, string>> GetFileLanguagesAsync(string repo, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var rows = await QueryAsync(
            """
            SELECT f.path, f.language FROM repos r JOIN snapshot_files f ON f.snapshot_id = r.latest_snapshot
            WHERE r.repo = @r AND f.path = ANY(@paths)
            """,
            c => c.Text("r", repo).Paths("paths", paths),
            r => (Path: r.GetString(0), Language: r.GetString(1)),
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Path, r => r.Language, StringComparer.Ordinal);
    }
}
