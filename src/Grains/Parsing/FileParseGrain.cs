// Parse worker: the content travels in the request, so any silo can parse a batch. Random
// placement spreads the parse step's worker slots (one grain each) over the cluster's silos.
using Orleans.Placement;

namespace CodeIngest.Parsing;

[RandomPlacement]
public sealed class FileParseGrain(TreeSitterParser parser) : Grain, IFileParseGrain
{
    public Task<ParsedFile[]> ParseBatchAsync(ParseRequest[] files)
    {
        ArgumentNullException.ThrowIfNull(files);

        // CPU-bound: run on the thread pool so the silo's scheduler threads stay free for messages.
        return Task.Run(() =>
        {
            var results = new ParsedFile[files.Length];
            for (var i = 0; i < files.Length; i++)
            {
                var file = files[i];
                results[i] = parser.Parse(file.Path, file.Language, file.Content);
            }

            return results;
        });
    }
}
