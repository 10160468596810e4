// Read-side shapes: what search, symbol look-up and repository listings return.
namespace CodeIngest.Search;

[GenerateSerializer, Immutable, Alias("codeingest.SearchHit")]
public sealed record SearchHit(string Repo, string Path, int StartLine, int EndLine, string? Symbol, double Score, string Snippet);

[GenerateSerializer, Immutable, Alias("codeingest.SymbolHit")]
public sealed record SymbolHit(string Repo, string Name, string Kind, string Path, int StartLine, int EndLine);

[GenerateSerializer, Immutable, Alias("codeingest.RepoInfo")]
public sealed record RepoInfo(string Repo, string Url, int Snapshots, string? LatestSnapshot, string? LatestCommit, int Files, int Symbols);
