using CodeIngest.Graph;
using CodeIngest.Storage;
using Xunit;
using static CodeIngest.Tests.Graph.GraphFiles;

namespace CodeIngest.Tests.Graph;

public sealed class GraphBuilderTests
{
    private static GraphEdge Single(CodeGraph graph, string kind, string source, string targetName) =>
        Assert.Single(graph.Edges, e => e.Kind == kind && e.SourcePath == source && e.TargetName == targetName);

    [Fact]
    public void Python_imports_resolve_relative_absolute_and_package_imports()
    {
        var graph = Build(
        [
            File("app/main.py", "python", references: [Import("shop.orders"), Import("shop"), Import("os.path"), Import("shop.orders.Order")]),
            File("shop/__init__.py", "python"),
            File("shop/orders.py", "python", references: [Import(".models"), Import("..app.main")]),
            File("shop/models.py", "python"),
        ]);

        Assert.Equal("shop/orders.py", Single(graph, EdgeKinds.Import, "app/main.py", "shop.orders").TargetPath);
        Assert.Equal("shop/__init__.py", Single(graph, EdgeKinds.Import, "app/main.py", "shop").TargetPath);
        var external = Single(graph, EdgeKinds.Import, "app/main.py", "os.path");
        Assert.Null(external.TargetPath);
        Assert.Equal(Resolutions.Unresolved, external.Resolution);
        Assert.Equal(0, external.Confidence);

        // `from shop.orders import Order`: Order is a name, the module is shop.orders.
        Assert.Equal("shop/orders.py", Single(graph, EdgeKinds.Import, "app/main.py", "shop.orders.Order").TargetPath);
        Assert.Equal("shop/models.py", Single(graph, EdgeKinds.Import, "shop/orders.py", ".models").TargetPath);
        Assert.Equal("app/main.py", Single(graph, EdgeKinds.Import, "shop/orders.py", "..app.main").TargetPath);
    }

    [Fact]
    public void Python_from_imports_of_modules_depend_on_those_modules()
    {
        // The parser records `from shop import pricing, models as m` as an import of "shop" on its line.
        var graph = Build(
        [
            File("app.py", "python", "import os\nfrom shop import (pricing,\n    models as m)\nfrom shop import helper\nfrom . import tools\n",
                references: [Import("os", 1), Import("shop", 2), Import("shop", 4), Import(".", 5)]),
            File("shop/__init__.py", "python", "def helper(): pass\n"),
            File("shop/pricing.py", "python"),
            File("shop/models.py", "python"),
            File("tools.py", "python"),
        ]);

        Assert.Equal(["shop/pricing.py", "shop/models.py"], graph.Edges.Where(e => e.Line == 2).Select(e => e.TargetPath));
        Assert.Equal("shop/__init__.py", Assert.Single(graph.Edges, e => e.Line == 4).TargetPath);
        Assert.Equal("tools.py", Assert.Single(graph.Edges, e => e.Line == 5).TargetPath);
    }

    [Fact]
    public void Script_imports_resolve_extensions_index_files_and_tsconfig_paths()
    {
        var graph = Build(
        [
            File("web/tsconfig.json", "json", """{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } // comment""" + "\n}"),
            File("web/src/index.ts", "typescript", references: [Import("./util"), Import("./components"), Import("@lib/format"), Import("react"), Import("./util.js")]),
            File("web/src/util.ts", "typescript"),
            File("web/src/components/index.tsx", "tsx"),
            File("web/src/lib/format/index.ts", "typescript"),
        ]);

        Assert.Equal("web/src/util.ts", Single(graph, EdgeKinds.Import, "web/src/index.ts", "./util").TargetPath);
        Assert.Equal("web/src/util.ts", Single(graph, EdgeKinds.Import, "web/src/index.ts", "./util.js").TargetPath);
        Assert.Equal("web/src/components/index.tsx", Single(graph, EdgeKinds.Import, "web/src/index.ts", "./components").TargetPath);
        Assert.Equal("web/src/lib/format/index.ts", Single(graph, EdgeKinds.Import, "web/src/index.ts", "@lib/format").TargetPath);
        Assert.Null(Single(graph, EdgeKinds.Import, "web/src/index.ts", "react").TargetPath);
    }

