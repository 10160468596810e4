// Definition recall against universal-ctags: of the function, class and method definitions ctags
// reports on the files discovery accepts, how many CodeIngest's parser finds too (same file, same
// name, start line within a small tolerance), per language, and why the others are missed.
// ctags is the yardstick here, not the truth: where it tags something that is not a definition
// (a macro's text, a function pointer field), the miss reasons say so.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using CodeIngest.Ingestion;
using CodeIngest.Parsing;

namespace CodeIngest.Bench;

public static class RecallBench
{
    /// <summary>
    /// ctags kinds (full names, per ctags language) that are function, class or method definitions. Prototypes,
    /// macros, variables, fields, structs, enums, interfaces, namespaces and packages are not counted.
    /// </summary>
    private static string? Category(string ctagsLanguage, string kind) => (ctagsLanguage, kind) switch
    {
        (_, "class") => "class",
        (_, "method" or "singletonMethod" or "getter" or "setter") => "method",
        ("Python", "member") => "method",
        (_, "function" or "func" or "subroutine" or "generator" or "procedure") => "function",
        _ => null,
    };

    /// <summary>How far ctags' line (the line of the name) may be from CodeIngest's start line (the line where the definition node starts).</summary>
    private const int LinesBefore = 2;

    private const int LinesAfter = 10;

    private sealed record CtagsDefinition(string Path, string Name, int Line, string Category, string CtagsLanguage, string Kind, string Pattern, string? Scope);

    private sealed record FileResult(string Language, ParsedFile Parsed);

    public static int Run(IReadOnlyList<string> directories)
    {
        var version = CtagsVersion();
        if (version is null)
        {
            Console.Error.WriteLine("universal-ctags is not on PATH (apt-get install universal-ctags): recall needs it as the yardstick");
            return 1;
        }

        if (directories.FirstOrDefault(d => !Directory.Exists(d)) is { } missing)
        {
            Console.Error.WriteLine($"recall: '{missing}' is not a directory; give one or more folders of source files");
            return 2;
        }

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}; {version}");
        // A generous parse budget: the product's 5 s per file is a safety limit that a loaded machine can hit on
        // large headers (clang's altivec.h), which would make recall depend on the load rather than on the parser.
        using var parser = new TreeSitterParser(parseBudget: TimeSpan.FromSeconds(120));
        foreach (var directory in directories)
        {
            RunOne(parser, Path.GetFullPath(directory));
        }

