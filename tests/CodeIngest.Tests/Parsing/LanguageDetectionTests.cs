// Language detection: extension, exact file name and, for extensionless scripts, the #! line.
using System.Text;
using CodeIngest.Parsing;
using Xunit;

namespace CodeIngest.Tests.Parsing;

public sealed class LanguageDetectionTests
{
    [Theory]
    [InlineData("src/app.py", "python")]
    [InlineData("lib/x.PY", "python")]
    [InlineData("a/b/main.go", "go")]
    [InlineData("x.h", "c")]
    [InlineData("x.hpp", "cpp")]
    [InlineData("Program.cs", "csharp")]
    [InlineData("index.php", "php")]
    [InlineData("build.sh", "bash")]
    [InlineData("mix.exs", "elixir")]
    [InlineData("Main.kt", "kotlin")]
    [InlineData("build.gradle.kts", "kotlin")]
    [InlineData("A.scala", "scala")]
    [InlineData("App.swift", "swift")]
    [InlineData("init.lua", "lua")]
    [InlineData("Main.hs", "haskell")]
    [InlineData("a.ml", "ocaml")]
    [InlineData("a.mli", "ocaml_interface")]
    [InlineData("a.jl", "julia")]
    [InlineData("package.json", "json")]
    [InlineData("index.html", "html")]
    [InlineData("site.css", "css")]
    [InlineData(".github/workflows/ci.yml", "yaml")]
    [InlineData("pyproject.toml", "toml")]
    [InlineData("README.md", "markdown")]
    [InlineData("schema.sql", "sql")]
    [InlineData("main.dart", "dart")]
    [InlineData("build.zig", "zig")]
    [InlineData("main.tf", "hcl")]
    [InlineData("rules.mk", "make")]
    [InlineData("Setup.ps1", "powershell")]
    [InlineData("analysis.R", "r")]
    [InlineData("Module.pm", "perl")]
    public void Extension(string path, string language) => Assert.Equal(language, Languages.FromPath(path)?.Name);

    [Theory]
    [InlineData("Makefile", "make")]
    [InlineData("sub/GNUmakefile", "make")]
    [InlineData("Gemfile", "ruby")]
    [InlineData("Rakefile", "ruby")]
    [InlineData("Cargo.lock", "toml")]
    [InlineData("home/.bashrc", "bash")]
    public void FileName(string path, string language) => Assert.Equal(language, Languages.FromPath(path)?.Name);

    // A .h header is C unless its code uses C++; comments, strings and preprocessor lines do not count.
    [Theory]
    [InlineData("int add(int a, int b);\nstruct point { int x; int y; };\n", "c")]
    [InlineData("#ifdef __cplusplus\nextern \"C\" {\n#endif\nvoid run(void);\n#ifdef __cplusplus\n}\n#endif\n", "c")]
    [InlineData("/* class Foo { public: }; namespace x {} std::string */\n// template <T>\nconst char *s = \"a::b\";\n", "c")]
    [InlineData("typedef enum { RED, GREEN } color;\nint x = a ? b : c;\n", "c")]
    [InlineData("class Shape {\n  double area() const;\n};\n", "cpp")]
    [InlineData("namespace geo {\nint f();\n}\n", "cpp")]
    [InlineData("template <typename T>\nT max(T a, T b);\n", "cpp")]
    [InlineData("struct S : Base {\npublic:\n  int x;\n};\n", "cpp")]
    [InlineData("#include <string>\nstd::string name();\n", "cpp")]
    [InlineData("using namespace std;\n", "cpp")]
    public void Header_is_c_or_cpp_by_content(string content, string language)
    {
        var detected = Languages.ForContent(Languages.FromPath("include/x.h")!, "include/x.h", Encoding.UTF8.GetBytes(content));
        Assert.Equal(language, detected.Name);

        // Only .h is decided by content: a .c file stays C and a .hpp file stays C++ whatever they hold.
        Assert.Equal("c", Languages.ForContent(Languages.FromPath("x.c")!, "x.c", Encoding.UTF8.GetBytes(content)).Name);
        Assert.Equal("cpp", Languages.ForContent(Languages.FromPath("x.hpp")!, "x.hpp", Encoding.UTF8.GetBytes(content)).Name);
    }

    [Theory]
    [InlineData("LICENSE")]
    [InlineData("notes.txt")]
    [InlineData("makefile.txt")]
    [InlineData("Dockerfile")]
    public void Unknown(string path) => Assert.Null(Languages.FromPath(path));