    [Fact]
    public void Go_imports_resolve_through_go_mod_to_every_file_of_the_package()
    {
        var graph = Build(
        [
            File("go.mod", "go", "module example.com/shop\n\ngo 1.22\n"),
            File("cmd/server/main.go", "go", references: [Import("example.com/shop/internal/db"), Import("fmt")]),
            File("internal/db/conn.go", "go"),
            File("internal/db/query.go", "go"),
            File("internal/db/query_test.go", "go"),
        ]);

        var targets = graph.Edges.Where(e => e.SourcePath == "cmd/server/main.go" && e.TargetName == "example.com/shop/internal/db").Select(e => e.TargetPath).ToList();
        Assert.Equal(["internal/db/conn.go", "internal/db/query.go"], targets);
        Assert.Null(Single(graph, EdgeKinds.Import, "cmd/server/main.go", "fmt").TargetPath);
    }

    [Fact]
    public void CSharp_using_directives_resolve_to_the_namespace_files_whose_types_are_used()
    {
        var graph = Build(
        [
            File("src/Program.cs", "csharp", "using Shop.Data;\nusing System;\nvar repo = new OrderRepository();\n", references: [Import("Shop.Data", 1), Import("System", 2)]),
            File("src/Data/OrderRepository.cs", "csharp", "namespace Shop.Data;\npublic class OrderRepository { Customer c; }\n", [Def("OrderRepository", "class", 2, 2)]),
            File("src/Data/Customer.cs", "csharp", "namespace Shop.Data;\npublic class Customer {}\n", [Def("Customer", "class", 2, 2)]),
            File("src/Data/Unused.cs", "csharp", "namespace Shop.Data;\npublic class Invoice {}\n", [Def("Invoice", "class", 2, 2)]),
        ]);

        var usingEdge = Single(graph, EdgeKinds.Import, "src/Program.cs", "Shop.Data");
        Assert.Equal("src/Data/OrderRepository.cs", usingEdge.TargetPath);
        Assert.Equal(Resolutions.Namespace, usingEdge.Resolution);

        // Same namespace, no using: OrderRepository names Customer.
        var implicitEdge = Single(graph, EdgeKinds.Import, "src/Data/OrderRepository.cs", "(same namespace)");
        Assert.Equal("src/Data/Customer.cs", implicitEdge.TargetPath);
        Assert.DoesNotContain(graph.Edges, e => e.TargetPath == "src/Data/Unused.cs");
    }

    [Fact]
    public void CSharp_using_links_only_files_declaring_that_namespace_and_using_static_only_the_named_type()
    {
        const string Program =
            "using Shop.Data;\nusing static Shop.Util.Guard;\nusing Shop.Reports;\n\n"
            + "var repository = new OrderRepository();\nNotNull(repository);\nvar report = new Report(); var legacy = new OldRepository(); var text = Strings.Empty;\n";
        var graph = Build(
        [
            File("App/Program.cs", "csharp", Program, references: [Import("Shop.Data", 1), Import("Shop.Util.Guard", 2), Import("Shop.Reports", 3)]),
            File("Data/OrderRepository.cs", "csharp", "namespace Shop.Data;\npublic class OrderRepository {}\n", [Def("OrderRepository", "class", 2, 2)]),
            File("Data/Legacy/OldRepository.cs", "csharp", "namespace Shop.Data.Legacy;\npublic class OldRepository {}\n", [Def("OldRepository", "class", 2, 2)]),
            File("Util/Guard.cs", "csharp", "namespace Shop.Util;\npublic static class Guard { public static void NotNull(object o) {} }\n", [Def("Guard", "class", 2, 2), Def("NotNull", "method", 2, 2, "Guard.NotNull")]),
            File("Util/Strings.cs", "csharp", "namespace Shop.Util;\npublic static class Strings { public const string Empty = \"\"; }\n", [Def("Strings", "class", 2, 2)]),
            File("Core/Report.cs", "csharp", "namespace Shop;\npublic class Report {}\n", [Def("Report", "class", 2, 2)]),
        ]);

        var imports = graph.Edges.Where(e => e.Kind == EdgeKinds.Import && e.SourcePath == "App/Program.cs")
            .Select(e => (e.TargetName, e.TargetPath, e.Resolution)).ToList();
        Assert.Equal(
            [
                ("Shop.Data", "Data/OrderRepository.cs", Resolutions.Namespace),   // not Data/Legacy/ (namespace Shop.Data.Legacy), though Program names its type
                ("Shop.Util.Guard", "Util/Guard.cs", Resolutions.Namespace),      // the type of using static, not every Shop.Util file Program names
                ("Shop.Reports", null, Resolutions.Unresolved),                   // no file declares Shop.Reports: the parent namespace Shop does not stand in
            ],
            imports);
    }

