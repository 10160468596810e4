// Capability checks of the search-filter store methods.
using CodeIngest.Storage;

namespace CodeIngest.Dag;

internal sealed partial class GuardedCodeStore
{
    public Task<IReadOnlyDictionary<string, string>> GetFileLanguagesAsync(string repo, IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        tools.Require(Capability.ReadStore);
        return inner.GetFileLanguagesAsync(repo, paths, cancellationToken);
    }
}
