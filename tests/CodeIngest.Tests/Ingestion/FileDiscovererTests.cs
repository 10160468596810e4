// Discovery on real folders: ignore rules, size/binary/UTF-8 checks and symlinks, each skip with its reason.
using CodeIngest.Ingestion;
using CodeIngest.Tests.Pipeline;
using Xunit;

namespace CodeIngest.Tests.Ingestion;

public sealed class FileDiscovererTests
{
    private static DiscoveryResult Discover(string root, DiscoveryOptions? options = null) =>
        FileDiscoverer.Discover(root, options ?? DiscoveryOptions.Default, TestContext.Current.CancellationToken);

    [Fact]
    public void A_header_is_discovered_as_c_or_cpp_by_its_content()
    {
        var root = TestRepos.NewDirectory("codeingest-discover-");
        TestRepos.Write(root, "c_api.h", "#ifdef __cplusplus\nextern \"C\" {\n#endif\nint add(int a, int b);\n#ifdef __cplusplus\n}\n#endif\n");
        TestRepos.Write(root, "shape.h", "#pragma once\nnamespace geo {\nclass Shape {\npublic:\n  virtual double area() const = 0;\n};\n}\n");
        TestRepos.Write(root, "util.c", "int add(int a, int b) { return a + b; }\n");

        var result = Discover(root);

        Assert.Equal(["c_api.h c", "shape.h cpp", "util.c c"], result.Files.Select(f => $"{f.Path} {f.Language}").Order());
    }

    [Fact]
    public void Gitignore_rules_nested_files_negation_and_default_folders_are_honoured()
    {
        var root = TestRepos.NewDirectory("codeingest-discover-");
        TestRepos.Write(root, ".gitignore", "*.gen.py\n/build_output/\nlogs/\n!keep.gen.py\n");
        TestRepos.Write(root, "a.py", "x = 1\n");
        TestRepos.Write(root, "skip.gen.py", "x = 1\n");
        TestRepos.Write(root, "keep.gen.py", "x = 1\n");
        TestRepos.Write(root, "build_output/out.py", "x = 1\n");
        TestRepos.Write(root, "src/build_output/kept.py", "x = 1\n");
        TestRepos.Write(root, "src/logs/old.py", "x = 1\n");
        TestRepos.Write(root, "src/.gitignore", "local_only.py\n");
        TestRepos.Write(root, "src/local_only.py", "x = 1\n");
        TestRepos.Write(root, "local_only.py", "x = 1\n");
        TestRepos.Write(root, "node_modules/pkg/index.js", "x\n");
        TestRepos.Write(root, "src/__pycache__/a.py", "x = 1\n");
        TestRepos.Write(root, "notes.txt", "text\n");

        var result = Discover(root);

        Assert.Equal(["a.py", "keep.gen.py", "local_only.py", "src/build_output/kept.py"], result.Files.Select(f => f.Path));
        Assert.All(result.Files, f => Assert.Equal("python", f.Language));
        Assert.Empty(result.Skipped);
        Assert.Equal(3, result.UnsupportedFiles); // notes.txt and the two .gitignore files
        Assert.True(result.IgnoredFiles >= 5);
    }

    [Fact]
    public void Extra_ignore_patterns_and_include_extensions_narrow_the_files()
    {
        var root = TestRepos.NewDirectory("codeingest-discover-");
        TestRepos.Write(root, "a.py", "x = 1\n");
        TestRepos.Write(root, "b.go", "package b\n");
        TestRepos.Write(root, "vendor/c.go", "package c\n");

        var result = Discover(root, new DiscoveryOptions([".go"], ["vendor/"]));

        Assert.Equal(["b.go"], result.Files.Select(f => f.Path));
    }

