// Hand-built stored files for graph and quality tests: text, definitions and references as the parser
// records them (imports as written, calls with receiver and enclosing definition, inheritance).
using CodeIngest.Graph;
using CodeIngest.Parsing;
using CodeIngest.Storage;

namespace CodeIngest.Tests.Graph;

internal static class GraphFiles
{
    public static CodeGraph Build(IReadOnlyList<StoredFile> files) => GraphBuilder.Build(files, Xunit.TestContext.Current.CancellationToken);

    public static StoredFile File(string path, string language, string text = "", Definition[]? definitions = null, Reference[]? references = null) =>
        new(path, language, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path + text))),
            Math.Max(1, text.Split('\n').Length), null, definitions ?? [], text, references ?? []);

    public static Definition Def(string name, string kind, int start, int end, string? qualified = null, CodeMetrics? metrics = null) =>
        new(name, kind, start, end, 0, 0, qualified, Metrics: metrics);

    public static Reference Import(string target, int line = 1) => new(ReferenceKinds.Import, target, line);

    public static Reference Call(string target, int line, string? source = null, string? receiver = null) => new(ReferenceKinds.Call, target, line, source, receiver);

    public static Reference Inherit(string target, int line, string source) => new(ReferenceKinds.Inherit, target, line, source);
}
