// Security findings: hard-coded secrets (known key formats, and high-entropy values assigned to
// names like password/secret/token) and dangerous calls per language (eval/exec, shell=True and
// shell command strings, SQL built by concatenation or interpolation, unsafe deserialization).
// A secret never leaves this class unmasked: findings carry only its first four characters and length.
using System.Text.RegularExpressions;
using CodeIngest.Storage;

namespace CodeIngest.Quality;

public static partial class SecurityScanner
{
    public const double MinimumSecretEntropy = 3.5;

    private sealed record Rule(string Id, string Severity, string Message, Regex Pattern, string[]? Languages = null, Regex? Prefilter = null);

    private static readonly (string Id, string Name, Regex Pattern)[] KeyFormats =
    [
        ("secret/aws-access-key", "AWS access key id", new Regex(@"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", RegexOptions.Compiled)),
        ("secret/github-token", "GitHub token", new Regex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b", RegexOptions.Compiled)),
        ("secret/slack-token", "Slack token", new Regex(@"\bxox[abposr]-[A-Za-z0-9-]{10,}", RegexOptions.Compiled)),
        ("secret/stripe-key", "Stripe secret key", new Regex(@"\b[sr]k_live_[0-9a-zA-Z]{20,}\b", RegexOptions.Compiled)),
        ("secret/google-api-key", "Google API key", new Regex(@"\bAIza[0-9A-Za-z_\-]{35}\b", RegexOptions.Compiled)),
        ("secret/openai-key", "OpenAI API key", new Regex(@"\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}\b", RegexOptions.Compiled)),
        ("secret/private-key", "private key block", new Regex(@"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----", RegexOptions.Compiled)),
        ("secret/jwt", "JSON Web Token", new Regex(@"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}", RegexOptions.Compiled)),
    ];

    private static readonly Rule[] DangerousRules =
    [
        new("dangerous/eval", "high", "eval() runs text as code", new Regex(@"(?<![\w.])eval\s*\(", RegexOptions.Compiled), ["python", "javascript", "typescript", "tsx", "php", "ruby", "perl", "lua"]),
        new("dangerous/exec", "high", "exec() runs text as code", new Regex(@"(?<![\w.])exec\s*\(", RegexOptions.Compiled), ["python"]),
        new("dangerous/new-function", "high", "new Function() compiles text as code", new Regex(@"\bnew\s+Function\s*\(", RegexOptions.Compiled), ["javascript", "typescript", "tsx"]),
        new("dangerous/shell", "high", "a shell runs a command string (shell=True)", new Regex(@"\bshell\s*=\s*True\b", RegexOptions.Compiled), ["python"]),
        new("dangerous/shell", "high", "os.system() runs a command string in a shell", new Regex(@"\bos\.(?:system|popen)\s*\(", RegexOptions.Compiled), ["python"]),
        new("dangerous/shell", "high", "child_process exec() runs a command string in a shell", new Regex(@"\b(?:child_process\.)?execSync?\s*\(\s*(?:`[^`]*\$\{|[^)]*\+)", RegexOptions.Compiled), ["javascript", "typescript", "tsx"]),
        new("dangerous/shell", "high", "Runtime.exec() runs a command", new Regex(@"Runtime\.getRuntime\(\)\.exec\s*\(", RegexOptions.Compiled), ["java", "kotlin", "scala"]),
        new("dangerous/shell", "high", "system()/shell_exec() runs a command string in a shell", new Regex(@"(?<![\w>:.])(?:system|shell_exec|passthru|popen)\s*\(", RegexOptions.Compiled), ["php", "c", "cpp", "ruby", "perl"]),
        new("dangerous/shell", "medium", "a shell is started with a command string", new Regex(@"exec\.Command\(\s*""(?:sh|bash|cmd)""", RegexOptions.Compiled), ["go"]),
        new("dangerous/shell", "medium", "Process.Start runs a shell command", new Regex(@"Process\.Start\(\s*""(?:cmd(?:\.exe)?|/bin/(?:ba)?sh|powershell)""", RegexOptions.Compiled), ["csharp"]),
        new("dangerous/deserialization", "high", "unsafe deserialization of untrusted data", new Regex(@"\b(?:pickle|cPickle|dill|marshal|shelve)\.loads?\s*\(|\byaml\.load\s*\((?![^)]*SafeLoader)|\byaml\.unsafe_load\s*\(", RegexOptions.Compiled), ["python"],
            new Regex(@"\b(?:pickle|cPickle|dill|marshal|shelve)\.loads?\s*\(|\byaml\.load\s*\(|\byaml\.unsafe_load\s*\(", RegexOptions.Compiled)),
        new("dangerous/deserialization", "high", "BinaryFormatter/SoapFormatter/NetDataContractSerializer deserialization is unsafe", new Regex(@"\b(?:BinaryFormatter|SoapFormatter|NetDataContractSerializer|LosFormatter|ObjectStateFormatter)\b", RegexOptions.Compiled), ["csharp"]),
        new("dangerous/deserialization", "high", "ObjectInputStream.readObject() deserializes untrusted data", new Regex(@"\bnew\s+ObjectInputStream\s*\(", RegexOptions.Compiled), ["java", "kotlin", "scala"]),
        new("dangerous/deserialization", "high", "unserialize()/Marshal.load deserializes untrusted data", new Regex(@"(?<![\w>:])unserialize\s*\(|\bMarshal\.load\b|\bYAML\.load\s*\(", RegexOptions.Compiled), ["php", "ruby"]),
        new("dangerous/sql-concatenation", "high", "SQL built by string concatenation or interpolation", SqlConcatenationRegex()),
    ];

    public static IEnumerable<Finding> Scan(StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Scan(file.Path, file.Text, file.Language);
    }

    /// <summary>
    /// The findings of one file, line by line. A rule runs on the lines only when it matches somewhere in the whole text:
    /// every pattern here (lookbehinds and \b included) that matches in a line also matches in the text, so this skips
    /// only lines it could not report — except the YAML rule's lookahead, whose check is its pattern without it.
    /// </summary>
    public static List<Finding> Scan(string path, string text, string language)
    {
        var findings = new List<Finding>();
        var keyFormats = KeyFormats.Where(k => k.Pattern.IsMatch(text)).ToArray();
        var assignments = SecretAssignmentRegex().IsMatch(text);
        var rules = DangerousRules.Where(r => (r.Languages is null || r.Languages.Contains(language)) && (r.Prefilter ?? r.Pattern).IsMatch(text)).ToArray();
        if (keyFormats.Length == 0 && !assignments && rules.Length == 0)
        {
            return findings;
        }

        var lineNumber = 0;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            lineNumber++;
            if (range.End.GetOffset(text.Length) - range.Start.GetOffset(text.Length) > 2000)
            {
                continue; // minified or generated: not reviewed line by line
            }

            var line = text[range];
            foreach (var (id, name, pattern) in keyFormats)
            {
                foreach (Match match in pattern.Matches(line))
                {
                    findings.Add(new Finding(id, "high", path, lineNumber, $"hard-coded {name} {Mask(match.Value)}"));
                }
            }

            if (assignments && keyFormats.All(k => !k.Pattern.IsMatch(line)) && SecretAssignmentRegex().Match(line) is { Success: true } assignment)
            {
                var value = assignment.Groups["value"].Value;
                var entropy = Entropy(value);
                if (entropy >= MinimumSecretEntropy && !LooksLikePlaceholder(value))
                {
                    findings.Add(new Finding("secret/high-entropy-assignment", "high", path, lineNumber,
                        $"hard-coded secret in '{assignment.Groups["name"].Value}' {Mask(value)} (entropy {entropy:0.0} bits per character)"));
                }
            }

            if (rules.Length == 0)
            {
                continue;
            }

            var code = StripLineComment(line, language);
            foreach (var rule in rules)
            {
                if (rule.Pattern.IsMatch(code))
                {
                    findings.Add(new Finding(rule.Id, rule.Severity, path, lineNumber, rule.Message));
                }
            }
        }

        return findings;
    }