    [Fact]
    public void CSharp_nested_block_namespaces_are_declared_by_their_full_name()
    {
        const string Nested = "namespace Shop\n{\n    namespace Data\n    {\n        public class Order { }\n    }\n\n    public class Cart { }\n}\nnamespace Other { }\n";
        Assert.Equal(["Shop", "Shop.Data", "Other"], ImportResolver.CSharpNamespacesDeclaredIn(Nested));
        Assert.Equal(["App"], ImportResolver.CSharpNamespacesDeclaredIn("namespace App;\npublic class Program { }\n"));

        var graph = Build(
        [
            File("App/Program.cs", "csharp", "using Shop.Data;\nusing Data;\nvar order = new Order();\n", references: [Import("Shop.Data", 1), Import("Data", 2)]),
            File("Shop/Order.cs", "csharp", Nested, [Def("Order", "class", 5, 5), Def("Cart", "class", 8, 8)]),
        ]);

        var imports = graph.Edges.Where(e => e.Kind == EdgeKinds.Import && e.SourcePath == "App/Program.cs")
            .Select(e => (e.TargetName, e.TargetPath, e.Resolution)).ToList();
        Assert.Equal(
            [
                ("Shop.Data", "Shop/Order.cs", Resolutions.Namespace),
                ("Data", null, Resolutions.Unresolved),   // the inner block is Shop.Data, not a namespace Data of its own
            ],
            imports);
    }

    [Fact]
    public void Java_rust_and_c_imports_resolve_by_path()
    {
        var graph = Build(
        [
            File("src/main/java/com/acme/App.java", "java", references: [Import("com.acme.util.Strings"), Import("java.util.List")]),
            File("src/main/java/com/acme/util/Strings.java", "java"),
            File("src/main.rs", "rust", references: [Import("crate::net::client::Client"), Import("std::io")]),
            File("src/net/client.rs", "rust", references: [Import("super::proto")]),
            File("src/net/proto/mod.rs", "rust"),
            File("lib/parse.c", "c", references: [Import("parse.h"), Import("stdio.h")]),
            File("lib/parse.h", "c"),
        ]);

        Assert.Equal("src/main/java/com/acme/util/Strings.java", Single(graph, EdgeKinds.Import, "src/main/java/com/acme/App.java", "com.acme.util.Strings").TargetPath);
        Assert.Null(Single(graph, EdgeKinds.Import, "src/main/java/com/acme/App.java", "java.util.List").TargetPath);
        Assert.Equal("src/net/client.rs", Single(graph, EdgeKinds.Import, "src/main.rs", "crate::net::client::Client").TargetPath);
        Assert.Equal("src/net/proto/mod.rs", Single(graph, EdgeKinds.Import, "src/net/client.rs", "super::proto").TargetPath);
        Assert.Equal("lib/parse.h", Single(graph, EdgeKinds.Import, "lib/parse.c", "parse.h").TargetPath);
        Assert.Null(Single(graph, EdgeKinds.Import, "lib/parse.c", "stdio.h").TargetPath);
    }

    [Fact]
    public void Calls_resolve_same_file_then_imported_module_then_unique_name_and_keep_the_rest_unresolved()
    {
        var graph = Build(
        [
            File("app.py", "python",
                definitions: [Def("main", "function", 3, 9), Def("helper", "function", 11, 12), Def("Service", "class", 14, 20), Def("run", "method", 15, 17, "Service.run"), Def("stop", "method", 18, 20, "Service.stop")],
                references:
                [
                    Import("util"),
                    Call("helper", 4, "main"),
                    Call("save", 5, "main", "util"),
                    Call("load", 6, "main"),
                    Call("print", 7, "main"),
                    Call("format", 8, "main"),
                    Call("stop", 16, "Service.run", "self"),
                    Inherit("Base", 14, "Service"),
                ]),
            File("util.py", "python", definitions: [Def("save", "function", 1, 2), Def("format", "function", 3, 4)]),
            File("other.py", "python", definitions: [Def("format", "function", 1, 2), Def("stop", "function", 3, 4)]),
            File("store.py", "python", definitions: [Def("load", "function", 1, 2), Def("Base", "class", 3, 4)]),
        ]);

        GraphEdge CallTo(string name) => Single(graph, EdgeKinds.Call, "app.py", name);
        Assert.Equal(("app.py", "helper", Resolutions.SameFile, 1.0), (CallTo("helper").TargetPath, CallTo("helper").TargetSymbol, CallTo("helper").Resolution, CallTo("helper").Confidence));
        Assert.Equal(("util.py", "save", Resolutions.Imported), (CallTo("save").TargetPath, CallTo("save").TargetSymbol, CallTo("save").Resolution));
        Assert.Equal(("store.py", "load", Resolutions.UniqueName), (CallTo("load").TargetPath, CallTo("load").TargetSymbol, CallTo("load").Resolution));

        // format exists twice, but the imported module's wins.
        Assert.Equal("util.py", CallTo("format").TargetPath);

        // A builtin is kept, unresolved.
        Assert.Equal((null, Resolutions.Unresolved, 0.0), (CallTo("print").TargetPath, CallTo("print").Resolution, CallTo("print").Confidence));
        Assert.Equal("main", CallTo("print").SourceSymbol);

        // self.stop() inside Service.run is Service.stop of this file, not other.py's stop.
        var selfCall = CallTo("stop");
        Assert.Equal(("app.py", "Service.stop", "Service.run"), (selfCall.TargetPath, selfCall.TargetSymbol, selfCall.SourceSymbol));

        var inherit = Single(graph, EdgeKinds.Inherit, "app.py", "Base");
        Assert.Equal(("store.py", "Base", "Service"), (inherit.TargetPath, inherit.TargetSymbol, inherit.SourceSymbol));
    }

