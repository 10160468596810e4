// Parse worker: the content travels in the request, so any silo can parse a batch. Random
// placement spreads the parse step's worker slots (one grain each) over the cluster's silos.
using Orleans.Placement;

namespace CodeIngest.Parsing;

[RandomPlacement]
public sealed class FileParseGrain(TreeSitterParser parser) : Grain, IFileParseGrain
{
    // CPU-bound: the parser runs it on the thread pool (the silo's scheduler threads stay free for messages),
    // at most one batch per core at a time across all of this silo's parse grains.
    public Task<ParsedFile[]> ParseBatchAsync(ParseRequest[] files) => parser.ParseBatchAsync(files);
}
