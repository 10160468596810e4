// Parse-stage measurements. RawTreeSitterLoop is the yardstick: the same native work (parse, run the
// combined query — definitions and the references query: imports, calls, inheritance — with exactly the
// patterns TreeSitterParser enables, count definition matches) with nothing around it.
// ParserServiceLoop does the same through TreeSitterParser.Parse, which also applies text
// predicates, decodes names, dedupes and builds records.
using System.Diagnostics;
using System.Text;
using CodeIngest.Parsing;
using static CodeIngest.Parsing.TreeSitterNative;

namespace CodeIngest.Bench;

public static unsafe class ParseBench
{
    public static (int Files, long Definitions, TimeSpan Elapsed) RawTreeSitterLoop(IReadOnlyList<(string path, string language, byte[] content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var queriesDirectory = Path.Combine(AppContext.BaseDirectory, "queries");
        var languages = new Dictionary<string, (nint Language, nint Query, bool[] IsDefinition)>(StringComparer.Ordinal);
        foreach (var name in files.Select(f => f.language).Distinct())
        {
            var info = Languages.FromName(name) ?? throw new ArgumentException($"unknown language {name}", nameof(files));
            var language = Language(info.Grammar);
            if (!info.Definitions)
            {
                // Data languages (json, html, css, yaml, toml): parsed, no definitions query.
                languages[name] = (language, 0, []);
                continue;
            }

            var source = Encoding.UTF8.GetBytes(TreeSitterParser.LoadTagsQuerySource(queriesDirectory, info.Name));
            uint errorOffset, errorType;
            nint query;
            fixed (byte* p = source)
            {
                query = ts_query_new(language, p, (uint)source.Length, &errorOffset, &errorType);
            }

            if (query == 0)
            {
                throw new InvalidOperationException($"tags query of {name} does not compile (error {errorType} at {errorOffset})");
            }

            // The same patterns as TreeSitterParser: definitions and kept references; for a language whose project
            // references query replaces the grammar's, the grammar's reference patterns off; patterns whose text
            // predicates the parser cannot evaluate off.
            TreeSitterParser.DisableNonDefinitionPatterns(query);
            var sourceText = Encoding.UTF8.GetString(source);
            var marker = sourceText.IndexOf(TreeSitterParser.ReferencesMarker, StringComparison.Ordinal);
            if (marker >= 0 && sourceText.IndexOf(TreeSitterParser.OwnReferencesDirective, marker, StringComparison.Ordinal) >= 0)
            {
                var referenceKinds = Enumerable.Range(0, (int)ts_query_capture_count(query)).Select(i => TreeSitterParser.ReferenceKind(CaptureName(query, (uint)i))).ToArray();
                TreeSitterParser.DisableGrammarReferencePatterns(query, (uint)Encoding.UTF8.GetByteCount(sourceText.AsSpan(0, marker)), referenceKinds);
            }

            for (uint pattern = 0; pattern < ts_query_pattern_count(query); pattern++)
            {
                if (!QueryPredicate.TryParse(query, pattern, out _))
                {
                    ts_query_disable_pattern(query, pattern);
                }
            }

            var isDefinition = new bool[ts_query_capture_count(query)];
            for (uint i = 0; i < isDefinition.Length; i++)
            {
                isDefinition[i] = CaptureName(query, i).StartsWith("definition.", StringComparison.Ordinal);
            }

            languages[name] = (language, query, isDefinition);
        }

        var parser = ts_parser_new();
        var cursor = ts_query_cursor_new();
        long definitions = 0;
        var stopwatch = Stopwatch.StartNew();
        foreach (var (_, languageName, content) in files)
        {
            var (language, query, isDefinition) = languages[languageName];
            ts_parser_set_language(parser, language);
            nint tree;
            fixed (byte* p = content)
            {
                tree = ts_parser_parse_string(parser, 0, p, (uint)content.Length);
            }

            if (query == 0)
            {
                ts_tree_delete(tree);
                continue;
            }

            ts_query_cursor_exec(cursor, query, ts_tree_root_node(tree));
            TSQueryMatch match;
            while (ts_query_cursor_next_match(cursor, &match) != 0)
            {
                for (var i = 0; i < match.CaptureCount; i++)
                {
                    if (isDefinition[match.Captures[i].Index])
                    {
                        definitions++;
                        break;
                    }
                }
            }

            ts_tree_delete(tree);
        }

        var elapsed = stopwatch.Elapsed;
        ts_query_cursor_delete(cursor);
        ts_parser_delete(parser);
        foreach (var (_, query, _) in languages.Values.Where(l => l.Query != 0))
        {
            ts_query_delete(query);
        }

        return (files.Count, definitions, elapsed);
    }

    public static (int Files, long Definitions, TimeSpan Elapsed) ParserServiceLoop(IReadOnlyList<(string path, string language, byte[] content)> files) =>
        ParserServiceLoop(files, degreeOfParallelism: 1);

    /// <summary>Through <see cref="TreeSitterParser.Parse"/>; queries are compiled before the clock starts.</summary>
    public static (int Files, long Definitions, TimeSpan Elapsed) ParserServiceLoop(IReadOnlyList<(string path, string language, byte[] content)> files, int degreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var parser = new TreeSitterParser();
        foreach (var language in files.Select(f => f.language).Distinct())
        {
            parser.Parse("warmup", language, ""u8);
        }

        long definitions = 0;
        var stopwatch = Stopwatch.StartNew();
        if (degreeOfParallelism <= 1)
        {
            foreach (var (path, language, content) in files)
            {
                definitions += parser.Parse(path, language, content).Definitions.Length;
            }
        }
        else
        {
            Parallel.ForEach(
                files,
                new ParallelOptions { MaxDegreeOfParallelism = degreeOfParallelism },
                () => 0L,
                (file, _, count) => count + parser.Parse(file.path, file.language, file.content).Definitions.Length,
                count => Interlocked.Add(ref definitions, count));
        }

        return (files.Count, definitions, stopwatch.Elapsed);
    }

    /// <summary>Every file under <paramref name="directory"/> whose extension maps to a language.</summary>
    public static List<(string path, string language, byte[] content)> LoadFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Order(StringComparer.Ordinal)
            .Select(path => (path, language: Languages.FromPath(path)))
            .Where(f => f.language is not null)
            .Select(f => (f.path, f.language!.Name, File.ReadAllBytes(f.path)))
            .ToList();
}
