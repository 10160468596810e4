// WordPiece tokenization for BERT-style models a user brings, through Microsoft.ML.Tokenizers'
// BertTokenizer (basic tokenization, optional lower-casing, greedy longest-match WordPiece). The
// vocabulary comes from a vocab.txt (one token per line, id = line number) or from a Hugging Face
// tokenizer.json whose model is WordPiece (model.vocab: token → id; lower-casing from its
// BertNormalizer). Each text becomes [CLS] tokens [SEP], cut so that it fits the model's window.
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace CodeIngest.Embedding;

public sealed class WordPieceTokenizer : ITextTokenizer
{
    private readonly BertTokenizer _tokenizer;

    private WordPieceTokenizer(BertTokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>Loads a vocab.txt.</summary>
    public static WordPieceTokenizer FromVocab(string vocabPath, bool lowerCase)
    {
        using var stream = File.OpenRead(vocabPath);
        return new WordPieceTokenizer(BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lowerCase }));
    }

    /// <summary>Loads the WordPiece vocabulary of a Hugging Face tokenizer.json; other model types are refused with a clear error.</summary>
    public static WordPieceTokenizer FromTokenizerJson(string path, bool? lowerCase)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("model", out var model) || !model.TryGetProperty("type", out var type))
        {
            throw new InvalidDataException($"tokenizer.json '{path}' has no model.type; expected a WordPiece model (BERT-style)");
        }

        if (type.GetString() != "WordPiece")
        {
            throw new NotSupportedException($"tokenizer.json '{path}' holds a {type.GetString()} model; supported: WordPiece (BERT-style). Use a vocab.txt or a WordPiece tokenizer.json");
        }

        var vocab = model.GetProperty("vocab").EnumerateObject().Select(p => (Token: p.Name, Id: p.Value.GetInt32())).OrderBy(p => p.Id).ToList();
        for (var i = 0; i < vocab.Count; i++)
        {
            if (vocab[i].Id != i)
            {
                throw new InvalidDataException($"tokenizer.json '{path}': vocabulary ids are not 0..{vocab.Count - 1} (id {i} is missing)");
            }
        }

        var lower = lowerCase
            ?? (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object
                && normalizer.TryGetProperty("lowercase", out var flag) && flag.ValueKind is JsonValueKind.True);
        var text = new StringBuilder();
        foreach (var (token, _) in vocab)
        {
            text.Append(token).Append('\n');
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        return new WordPieceTokenizer(BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lower }));
    }

    public int ClassificationTokenId => _tokenizer.ClassificationTokenId;

    public int SeparatorTokenId => _tokenizer.SeparatorTokenId;

    public int[] Encode(string text, int maxTokens)
    {
        var inner = _tokenizer.EncodeToIds(text ?? string.Empty, addSpecialTokens: false);
        var keep = Math.Max(0, Math.Min(inner.Count, maxTokens - 2));
        var ids = new int[keep + 2];
        ids[0] = _tokenizer.ClassificationTokenId;
        for (var i = 0; i < keep; i++)
        {
            ids[i + 1] = inner[i];
        }

        ids[^1] = _tokenizer.SeparatorTokenId;
        return ids;
    }
}
