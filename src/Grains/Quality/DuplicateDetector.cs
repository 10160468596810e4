// Duplicated code blocks across (and within) files: every window of ShingleTokens tokens is hashed
// (comments and whitespace do not count); a window seen before marks a duplicate, consecutive duplicate
// windows are merged into one block, and a block is kept when its tokens really are equal (no hash
// collision) and it spans at least MinimumLines lines.
using CodeIngest.Storage;

namespace CodeIngest.Quality;

public sealed record DuplicateBlock(string Path, int StartLine, int EndLine, string OtherPath, int OtherStartLine, int OtherEndLine, int Tokens);

public static class DuplicateDetector
{
    public const int ShingleTokens = 50;
    public const int MinimumLines = 5;

    public static IReadOnlyList<DuplicateBlock> Find(IReadOnlyList<StoredFile> files, int shingle = ShingleTokens, int minimumLines = MinimumLines, CancellationToken cancellationToken = default)
    {
        var tokenized = files.Select(f => (File: f, Tokens: CodeTokenizer.Tokenize(f.Text, f.Language))).Where(t => t.Tokens.Count >= shingle).ToList();
        var firstSeen = new Dictionary<ulong, (int File, int Position)>();
        var blocks = new List<DuplicateBlock>();
        for (var f = 0; f < tokenized.Count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tokens = tokenized[f].Tokens;
            var hashes = WindowHashes(tokens, shingle);

            // A run: consecutive windows of this file matching consecutive windows of one earlier place.
            int runStart = -1, runOtherFile = -1, runOtherStart = -1, runLength = 0;
            var skipUntil = -1;
            void Close()
            {
                if (runLength > 0)
                {
                    AddBlock(tokenized, blocks, f, runStart, runOtherFile, runOtherStart, runLength + shingle - 1, minimumLines);
                }

                runLength = 0;
            }

            for (var i = 0; i < hashes.Length; i++)
            {
                if (firstSeen.TryGetValue(hashes[i], out var seen) && !(seen.File == f && seen.Position + shingle > i) && i >= skipUntil)
                {
                    if (runLength > 0 && seen.File == runOtherFile && seen.Position == runOtherStart + runLength)
                    {
                        runLength++;
                    }
                    else
                    {
                        Close();
                        (runStart, runOtherFile, runOtherStart, runLength) = (i, seen.File, seen.Position, 1);
                    }
                }
                else if (runLength > 0)
                {
                    // A duplicate block ends: later windows inside it would only repeat it.
                    skipUntil = runStart + runLength + shingle - 1;
                    Close();
                }

                firstSeen.TryAdd(hashes[i], (f, i));
            }

            Close();
        }

        return blocks.OrderBy(b => b.Path, StringComparer.Ordinal).ThenBy(b => b.StartLine).ToList();
    }

    private static void AddBlock(List<(StoredFile File, List<CodeToken> Tokens)> tokenized, List<DuplicateBlock> blocks, int file, int start, int otherFile, int otherStart, int length, int minimumLines)
    {
        var a = tokenized[file].Tokens;
        var b = tokenized[otherFile].Tokens;
        for (var k = 0; k < length; k++)
        {
            if (a[start + k].Text != b[otherStart + k].Text)
            {
                return; // hash collision
            }
        }

        var startLine = a[start].Line;
        var endLine = a[start + length - 1].Line;
        if (endLine - startLine + 1 < minimumLines)
        {
            return;
        }

        blocks.Add(new DuplicateBlock(tokenized[file].File.Path, startLine, endLine, tokenized[otherFile].File.Path, b[otherStart].Line, b[otherStart + length - 1].Line, length));
    }

    /// <summary>Polynomial rolling hash of every window of <paramref name="size"/> token texts.</summary>
    private static ulong[] WindowHashes(List<CodeToken> tokens, int size)
    {
        const ulong Base = 1_000_003;
        var tokenHashes = tokens.Select(t => (ulong)(uint)StringComparer.Ordinal.GetHashCode(t.Text) * 0x9E3779B97F4A7C15UL | 1).ToArray();
        var power = 1UL;
        for (var i = 0; i < size - 1; i++)
        {
            power *= Base;
        }

        var result = new ulong[tokens.Count - size + 1];
        var hash = 0UL;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i >= size)
            {
                hash -= tokenHashes[i - size] * power;
            }

            hash = hash * Base + tokenHashes[i];
            if (i >= size - 1)
            {
                result[i - size + 1] = hash;
            }
        }

        return result;
    }
}