    [Fact]
    public void Ambiguous_names_outside_the_file_and_its_imports_stay_unresolved()
    {
        var graph = Build(
        [
            File("a.py", "python", definitions: [Def("main", "function", 1, 3)], references: [Call("render", 2, "main")]),
            File("b.py", "python", definitions: [Def("render", "function", 1, 2)]),
            File("c.py", "python", definitions: [Def("render", "function", 1, 2)]),
        ]);

        var edge = Single(graph, EdgeKinds.Call, "a.py", "render");
        Assert.Null(edge.TargetPath);
        Assert.Equal(Resolutions.Unresolved, edge.Resolution);
    }

    [Theory]
    [InlineData("os.path.join", "join")]
    [InlineData("List<string>", "List")]
    [InlineData("std::vector", "vector")]
    [InlineData("Generic[T]", "Generic")]
    [InlineData("save", "save")]
    public void Bare_name_drops_qualifiers_and_generic_arguments(string target, string expected) =>
        Assert.Equal(expected, GraphBuilder.BareName(target));

    internal static IReadOnlyList<StoredFile> LayeredProject() =>
    [
        File("cli/main.py", "python", "#!/usr/bin/env python\nif __name__ == \"__main__\":\n    run()\n", [Def("run", "function", 1, 1)], [Import("core.engine"), Import("core.config")]),
        File("core/engine.py", "python", definitions: [Def("Engine", "class", 1, 5)], references: [Import("core.rules"), Import("util.text")]),
        File("core/rules.py", "python", references: [Import("core.engine"), Import("util.text")]),
        File("core/config.py", "python", references: [Import("util.text")]),
        File("util/text.py", "python"),
        File("README.md", "markdown", "# Demo\n\nDemo turns rules into **actions** for [people](https://x).\nSecond line.\n\n## Usage\n"),
    ];

    [Fact]
    public void Architecture_names_cycles_layers_modules_and_entry_points()
    {
        var files = LayeredProject();
        var graph = Build(files);
        var architecture = ArchitectureAnalyzer.Analyze(graph, files, TestContext.Current.CancellationToken);

        var cycle = Assert.Single(architecture.Cycles);
        Assert.Equal("core/engine.py -> core/rules.py -> core/engine.py", cycle.Name);
        Assert.Equal(["core/engine.py", "core/rules.py"], cycle.Files);

        Assert.Equal(
            ["0: README.md util/text.py", "1: core/config.py core/engine.py core/rules.py", "2: cli/main.py"],
            architecture.Layers.Select(l => $"{l.Index}: {string.Join(' ', l.Files)}"));

        Assert.Contains(new ModuleDependency("cli", "core", 2), architecture.Modules);
        Assert.Contains(new ModuleDependency("core", "util", 3), architecture.Modules);

        Assert.Equal("util/text.py", architecture.Files[0].Path); // everything leads to it
        Assert.Equal(3, architecture.Files[0].Dependents);
        Assert.Equal(1.0, architecture.Files.Sum(f => f.Rank), 3);

        Assert.Equal(
            [("cli/main.py", 1, "executable script"), ("cli/main.py", 2, "__main__ guard")],
            architecture.EntryPoints.Select(e => (e.Path, e.Line, e.Reason)).ToArray());
    }
}
