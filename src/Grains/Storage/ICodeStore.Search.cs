// Store methods for search filters: what the store knows about a hit's file that its path does not say.
namespace CodeIngest.Storage;

public partial interface ICodeStore
{
    /// <summary>
    /// The language each of <paramref name="paths"/> was parsed as in <paramref name="repo"/>'s latest snapshot (a <c>.h</c>
    /// header may be C or C++, decided by its content). Paths the snapshot does not hold are left out.
    /// </summary>
    Task<IReadOnlyDictionary<string, string>> GetFileLanguagesAsync(string repo, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default);
}