    /// <summary>Shows the first four characters and the length only.</summary>
    public static string Mask(string secret) => secret.Length <= 8 ? $"****({secret.Length} chars)" : $"{secret[..4]}****({secret.Length} chars)";

    /// <summary>Shannon entropy in bits per character.</summary>
    public static double Entropy(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        return text.GroupBy(c => c).Select(g => (double)g.Count() / text.Length).Sum(p => -p * Math.Log2(p));
    }

    private static bool LooksLikePlaceholder(string value)
    {
        var lower = value.ToLowerInvariant();
        return lower.Contains("example", StringComparison.Ordinal) || lower.Contains("changeme", StringComparison.Ordinal) || lower.Contains("your", StringComparison.Ordinal)
            || lower.Contains("xxxx", StringComparison.Ordinal) || lower.Contains("${", StringComparison.Ordinal) || lower.Contains("{{", StringComparison.Ordinal)
            || lower.StartsWith('<') || lower.Contains("placeholder", StringComparison.Ordinal) || lower.Contains(' ', StringComparison.Ordinal);
    }

    private static string StripLineComment(string line, string language)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith('*') || (trimmed.StartsWith('#') && language is "python" or "ruby" or "bash" or "perl")
            ? ""
            : line;
    }

    [GeneratedRegex(@"(?<name>[A-Za-z_]*(?:password|passwd|pwd|secret|api_?key|apikey|access_?key|auth_?token|token|private_?key|client_?secret)[A-Za-z_]*)[""']?\s*[:=]=?\s*[@$]?[""'](?<value>[^""'\s]{12,})[""']", RegexOptions.IgnoreCase)]
    private static partial Regex SecretAssignmentRegex();

    // A string literal that starts an SQL statement, followed or preceded by + / % / .format / interpolation.
    [GeneratedRegex(@"(?:[fF]|\$|@\$|\$@)?[""'`]\s*(?:SELECT\s[^\n]*?\bFROM\b|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b)[^\n]*?(?:\{[^}]*\}|\$\{[^}]*\}|[""'`]\s*(?:\+|%\s*[\w(]|\.format\s*\(|\.\s*\$))", RegexOptions.IgnoreCase)]
    private static partial Regex SqlConcatenationRegex();
}