        return 0;
    }

    private static void RunOne(TreeSitterParser parser, string directory)
    {
        Console.WriteLine();
        Console.WriteLine($"## {directory}");
        var discovered = FileDiscoverer.Discover(directory, DiscoveryOptions.Default, CancellationToken.None).Files
            .Where(f => Languages.FromName(f.Language)?.Definitions == true)
            .ToList();
        var clock = Stopwatch.StartNew();
        var tags = RunCtags(directory, [.. discovered.Select(f => f.Path)]);
        var ctagsTime = clock.Elapsed;
        clock.Restart();
        var results = new ConcurrentDictionary<string, FileResult>(StringComparer.Ordinal);
        Parallel.ForEach(discovered, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
        {
            var parsed = parser.Parse(file.Path, file.Language, File.ReadAllBytes(Path.Combine(directory, file.Path)));
            results[file.Path] = new FileResult(file.Language, parsed);
        });
        Console.WriteLine($"files: {discovered.Count} accepted by discovery (languages with definitions); ctags {ctagsTime.TotalSeconds:0.0} s, CodeIngest parse {clock.Elapsed.TotalSeconds:0.0} s ({Environment.ProcessorCount} threads)");
        Console.WriteLine($"ctags: `ctags --output-format=json --fields=+nKlZ -f OUT -L FILES` ({tags.Count} function/class/method definitions; kinds counted: class; method, singletonMethod, getter, setter, Python member; function, func, subroutine, generator, procedure)");
        Console.WriteLine("not counted: prototypes, macros, variables, fields, structs, enums, interfaces, namespaces; names ctags makes up for anonymous functions and classes");
        Console.WriteLine($"match: same file, same name (or last segment of a scoped name), ctags line within [start - {LinesBefore}, start + {LinesAfter}] of a CodeIngest definition of any kind");

        var rows = new List<(string Language, int Files, int Defs, int Found, int Exact)>();
        var misses = new List<(string Language, string Reason, CtagsDefinition Tag)>();
        foreach (var group in tags.Where(t => results.ContainsKey(t.Path)).GroupBy(t => results[t.Path].Language).OrderByDescending(g => g.Count()))
        {
            int found = 0, exact = 0;
            foreach (var tag in group)
            {
                var parsed = results[tag.Path].Parsed;
                var sameName = parsed.Definitions.Where(d => SameName(d.Name, tag.Name)).ToList();
                if (sameName.Any(d => d.StartLine == tag.Line))
                {
                    found++;
                    exact++;
                }
                else if (sameName.Any(d => tag.Line >= d.StartLine - LinesBefore && tag.Line <= d.StartLine + LinesAfter))
                {
                    found++;
                }
                else
                {
                    misses.Add((group.Key, Classify(group.Key, tag, parsed, sameName), tag));
                }
            }

            rows.Add((group.Key, group.Select(t => t.Path).Distinct().Count(), group.Count(), found, exact));
        }

        Console.WriteLine();
        Console.WriteLine("| language | files with ctags definitions | ctags definitions | found by CodeIngest | recall | same start line |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Language} | {row.Files} | {row.Defs} | {row.Found} | {100.0 * row.Found / row.Defs:0.0}% | {row.Exact} |");
        }

        var total = (Defs: rows.Sum(r => r.Defs), Found: rows.Sum(r => r.Found));
        if (total.Defs > 0)
        {
            Console.WriteLine($"| all | {rows.Sum(r => r.Files)} | {total.Defs} | {total.Found} | {100.0 * total.Found / total.Defs:0.0}% | {rows.Sum(r => r.Exact)} |");
        }

        Console.WriteLine();
        Console.WriteLine("misses by reason (count, up to 3 examples as path:line `ctags kind name`):");
        foreach (var language in misses.GroupBy(m => m.Language).OrderByDescending(g => g.Count()))
        {
            Console.WriteLine($"- {language.Key}: {language.Count()} missed");
            foreach (var reason in language.GroupBy(m => m.Reason).OrderByDescending(g => g.Count()).Take(8))
            {
                var examples = reason.Take(3).Select(m => $"{m.Tag.Path}:{m.Tag.Line} `{m.Tag.Kind} {m.Tag.Name}` {Trim(m.Tag.Pattern)}");
                Console.WriteLine($"  - {reason.Count()} {reason.Key}: {string.Join("; ", examples)}");
            }
        }
    }

    // Why CodeIngest has no definition for a ctags tag, decided from the parse result and ctags' line text.
    private static string Classify(string language, CtagsDefinition tag, ParsedFile parsed, List<CodeIngest.Parsing.Definition> sameName)
    {
        var text = tag.Pattern.Trim();
        if (parsed.Error is { } error && !error.StartsWith("syntax error", StringComparison.Ordinal))
        {
            return $"file not parsed ({error.Split(':')[0]})";
        }

        if (sameName.Count > 0)
        {
            return "name found at another line";
        }

        if (language is "c" or "cpp" && text.StartsWith('#'))
        {
            return "defined on a preprocessor line (#define)";
        }

        if (tag.Category == "class" && language is "javascript" or "typescript" or "tsx" && !text.Contains("class", StringComparison.Ordinal))
        {
            return "ctags tags an object literal as a class";
        }

        var renamed = parsed.Definitions
            .Where(d => d.StartLine <= tag.Line && d.StartLine >= tag.Line - LinesBefore && d.Kind is not ("module" or "namespace"))
            .OrderByDescending(d => d.StartLine)
            .FirstOrDefault();
        if (renamed is not null)
        {
            return $"CodeIngest names the definition on that line differently ({renamed.Kind} {renamed.Name})";
        }

        var enclosing = parsed.Definitions
            .Where(d => d.StartLine < tag.Line && d.EndLine >= tag.Line && d.Kind is "function" or "method" or "constructor")
            .OrderByDescending(d => d.StartLine)
            .FirstOrDefault();
        if (enclosing is not null)
        {
            return $"inside a CodeIngest {enclosing.Kind} (nested definition)";
        }

        if (parsed.Error is not null)
        {
            return "file has syntax errors";
        }

        return $"other ({tag.Kind})";
    }

    private static bool SameName(string ours, string theirs)
    {
        // JavaScript's #private names keep their '#'; ctags drops it. ctags cuts a Perl `sub A::B::c` at the first '::'
        // and writes C++ operators with a space (`operator ==`).
        if (ours == theirs || (ours.StartsWith('#') && ours.AsSpan(1).SequenceEqual(theirs)) || ours.StartsWith(theirs + "::", StringComparison.Ordinal)
            || (theirs.StartsWith("operator", StringComparison.Ordinal) && ours.Replace(" ", "", StringComparison.Ordinal) == theirs.Replace(" ", "", StringComparison.Ordinal)))
        {
            return true;
        }

        var last = theirs.LastIndexOfAny([':', '.']);
        return last >= 0 && last < theirs.Length - 1 && ours == theirs[(last + 1)..];
    }

    private static string Trim(string pattern)
    {
        var text = pattern.Trim();
        return text.Length > 70 ? "`" + text[..70] + "…`" : "`" + text + "`";
    }

    private static List<CtagsDefinition> RunCtags(string directory, List<string> relativePaths)
    {
        var list = Path.GetTempFileName();
        var output = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(list, relativePaths);
            var start = new ProcessStartInfo("ctags") { WorkingDirectory = directory, RedirectStandardError = true };
            foreach (var argument in new[] { "--output-format=json", "--fields=+nKlZ", "-f", output, "-L", list })
            {
                start.ArgumentList.Add(argument);
            }

            using (var process = Process.Start(start)!)
            {
                _ = process.StandardError.ReadToEndAsync();
                process.WaitForExit();
            }

            var tags = new List<CtagsDefinition>();
            foreach (var line in File.ReadLines(output))
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.GetProperty("_type").GetString() != "tag" || !root.TryGetProperty("line", out var lineNumber))
                {
                    continue;
                }

                var ctagsLanguage = root.TryGetProperty("language", out var l) ? l.GetString() ?? "" : "";
                var kind = root.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
                var name = root.GetProperty("name").GetString()!;

                // Names ctags makes up for anonymous functions and classes (__anon…, AnonymousFunction…) name nothing in the source.
                if (Category(ctagsLanguage, kind) is not { } category
                    || name.StartsWith("__anon", StringComparison.Ordinal) || name.StartsWith("AnonymousFunction", StringComparison.Ordinal)
                    || name.StartsWith("AnonymousClass", StringComparison.Ordinal))
                {
                    continue;
                }

                var pattern = root.TryGetProperty("pattern", out var p) ? p.GetString() ?? "" : "";
                if (pattern.StartsWith("/^", StringComparison.Ordinal))
                {
                    pattern = pattern[2..].TrimEnd('/').TrimEnd('$').Replace("\\/", "/", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
                }

                tags.Add(new CtagsDefinition(
                    root.GetProperty("path").GetString()!, name, lineNumber.GetInt32(), category, ctagsLanguage, kind, pattern,
                    root.TryGetProperty("scope", out var s) ? s.GetString() : null));
            }

            return tags;
        }
        finally
        {
            File.Delete(list);
            File.Delete(output);
        }
    }

    private static string? CtagsVersion()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("ctags", "--version") { RedirectStandardOutput = true })!;
            var version = probe.StandardOutput.ReadLine();
            probe.WaitForExit();
            return probe.ExitCode == 0 && version?.Contains("Universal Ctags", StringComparison.Ordinal) == true ? version : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