    [Fact]
    public void Huge_binary_and_non_utf8_files_are_skipped_with_their_reasons()
    {
        var root = TestRepos.NewDirectory("codeingest-discover-");
        TestRepos.Write(root, "ok.py", "x = 1\n");
        TestRepos.Write(root, "big.py", new string('x', 2000) + "\n");
        TestRepos.WriteBytes(root, "bin.py", [0x41, 0x00, 0x42]);
        TestRepos.WriteBytes(root, "latin.py", [0x61, 0x3D, 0x27, 0xE9, 0x27, 0x0A]);

        var result = Discover(root, DiscoveryOptions.Default with { MaxFileSize = 1000 });

        Assert.Equal(["ok.py"], result.Files.Select(f => f.Path));
        var reasons = result.Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal("larger than 1000 bytes (2001 bytes)", reasons["big.py"]);
        Assert.Equal("binary file", reasons["bin.py"]);
        Assert.StartsWith("not valid UTF-8 text (invalid byte at offset 3)", reasons["latin.py"]);
    }

    [Fact]
    public void Symlinks_out_of_the_repository_are_skipped_and_cycles_do_not_hang()
    {
        var root = TestRepos.NewDirectory("codeingest-discover-");
        var outside = TestRepos.NewDirectory("codeingest-outside-");
        TestRepos.Write(outside, "secret.py", "x = 1\n");
        TestRepos.Write(root, "real.py", "x = 1\n");
        File.CreateSymbolicLink(Path.Combine(root, "inside.py"), Path.Combine(root, "real.py"));
        File.CreateSymbolicLink(Path.Combine(root, "outside.py"), Path.Combine(outside, "secret.py"));
        Directory.CreateSymbolicLink(Path.Combine(root, "outdir"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "loop"), root);

        var result = Discover(root);

        Assert.Contains(result.Files, f => f.Path == "real.py");
        Assert.Contains(result.Files, f => f.Path == "inside.py");
        Assert.DoesNotContain(result.Files, f => f.Path.Contains("secret", StringComparison.Ordinal));
        var outsideSkip = Assert.Single(result.Skipped, s => s.Path == "outside.py");
        Assert.StartsWith("symlink pointing outside the repository", outsideSkip.Reason);
    }

    [Fact]
    public void A_missing_root_is_reported()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => Discover("/no/such/codeingest/root"));
        Assert.Contains("/no/such/codeingest/root", error.Message);
    }
}

public sealed class GeneratedFileTests
{
    [Fact]
    public void Minified_lock_and_marked_generated_files_are_skipped_with_the_reason()
    {
        var root = TestRepos.NewDirectory("codeingest-generated-");
        TestRepos.Write(root, "app.py", "def handwritten():\n    return 1\n");
        TestRepos.Write(root, "dist-ish/app.min.js", "function a(){}\n");
        TestRepos.Write(root, "bundle.js", string.Concat(Enumerable.Repeat("var a=function(b){return b+1};", 200)) + "\n");
        TestRepos.Write(root, "api_pb2.py", "# Generated by the protocol buffer compiler.  DO NOT EDIT!\nx = 1\n");
        TestRepos.Write(root, "package-lock.json", "{}\n");
        TestRepos.Write(root, "long_but_normal.py", string.Concat(Enumerable.Range(0, 200).Select(i => $"value_{i} = {i}\n")));

        var result = FileDiscoverer.Discover(root, DiscoveryOptions.Default, TestContext.Current.CancellationToken);

        Assert.Equal(["app.py", "long_but_normal.py"], result.Files.Select(f => f.Path));
        var reasons = result.Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal("generated file (name ends with '.min.js')", reasons["dist-ish/app.min.js"]);
        Assert.StartsWith("minified or generated (longest line 6000 bytes", reasons["bundle.js"]);
        Assert.Equal("generated file (marker 'DO NOT EDIT' near the top)", reasons["api_pb2.py"]);
        Assert.Equal("generated file (name ends with 'package-lock.json')", reasons["package-lock.json"]);

        var all = FileDiscoverer.Discover(root, DiscoveryOptions.Default with { SkipGenerated = false }, TestContext.Current.CancellationToken);
        Assert.Equal(6, all.Files.Count);
    }
}
