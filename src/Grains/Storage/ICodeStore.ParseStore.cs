// The parse stage's write path: rows prepared by the parse workers (hash, parse-data encoding, UTF-8 text) so the
// single store writer only binds values.
namespace CodeIngest.Storage;

public partial interface ICodeStore
{
    /// <summary>Stores parsed files whose rows were prepared by the caller (<see cref="PreparedParsedFile.Create(ParsedFileContent)"/>); otherwise as <see cref="SaveParsedFilesAsync"/>: storing a path again replaces it, one transaction per call.</summary>
    Task SavePreparedFilesAsync(string snapshotId, IReadOnlyList<PreparedParsedFile> files, CancellationToken cancellationToken = default);
}
