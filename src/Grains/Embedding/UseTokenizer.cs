// The tokenizer of Universal Sentence Encoder Lite as its JS runtime (@energetic-ai/embeddings)
// applies it, reproduced exactly because the vectors depend on every id:
// - text is NFKC-normalised, prefixed with "▁" and every space becomes "▁" (empty text: no tokens);
// - the vocabulary is a JSON list of [piece, score]; ids are list positions; the first six
//   (<unk>, <s>, </s>, three extra ids) never match text; a null score counts as 0; a piece
//   listed more than once ("”5" three times) takes its last position and score;
// - segmentation is unigram Viterbi over code points: at each end position candidates are
//   visited by start position, then by length, and a candidate replaces the best so far when
//   its total is >= it (so the later of equal totals wins) or when the best so far is exactly 0
//   (the JS code uses 0 as "unset"); a code point that starts no piece becomes <unk> (id 0)
//   with score 0; consecutive <unk>s collapse into one.
// Microsoft.ML.Tokenizers' SentencePieceTokenizer, given a unigram ModelProto built from the
// vocabulary, agrees on ordinary text once runs of <unk> are merged, but not where the JS
// 0-as-unset quirk decides (":)" is [▁, :, )] in JS, "▁:)" in the library); see
// SentencePieceComparisonTests. So this model keeps its own tokenizer, which reproduces the JS
// ids exactly (DefaultModelParityTests); the library remains the choice for the tokenizer kinds
// it covers (WordPiece / tokenizer.json bundles).
using System.Text;
using System.Text.Json;

namespace CodeIngest.Embedding;

/// <summary>Turns text into token ids.</summary>
public interface ITextTokenizer
{
    /// <summary>Token ids of the text, at most maxTokens of them (later ones dropped).</summary>
    int[] Encode(string text, int maxTokens);
}

/// <summary>SentencePiece unigram tokenizer of Universal Sentence Encoder Lite (see the file header).</summary>
public sealed class UseTokenizer : ITextTokenizer
{
    private const int ReservedIds = 6;
    private const char Separator = '\u2581';

    private readonly Node _root = new();
    private readonly int[] _pieceLengths;

    private UseTokenizer(List<(string Piece, double Score)> vocabulary)
    {
        _pieceLengths = new int[vocabulary.Count];
        for (var id = 0; id < vocabulary.Count; id++)
        {
            _pieceLengths[id] = vocabulary[id].Piece.Length;
        }

        for (var id = ReservedIds; id < vocabulary.Count; id++)
        {
            var node = _root;
            var piece = vocabulary[id].Piece;
            var length = 0;
            foreach (var rune in piece.EnumerateRunes())
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(rune.Value, out var child))
                {
                    child = new Node();
                    node.Children[rune.Value] = child;
                }

                node = child;
                length++;
            }

            // A repeated piece overwrites: the last listing wins.
            node.Id = id;
            node.Score = vocabulary[id].Score;
            node.Length = length;
        }
    }

    public int VocabularySize => _pieceLengths.Length;

    /// <summary>Loads vocab.json (a list of [piece, score|null]).</summary>
    public static UseTokenizer Load(string vocabJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(vocabJson));
        var vocabulary = new List<(string, double)>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var piece = entry[0].GetString() ?? "";
            var score = entry[1].ValueKind == JsonValueKind.Number ? entry[1].GetDouble() : 0d;
            vocabulary.Add((piece, score));
        }

        return new UseTokenizer(vocabulary);
    }

    public int[] Encode(string text, int maxTokens)
    {
        var ids = Encode(text);
        return ids.Length <= maxTokens ? ids : ids[..maxTokens];
    }

    /// <summary>All token ids of the text.</summary>
    public int[] Encode(string text)
    {
        string normalized;
        try
        {
            normalized = text.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Unpaired surrogates: .NET refuses to normalise; JS leaves them as they are.
            normalized = text;
        }

        if (normalized.Length == 0)
        {
            return [];
        }

        var input = Separator + normalized.Replace(' ', Separator);
        var symbols = new List<int>(input.Length);
        foreach (var rune in input.EnumerateRunes())
        {
            symbols.Add(rune.Value);
        }

        var n = symbols.Count;

        // Forward relaxation by start position. For one end position this visits its candidates
        // in the JS order (by start; one candidate per start), and best[start] is final when
        // start is reached because every candidate ending there starts earlier.
        var best = new double[n + 1];
        var words = new int[n + 1];
        for (var start = 0; start < n; start++)
        {
            var found = false;
            var node = _root;
            var from = best[start];
            for (var i = start; i < n; i++)
            {
                if (node.Children is null || !node.Children.TryGetValue(symbols[i], out node))
                {
                    break;
                }

                if (node.Id >= 0)
                {
                    Relax(best, words, i + 1, node.Score + from, node.Id);
                    found = true;
                }
            }

            if (!found)
            {
                Relax(best, words, start + 1, from, 0);
            }
        }

        // Walk back; the JS code steps back by the piece's UTF-16 length.
        var reversed = new List<int>();
        for (var at = n; at > 0; at -= _pieceLengths[words[at]])
        {
            reversed.Add(words[at]);
        }

        var result = new List<int>(reversed.Count);
        var previousUnknown = false;
        foreach (var id in reversed)
        {
            if (!(previousUnknown && id == 0))
            {
                result.Add(id);
            }

            previousUnknown = id == 0;
        }

        result.Reverse();
        return [.. result];
    }

    private static void Relax(double[] best, int[] words, int end, double score, int id)
    {
        if (best[end] == 0 || score >= best[end])
        {
            best[end] = score;
            words[end] = id;
        }
    }

    private sealed class Node
    {
        public Dictionary<int, Node>? Children { get; set; }

        public int Id { get; set; } = -1;

        public double Score { get; set; }

        public int Length { get; set; }
    }
}
