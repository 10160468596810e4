// Every language's fixture (Parsing/Fixtures/) with the exact definitions by qualified name, and the exact
// imports, calls and inheritance references ("kind target line source receiver", '-' for none) the parser
// yields; plus what a language's flags promise: a language that claims imports, calls or inheritance
// finds some in its fixture.
using System.Text;
using CodeIngest.Parsing;
using Xunit;

namespace CodeIngest.Tests.Parsing;

public sealed class ReferenceFixtureTests
{
    public static TheoryData<string> LanguagesWithFixtures => new(ExpectedByLanguage.Keys);

    // Definitions: "QualifiedName kind start-end" in source order. References: "kind target line source receiver" by position.
    private static readonly Dictionary<string, (string File, string[] Definitions, string[] References)> ExpectedByLanguage = new()
    {
        ["python"] = ("sample.py",
        [
            "Shape class 7-14",
            "Shape.area method 10-14",
            "main function 17-19",
        ],
        [
            "import os 1 - -",
            "import numpy 2 - -",
            "import collections 3 - -",
            "import . 4 - -",
            "inherit Base 7 Shape -",
            "inherit abc.ABC 7 Shape -",
            "call range 12 Shape.area -",
            "call print 13 Shape.area -",
            "call join 14 Shape.area os.path",
            "call Shape 18 main -",
            "call area 19 main s",
        ]),
        ["javascript"] = ("sample.js",
        [
            "Dog class 5-12",
            "Dog.bark method 6-11",
            "main function 14-17",
        ],
        [
            "import fs 1 - -",
            "call require 2 - -",
            "import path 2 - -",
            "inherit Animal 5 Dog -",
            "call log 8 Dog.bark console",
            "call wag 10 Dog.bark this",
            "call Dog 15 main -",
            "call bark 16 main d",
            "call join 16 main path",
        ]),
        ["typescript"] = ("sample.ts",
        [
            "Named interface 4-6",
            "Named.name method 5-5",
            "Service class 9-13",
            "Service.name method 10-12",
            "run function 15-17",
        ],
        [
            "import @angular/core 1 - -",
            "import fs 2 - -",
            "inherit Base 9 Service -",
            "inherit Named 9 Service -",
            "inherit Other 9 Service -",
            "call readFileSync 11 Service.name fs",
            "call toString 11 Service.name fs.readFileSync(\"x\")",
            "call helper 16 run -",
        ]),
        ["tsx"] = ("sample.tsx",
        [
            "Button function 3-5",
            "Panel class 7-7",
        ],
        [
            "import react 1 - -",
            "call track 4 Button -",
            "inherit Base 7 Panel -",
        ]),
        ["go"] = ("sample.go",
        [
            "Circle type 9-12",
            "Circle.Area method 15-20",
            "New function 22-24",
        ],
        [
            "import fmt 4 - -",
            "import strings 5 - -",
            "inherit Base 10 Circle -",
            "call Println 17 Circle.Area fmt",
            "call ToUpper 17 Circle.Area strings",
        ]),
        ["rust"] = ("sample.rs",
        [
            "Point class 5-7",
            "Point.fmt method 10-12",
            "Point.new method 16-22",
            "helper function 25-30",
        ],
        [
            "import std::collections::HashMap 1 - std::collections",
            "import std::fmt 2 - std",
            "inherit fmt::Display 9 Point -",
            "call write 11 Point.fmt -",
            "call new 17 Point.new HashMap",
            "call is_empty 18 Point.new m",
            "call helper 19 Point.new -",
            "call abs 28 helper v",
        ]),
        ["java"] = ("Sample.java",
        [
            "Greeter class 7-22",
            "Greeter.Greeter constructor 10-12",
            "Greeter.run method 14-21",
        ],
        [
            "import java.util.List 3 - java.util",
            "import java.util.ArrayList 4 - java.util",
            "inherit Base 7 Greeter -",
            "inherit Runnable 7 Greeter -",
            "call ArrayList 8 Greeter -",
            "call add 11 Greeter.Greeter names",
            "call isEmpty 16 Greeter.run n",
            "call length 16 Greeter.run n",
            "call println 17 Greeter.run System.out",
            "call helper 20 Greeter.run -",
        ]),
        ["csharp"] = ("sample.cs",
        [
            "App module 4-4",
            "Greeter class 7-29",
            "Greeter.Greeter constructor 11-14",
            "Greeter.Run method 16-26",
            "Greeter.Dispose method 28-28",
        ],
        [
            "import System 1 - -",
            "import System.Collections.Generic 2 - System.Collections",
            "inherit Base 7 Greeter -",
            "inherit IDisposable 7 Greeter -",
            "call List 9 Greeter -",
            "call Add 13 Greeter.Greeter _names",
            "call WriteLine 22 Greeter.Run Console",
            "call Helper 25 Greeter.Run -",
        ]),
        ["c"] = ("sample.c",
        [
            "add function 5-7",
            "main function 9-18",
        ],
        [
            "import stdio.h 1 - -",
            "import util.h 2 - -",
            "call printf 13 main -",
            "call add 13 main -",
            "call run 16 main o",
        ]),
        ["cpp"] = ("sample.cpp",
        [
            "Square class 7-11",
            "Square.area function 9-9",
            "geo.draw method 15-21",
        ],
        [
            "import vector 1 - -",
            "import shape.hpp 2 - -",
            "inherit Shape 7 Square -",
            "call push_back 17 geo.draw v",
            "call sort 19 geo.draw std",
            "call begin 19 geo.draw v",
            "call end 19 geo.draw v",
        ]),
        ["ruby"] = ("sample.rb",
        [
            "Dog class 5-12",
            "Dog.bark method 8-11",
        ],
        [
            "call require 1 - -",
            "import json 1 - -",
            "call require_relative 2 - -",
            "import lib/util 2 - -",
            "inherit Animal 5 Dog -",
            "call include 6 Dog -",
            "inherit Comparable 6 Dog -",
            "call times 9 Dog.bark times",
            "call puts 9 Dog.bark -",
            "call helper 10 Dog.bark -",
        ]),
        ["make"] = ("Makefile",
        [
            "all target 5-5",
            "app target 7-8",
            "clean target 10-11",
            "greet macro 13-15",
        ],
        [
        ]),
        ["css"] = ("sample.css",
        [
        ],
        [
        ]),
        ["dart"] = ("sample.dart",
        [
            "Shape class 1-3",
            "Shape.area method 2-2",
            "Circle class 5-12",
            "Circle.Circle constructor 8-8",
            "Circle.area method 11-11",
            "Color enum 14-14",
            "Named class 16-18",
            "Named.name method 17-17",
            "main function 20-22",
        ],
        [
        ]),
        ["elixir"] = ("sample.ex",
        [
            "Demo.Greeter module 1-13",
            "Demo.Greeter.greet function 4-6",
            "Demo.Greeter.secret function 8-8",
            "Demo.Greeter.twice function 10-12",
        ],
        [
            "import Demo.Util 15 - Demo",
            "call greet 16 - Demo.Greeter",
        ]),
        ["haskell"] = ("sample.hs",
        [
            "Geometry module 1-1",
            "Shape type 3-3",
            "Named interface 5-6",
            "area function 9-9",
            "area function 10-10",
            "Point type 12-12",
        ],
        [
        ]),
        ["html"] = ("sample.html",
        [
        ],
        [
        ]),
        ["julia"] = ("sample.jl",
        [
            "Shapes module 1-19",
            "Shapes.Circle struct 3-5",
            "Shapes.Shape type 7-7",
            "Shapes.area function 9-11",
            "Shapes.perimeter function 13-13",
            "Shapes.twice macro 15-17",
        ],
        [
        ]),
        ["json"] = ("sample.json",
        [
        ],
        [
        ]),
        ["kotlin"] = ("sample.kt",
        [
            "Shape interface 3-5",
            "Shape.area method 4-4",
            "Circle class 7-9",
            "Circle.area method 8-8",
            "Registry class 11-13",
            "Color enum 15-15",
            "main function 17-19",
        ],
        [
        ]),
        ["lua"] = ("sample.lua",
        [
            "greet function 3-5",
            "describe method 7-9",
            "helper function 11-13",
            "global_fn function 15-17",
        ],
        [
            "call helper 16 global_fn -",
        ]),
        ["markdown"] = ("sample.md",
        [
            "Demo section 1-18",
            "Demo.Install section 5-11",
            "Demo.Install.From source section 9-11",
            "Demo.Usage section 13-18",
            "Demo.Usage.Setext title section 15-16",
        ],
        [
        ]),
        ["ocaml"] = ("sample.ml",
        [
            "shape type 1-1",
            "shape.Circle enum_variant 1-1",
            "shape.Square enum_variant 1-1",
            "area function 3-5",
            "Registry module 7-11",
            "Registry.add function 10-10",
            "counter class 13-16",
            "counter.incr method 15-15",
        ],
        [
            "call ref 8 Registry -",
        ]),
        ["ocaml_interface"] = ("sample.mli",
        [
            "shape type 1-1",
            "Registry module 5-7",
        ],
        [
        ]),
        ["php"] = ("sample.php",
        [
            "App module 2-2",
            "Greets interface 4-7",
            "Greets.greet method 6-6",
            "Greeter class 9-17",
            "Greeter.__construct method 11-11",
            "Greeter.greet method 13-16",
            "helper function 19-22",
        ],
        [
            "inherit Greets 9 Greeter -",
            "call helper 24 - -",
            "import App\\Util\\Strings 25 - -",
        ]),
        ["perl"] = ("sample.pl",
        [
            "Demo::Greeter module 2-2",
            "new function 5-8",
            "greet function 10-13",
        ],
        [
        ]),
        ["powershell"] = ("sample.ps1",
        [
            "Get-Greeting function 1-4",
            "Greeter class 6-10",
            "Greeter.Greet method 7-9",
            "Only-Even function 12-12",
        ],
        [
        ]),
        ["r"] = ("sample.r",
        [
            "area function 3-5",
            "perimeter function 7-7",
        ],
        [
            "call library 1 - -",
            "call area 11 - -",
        ]),
        ["scala"] = ("sample.scala",
        [
            "demo module 1-1",
            "Shape interface 3-5",
            "Shape.area method 4-4",
            "Circle class 7-9",
            "Circle.r property 7-7",
            "Circle.area method 8-8",
            "Main object 11-14",
            "Main.main method 12-13",
        ],
        [
            "call println 13 Main.main -",
            "call Circle 13 Main.main -",
        ]),
        ["bash"] = ("sample.sh",
        [
            "log function 4-6",
            "build function 8-11",
        ],
        [
        ]),
        ["sql"] = ("sample.sql",
        [
            "users table 1-4",
            "active_users view 6-7",
        ],
        [
        ]),
        ["swift"] = ("sample.swift",
        [
            "Shape interface 1-3",
            "Shape.area method 2-2",
            "Circle struct 5-15",
            "Circle.init constructor 8-10",
            "Circle.area method 12-14",
            "Color enum 17-19",
            "main function 21-23",
        ],
        [
        ]),
        ["hcl"] = ("sample.tf",
        [
            "region variable 1-3",
            "web resource 5-8",
            "vpc module 10-12",
            "ip output 14-16",
        ],
        [
        ]),
        ["toml"] = ("sample.toml",
        [
        ],
        [
        ]),
        ["yaml"] = ("sample.yaml",
        [
        ],
        [
        ]),
        ["zig"] = ("sample.zig",
        [
            "Point struct 3-10",
            "Point.add method 7-9",
            "Color enum 12-12",
            "main function 14-16",
        ],
        [
        ]),
    };

