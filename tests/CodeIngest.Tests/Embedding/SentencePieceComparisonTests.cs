// Microsoft.ML.Tokenizers against our USE tokenizer on the reference texts. The vocabulary is
// turned into a SentencePiece unigram ModelProto (sentencepiece_model.proto: pieces = 1
// {piece = 1, score = 2, type = 3}, trainer_spec = 2 {model_type = 3, vocab_size = 4,
// unk_id = 40, bos_id = 41, eos_id = 42, pad_id = 43}, normalizer_spec = 3 {name = 1,
// add_dummy_prefix = 3, remove_extra_whitespaces = 4, escape_whitespaces = 5}); duplicated
// pieces keep their id under a unique unreachable name and null scores become 0. The library
// does not apply NFKC from a precompiled charsmap, so the text is NFKC-normalised first.
// The test records where the two agree: the library is used where it gives the reference ids.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using CodeIngest.Embedding;
using Microsoft.ML.Tokenizers;
using Xunit;

namespace CodeIngest.Tests.Embedding;

public sealed class SentencePieceComparisonTests
{
    [Fact]
    public async Task Library_unigram_tokenizer_with_unknowns_merged_matches_the_reference_texts()
    {
        var bundle = await DefaultModel.EnsureAsync(new EmbeddingOptions { CacheDirectory = Path.Combine(Path.GetTempPath(), "codeingest-test-models") }, TestContext.Current.CancellationToken);
        var vocab = bundle.TokenizerFullPaths().Single();
        using var model = new MemoryStream(BuildModelProto(vocab));
        var library = SentencePieceTokenizer.Create(model, addBeginningOfSentence: false, addEndOfSentence: false);
        var ours = UseTokenizer.Load(vocab);

        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Embedding", "reference", "reference.json")));
        var report = new List<string>();
        foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
        {
            var text = item.GetProperty("text").GetString()!;
            var expected = item.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
            Assert.Equal(expected, ours.Encode(text));
            var theirs = MergeUnknowns(library.EncodeToIds(text.Normalize(NormalizationForm.FormKC)));
            var same = theirs.SequenceEqual(expected);
            report.Add($"{(same ? "same" : "DIFF")} unk={expected.Count(i => i == 0)} '{text[..Math.Min(40, text.Length)].ReplaceLineEndings(" ")}'{(same ? "" : $" ours=[{string.Join(",", expected)}] lib=[{string.Join(",", theirs)}]")}");
            Assert.True(same, string.Join("\n", report));
        }

        // Where they part: texts whose best path scores exactly 0 (pieces with null scores). The
        // JS tokenizer treats a best score of 0 as "none yet" and takes the next candidate, so
        // ":)" is [▁, :, )] there, while the library (correctly for SentencePiece) picks "▁:)".
        // Ids from the JS tokenizer (@energetic-ai/embeddings 0.2.0 under Node 20).
        var js = new Dictionary<string, int[]>
        {
            [":)"] = [30, 57, 52],
            ["):"] = [30, 4445],
            [":-) :("] = [30, 57, 24, 52, 4258],
            ["x :)"] = [649, 658],
            ["://"] = [30, 255],
        };
        var differences = 0;
        foreach (var (text, ids) in js)
        {
            var a = ours.Encode(text);
            var b = MergeUnknowns(library.EncodeToIds(text));
            Assert.Equal(ids, a);
            differences += a.SequenceEqual(b) ? 0 : 1;
            report.Add($"{(a.SequenceEqual(b) ? "same" : "DIFF")} '{text}' ours=[{string.Join(",", a)}] lib=[{string.Join(",", b)}]");
        }

        Assert.True(differences > 0, "the library now reproduces the JS quirk: it could replace UseTokenizer");

        if (Environment.GetEnvironmentVariable("CODEINGEST_PARITY_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllLines(path, report);
        }
    }

    /// <summary>The JS tokenizer emits one &lt;unk&gt; (id 0) for a run of unknown characters.</summary>
    private static int[] MergeUnknowns(IReadOnlyList<int> ids) => ids.Where((id, i) => !(id == 0 && i > 0 && ids[i - 1] == 0)).ToArray();

    private static byte[] BuildModelProto(string vocabJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(vocabJson));
        var entries = document.RootElement.EnumerateArray().Select(e => (Piece: e[0].GetString()!, Score: e[1].ValueKind == JsonValueKind.Number ? e[1].GetSingle() : 0f)).ToList();
        var lastIndex = new Dictionary<string, int>();
        for (var i = 0; i < entries.Count; i++)
        {
            lastIndex[entries[i].Piece] = i;
        }

        var output = new MemoryStream();
        var f = new byte[4];
        for (var i = 0; i < entries.Count; i++)
        {
            var piece = lastIndex[entries[i].Piece] == i ? entries[i].Piece : $"\u0001duplicate{i}";
            var type = i == 0 ? 2 : i < 6 ? 3 : lastIndex[entries[i].Piece] == i ? 1 : 5; // UNKNOWN, CONTROL, NORMAL, UNUSED
            var message = new MemoryStream();
            WriteString(message, 1, piece);
            WriteTag(message, 2, 5);
            BinaryPrimitives.WriteSingleLittleEndian(f, entries[i].Score);
            message.Write(f);
            WriteVarint(message, 3, type);
            WriteBytes(output, 1, message.ToArray());
        }

        var trainer = new MemoryStream();
        WriteVarint(trainer, 3, 1); // UNIGRAM
        WriteVarint(trainer, 4, entries.Count);
        WriteVarint(trainer, 40, 0);
        WriteVarint(trainer, 41, 1);
        WriteVarint(trainer, 42, 2);
        WriteVarint(trainer, 43, -1);
        WriteBytes(output, 2, trainer.ToArray());

        var normalizer = new MemoryStream();
        WriteString(normalizer, 1, "identity");
        WriteVarint(normalizer, 3, 1);
        WriteVarint(normalizer, 4, 0);
        WriteVarint(normalizer, 5, 1);
        WriteBytes(output, 3, normalizer.ToArray());
        return output.ToArray();
    }

    private static void WriteTag(Stream s, int field, int wire) => WriteRaw(s, (ulong)((field << 3) | wire));

    private static void WriteVarint(Stream s, int field, long value)
    {
        WriteTag(s, field, 0);
        WriteRaw(s, (ulong)value);
    }

    private static void WriteString(Stream s, int field, string value) => WriteBytes(s, field, Encoding.UTF8.GetBytes(value));

    private static void WriteBytes(Stream s, int field, byte[] value)
    {
        WriteTag(s, field, 2);
        WriteRaw(s, (ulong)value.Length);
        s.Write(value);
    }

    private static void WriteRaw(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        s.WriteByte((byte)value);
    }
}
