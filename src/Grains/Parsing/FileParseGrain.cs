// Stateless parse worker: any silo can run a batch, since the content travels in the request.
using Orleans.Concurrency;

namespace CodeIngest.Parsing;

[StatelessWorker]
public sealed class FileParseGrain(TreeSitterParser parser) : Grain, IFileParseGrain
{
    public Task<ParsedFile[]> ParseBatchAsync(ParseRequest[] files)
    {
        ArgumentNullException.ThrowIfNull(files);
        // Files are small and parsing is CPU-bound: parse the whole batch on the grain's turn.
        var results = new ParsedFile[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            var file = files[i];
            results[i] = parser.Parse(file.Path, file.Language, file.Content);
        }

        return Task.FromResult(results);
    }
}
