// The hand-written identifier splitter must give exactly what the two regular expressions it replaced gave
// (the words column of every stored chunk depends on it): the regexes are kept here as the reference.
using System.Text.RegularExpressions;
using CodeIngest.Storage;
using Xunit;

namespace CodeIngest.Tests.Storage;

public sealed partial class IdentifierWordsTests
{
    [Theory]
    [InlineData("parseFile HTTPServer snake_case", "parse file http server snake case")]
    [InlineData("XMLHttpRequest getHTTPResponseCode2 x y9 A", "xml http request get response code 2 9")]
    [InlineData("", "")]
    public void Splits_identifiers_into_lower_case_words(string text, string words) => Assert.Equal(words, IdentifierWords.Split(text));

    [Fact]
    public void Agrees_with_the_reference_regexes_on_mixed_text()
    {
        string[] samples =
        [
            "def __init__(self, maxBytes=0, HTTPConnectionPool=None):\n    self._URLopener = urllib2.urlopen  # ÄÖÜäöü Straße",
            "class ÉtéParser(ABCMeta): ǅemal ǈubljana ﬁle ²³ ½ Ⅻ numbersⅫ x²y 日本語の識別子 αβγΔΕ _ __ a_b_C_D",
            "int main(int argc, char **argv) { return fooBAR_baz42QUX + 0x1F + 3.14e10; } // TODO: FIXMEnow",
            "MIXEDCase lowerUPPERlower ABCdef AbC aBC A1B2c3 ABC123def x_Y_z 😀emoji😀Word \u0301accent",
            "path/to/SomeFile.py src/HTTPServer/index.ts",
        ];
        foreach (var sample in samples)
        {
            Assert.Equal(Reference(sample), IdentifierWords.Split(sample));
        }

        // Text and path are split as one text joined by a space, each word kept once.
        Assert.Equal(Reference(samples[0] + " " + samples[4]), IdentifierWords.Split(samples[0], samples[4], [], new System.Text.StringBuilder()));
    }

    private static string Reference(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match identifier in TermRegex().Matches(text))
        {
            foreach (Match word in WordRegex().Matches(identifier.Value))
            {
                if (word.Length > 1 || char.IsDigit(word.Value[0]))
                {
                    words.Add(word.Value.ToLowerInvariant());
                }
            }
        }

        return string.Join(' ', words);
    }

    [GeneratedRegex(@"[\p{L}\p{N}_]+")]
    private static partial Regex TermRegex();

    [GeneratedRegex(@"\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+")]
    private static partial Regex WordRegex();
}