    [Theory]
    [InlineData("#!/usr/bin/env python3\nprint(1)\n", "python")]
    [InlineData("#!/usr/bin/python3.12\n", "python")]
    [InlineData("#!/bin/bash -e\n", "bash")]
    [InlineData("#!/bin/sh\n", "bash")]
    [InlineData("#! /usr/bin/env node\n", "javascript")]
    [InlineData("#!/usr/bin/env -S node --no-warnings\n", "javascript")]
    [InlineData("#!/usr/bin/env ruby\r\n", "ruby")]
    [InlineData("#!/usr/bin/perl -w\n", "perl")]
    [InlineData("#!/usr/bin/env LANG=C perl\n", "perl")]
    [InlineData("#!/usr/bin/env Rscript\n", "r")]
    [InlineData("#!/usr/bin/env pwsh\n", "powershell")]
    [InlineData("#!/usr/bin/env php\n<?php\n", "php")]
    [InlineData("\uFEFF#!/usr/bin/env lua\n", "lua")]
    public void Shebang(string head, string language) =>
        Assert.Equal(language, Languages.Detect("bin/tool", Encoding.UTF8.GetBytes(head))?.Name);

    [Theory]
    [InlineData("#!/usr/bin/env awk -f\n")]
    [InlineData("#!\n")]
    [InlineData("# not a shebang\n")]
    [InlineData("")]
    public void Shebang_Unknown(string head) => Assert.Null(Languages.Detect("bin/tool", Encoding.UTF8.GetBytes(head)));

    [Fact]
    public void NameWinsOverShebang() =>
        Assert.Equal("python", Languages.Detect("tool.py", "#!/bin/bash\n"u8)?.Name);

    [Fact]
    public void Info_SaysWhatIsExtracted()
    {
        Assert.True(Languages.FromName("python")!.Definitions);
        Assert.False(Languages.FromName("json")!.Definitions);
        Assert.Equal(["definitions", "imports", "calls", "inheritance", "metrics"], Languages.FromName("python")!.Extracts);
        Assert.Equal(["file-metrics"], Languages.FromName("json")!.Extracts);

        // The flags tell the truth: a language claims imports, calls or inheritance only when its query captures them
        // (ReferenceFixtureTests checks the other way: what a fixture yields is claimed).
        var queries = Path.Combine(AppContext.BaseDirectory, "queries");
        Assert.All(Languages.All.Where(l => l.Definitions), l =>
        {
            var source = TreeSitterParser.LoadTagsQuerySource(queries, l.Name);
            Assert.True(!l.Imports || source.Contains("@reference.import", StringComparison.Ordinal), $"{l.Name}: Imports = {l.Imports}");
            Assert.True(!l.Calls || source.Contains("@reference.call", StringComparison.Ordinal) || source.Contains("@reference.send", StringComparison.Ordinal), $"{l.Name}: Calls = {l.Calls}");
            Assert.True(!l.Inheritance || source.Contains("@reference.inherit", StringComparison.Ordinal), $"{l.Name}: Inheritance = {l.Inheritance}");
        });
        Assert.All(Languages.All.Where(l => !l.Definitions), l => Assert.False(l.Imports || l.Calls || l.Inheritance));
        Assert.Equal(Languages.All.Count, Languages.All.Select(l => l.Name).Distinct().Count());
    }
}

public sealed class DiscoveryDetectionTests
{
    [Fact]
    public void Discovery_UsesFileNamesAndShebangs()
    {
        var root = Directory.CreateTempSubdirectory("codeingest-detect-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "Makefile"), "all:\n\techo hi\n");
            File.WriteAllText(Path.Combine(root.FullName, "deploy"), "#!/usr/bin/env bash\necho deploy\n");
            File.WriteAllText(Path.Combine(root.FullName, "tool"), "#!/usr/bin/env python3\nprint(1)\n");
            File.WriteAllText(Path.Combine(root.FullName, "LICENSE"), "MIT\n");
            var result = CodeIngest.Ingestion.FileDiscoverer.Discover(root.FullName, CodeIngest.Ingestion.DiscoveryOptions.Default, TestContext.Current.CancellationToken);
            Assert.Equal(
                [("Makefile", "make"), ("deploy", "bash"), ("tool", "python")],
                result.Files.Select(f => (f.Path, f.Language)).OrderBy(f => f.Path, StringComparer.Ordinal).ToArray());
            Assert.Equal(1, result.UnsupportedFiles);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