    [Theory]
    [MemberData(nameof(LanguagesWithFixtures))]
    public void Fixture_yields_exact_qualified_definitions_and_references(string language)
    {
        var (file, definitions, references) = ExpectedByLanguage[language];
        var path = Path.Combine(AppContext.BaseDirectory, "Parsing", "Fixtures", file);
        var parsed = TreeSitterParserLanguageTests.Parser.Parse(path, language, File.ReadAllBytes(path));

        Assert.Null(parsed.Error);
        Assert.Equal(definitions, parsed.Definitions.Select(d => $"{d.QualifiedName} {d.Kind} {d.StartLine}-{d.EndLine}"));
        Assert.Equal(references, (parsed.References ?? []).Select(r => $"{r.Kind} {r.Target} {r.Line} {r.Source ?? "-"} {r.Receiver ?? "-"}"));
        Assert.NotNull(parsed.Metrics);
        Assert.Equal(parsed.Lines, parsed.Metrics.Lines);

        var info = Languages.FromName(language)!;
        Assert.Equal(info.Imports, parsed.References!.Any(r => r.Kind == ReferenceKinds.Import));
        Assert.Equal(info.Calls, parsed.References!.Any(r => r.Kind == ReferenceKinds.Call));
        Assert.Equal(info.Inheritance, parsed.References!.Any(r => r.Kind == ReferenceKinds.Inherit));
    }

    [Fact]
    public void Signatures_docs_and_metrics_are_filled()
    {
        var python = ParseFixture("python", "sample.py");
        var shape = python.Definitions.Single(d => d.QualifiedName == "Shape");
        var area = python.Definitions.Single(d => d.QualifiedName == "Shape.area");
        Assert.Equal("class Shape(Base, abc.ABC)", shape.Signature);
        Assert.Equal("A shape.", shape.Doc);
        Assert.Null(shape.Metrics);
        Assert.Equal("def area(self, scale)", area.Signature);
        // if + and + for: cyclomatic 4; the for nests in the if: depth 2; cognitive 1 (if) + 1 (and) + 2 (nested for).
        Assert.Equal(new CodeMetrics(5, 5, 0, 4, 2, 2, 4), area.Metrics);
        Assert.Equal(new CodeMetrics(19, 14, 0, 4, 2, 0, 4), python.Metrics);

        var go = ParseFixture("go", "sample.go");
        var method = go.Definitions.Single(d => d.QualifiedName == "Circle.Area");
        Assert.Equal("func (c *Circle) Area(scale float64) float64", method.Signature);
        Assert.Equal("Area computes the area.", method.Doc);
        Assert.Equal(1, method.Metrics!.Parameters);

        var c = ParseFixture("c", "sample.c");
        var add = c.Definitions.Single(d => d.Name == "add");
        Assert.Equal("int add(int a, int b)", add.Signature);
        Assert.Equal("Adds two numbers.", add.Doc);
        Assert.Equal(1, c.Metrics!.CommentLines);

        var java = ParseFixture("java", "Sample.java");
        Assert.Equal("A greeter.", java.Definitions.Single(d => d.QualifiedName == "Greeter").Doc);
        Assert.Equal("constructor", java.Definitions.Single(d => d.QualifiedName == "Greeter.Greeter").Kind);
    }

    private static ParsedFile ParseFixture(string language, string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Parsing", "Fixtures", file);
        return TreeSitterParserLanguageTests.Parser.Parse(path, language, File.ReadAllBytes(path));
    }

    [Fact]
    public void Every_language_with_definitions_has_a_fixture_here()
    {
        var missing = Languages.All.Where(l => l.Definitions && !ExpectedByLanguage.ContainsKey(l.Name)).Select(l => l.Name).ToList();
        Assert.Empty(missing);
    }
}
