// One realistic snippet per language, with the exact definitions the tags queries must yield.
using System.Text;
using CodeIngest.Parsing;
using Xunit;

namespace CodeIngest.Tests.Parsing;

public sealed class TreeSitterParserLanguageTests
{
    internal static readonly TreeSitterParser Parser = new();

    internal static ParsedFile Parse(string language, string source, string? path = null) =>
        Parser.Parse(path ?? "file." + language, language, Encoding.UTF8.GetBytes(source));

    internal static void AssertDefinitions(ParsedFile parsed, params (string Name, string Kind, int StartLine, int EndLine)[] expected)
    {
        Assert.Null(parsed.Error);
        var actual = parsed.Definitions.Select(d => (d.Name, d.Kind, d.StartLine, d.EndLine)).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Python()
    {
        var parsed = Parse("python", """"
            import os

            MAX = 10


            class Greeter:
                """Says hello."""

                def greet(self, name):
                    return f"hi {name}"


            def main():
                print(Greeter().greet("x"))
            """");
        AssertDefinitions(parsed,
            ("MAX", "constant", 3, 3),
            ("Greeter", "class", 6, 10),
            ("greet", "method", 9, 10),
            ("main", "function", 13, 14));
        Assert.Equal(14, parsed.Lines);
        Assert.Equal("python", parsed.Language);
    }

    [Fact]
    public void JavaScript_TagsTheConstructorAsAConstructorNotAMethod()
    {
        var source = """
            class Animal {
              constructor(name) {
                this.name = name;
              }

              // Speaks.
              speak() {
                return this.name;
              }
            }

            function helper(x) {
              return x * 2;
            }

            const arrow = (a) => a + 1;
            """;
        var parsed = Parse("javascript", source);
        AssertDefinitions(parsed,
            ("Animal", "class", 1, 10),
            ("constructor", "constructor", 2, 4), // the project's query; the grammar's tags leave it out (#not-eq?)
            ("speak", "method", 7, 9),
            ("helper", "function", 12, 14),
            ("arrow", "function", 16, 16));

        // Byte offsets are UTF-8 offsets of the definition node.
        var helper = parsed.Definitions.Single(d => d.Name == "helper");
        var bytes = Encoding.UTF8.GetBytes(source);
        Assert.StartsWith("function helper(x) {", Encoding.UTF8.GetString(bytes, helper.StartByte, helper.EndByte - helper.StartByte));
        Assert.EndsWith("}", Encoding.UTF8.GetString(bytes, helper.StartByte, helper.EndByte - helper.StartByte));
    }

    [Fact]
    public void TypeScript_CombinesJavaScriptAndTypeScriptTags()
    {
        var parsed = Parse("typescript", """
            interface Shape {
              area(): number;
            }

            abstract class Base {
              abstract describe(): string;
            }

            class Square extends Base implements Shape {
              constructor(private side: number) {
                super();
              }
              area(): number {
                return this.side * this.side;
              }
              describe(): string {
                return "square";
              }
            }

            function make(): Square {
              return new Square(2);
            }
            """);
        AssertDefinitions(parsed,
            ("Shape", "interface", 1, 3),      // TypeScript's tags.scm
            ("area", "method", 2, 2),          // TypeScript's tags.scm (method_signature)
            ("Base", "class", 5, 7),           // TypeScript's tags.scm (abstract class)
            ("describe", "method", 6, 6),      // TypeScript's tags.scm (abstract method)
            ("Square", "class", 9, 19),        // JavaScript's tags.scm
            ("constructor", "constructor", 10, 12), // the project's query
            ("area", "method", 13, 15),        // JavaScript's tags.scm
            ("describe", "method", 16, 18),
            ("make", "function", 21, 23));
    }

    [Fact]
    public void Tsx()
    {
        var parsed = Parse("tsx", """
            export function App(props: Props) {
              return <div className="app">{props.title}</div>;
            }

            interface Props {
              title: string;
            }
            """);
        AssertDefinitions(parsed,
            ("App", "function", 1, 3),
            ("Props", "interface", 5, 7));
    }

    [Fact]
    public void Go()
    {
        var parsed = Parse("go", """
            package main

            // Point is a point.
            type Point struct {
            	X, Y int
            }

            // Dist returns the distance.
            func (p Point) Dist() int {
            	return p.X + p.Y
            }

            func main() {
            	_ = Point{}.Dist()
            }
            """);
        AssertDefinitions(parsed,
            ("Point", "struct", 4, 6),
            ("Dist", "method", 9, 11),
            ("main", "function", 13, 15));
    }

    [Fact]
    public void Rust_MethodTaggedTwiceIsKeptOnceAsMethod()
    {
        var parsed = Parse("rust", """
            mod shapes {
                pub struct Circle {
                    pub r: f64,
                }

                impl Circle {
                    pub fn area(&self) -> f64 {
                        3.14 * self.r * self.r
                    }
                }
            }

            trait Named {
                fn name(&self) -> String;
            }

            fn main() {
                let c = shapes::Circle { r: 1.0 };
            }

            macro_rules! square {
                ($x:expr) => { $x * $x };
            }
            """);
        AssertDefinitions(parsed,
            ("shapes", "module", 1, 11),
            ("Circle", "struct", 2, 4),
            ("area", "method", 7, 9),
            ("Named", "interface", 13, 15),
            ("main", "function", 17, 19),
            ("square", "macro", 21, 23));
    }

    [Fact]
    public void Java()
    {
        var parsed = Parse("java", """
            package demo;

            public class Box<T> {
                private T value;

                public Box(T value) {
                    this.value = value;
                }

                public T get() {
                    return value;
                }

                interface Visitor {
                    void visit(Box<?> box);
                }
            }
            """);
        AssertDefinitions(parsed,
            ("demo", "module", 1, 1),
            ("Box", "class", 3, 17),
            ("Box", "constructor", 6, 8),
            ("get", "method", 10, 12),
            ("Visitor", "interface", 14, 16),
            ("visit", "method", 15, 15));
    }

    [Fact]
    public void CSharp()
    {
        var parsed = Parse("csharp", """
            namespace Demo
            {
                public interface IShape
                {
                    double Area();
                }

                public class Circle : IShape
                {
                    public Circle(double r) { R = r; }

                    public double R { get; }

                    public double Area() => 3.14 * R * R;
                }
            }
            """);
        AssertDefinitions(parsed,
            ("Demo", "module", 1, 16),
            ("IShape", "interface", 3, 6),
            ("Area", "method", 5, 5),
            ("Circle", "class", 8, 15),
            ("Circle", "constructor", 10, 10),
            ("Area", "method", 14, 14));
    }

    [Fact]
    public void C_FunctionRangeCoversTheBody()
    {
        var parsed = Parse("c", """
            #include <stdio.h>

            struct point {
                int x;
                int y;
            };

            typedef struct point point_t;

            enum color { RED, GREEN };

            static int *add(int a, int b) {
                static int r;
                r = a + b;
                return &r;
            }

            int main(void) {
                return *add(1, 2);
            }
            """);
        AssertDefinitions(parsed,
            ("point", "struct", 3, 6),
            ("point_t", "type", 8, 8),
            ("color", "enum", 10, 10),
            ("add", "function", 12, 16),
            ("main", "function", 18, 20));
    }

    [Fact]
    public void C_AttributeMacroBeforeTheNameDoesNotNameTheFunction()
    {
        // Clang's intrinsic headers: the grammar reads __DEFAULT_FN_ATTRS as the declarator and leaves __llwpcb
        // in an ERROR node (a syntax error the parse reports); the function is __llwpcb all the same.
        var parsed = Parser.Parse("lwpintrin.h", "c", System.Text.Encoding.UTF8.GetBytes("""
            static __inline__ void __DEFAULT_FN_ATTRS
            __llwpcb (void *__addr)
            {
              __builtin_ia32_llwpcb(__addr);
            }
            """));
        Assert.StartsWith("syntax error at line 2", parsed.Error);
        Assert.Equal([("__llwpcb", "function", 1, 5)], parsed.Definitions.Select(d => (d.Name, d.Kind, d.StartLine, d.EndLine)));
    }

    [Fact]
    public void Cpp()
    {
        var parsed = Parse("cpp", """
            namespace geo {

            class Shape {
            public:
                virtual double area() const = 0;
            };

            struct Square : Shape {
                double side;
                double area() const override { return side * side; }
            };

            double total(const Shape& s) {
                return s.area();
            }

            }  // namespace geo

            double geo::helper() {
                return 1.0;
            }
            """);
        AssertDefinitions(parsed,
            ("geo", "module", 1, 17),
            ("Shape", "class", 3, 6),
            ("area", "method", 5, 5),
            ("Square", "struct", 8, 11),
            ("area", "method", 10, 10),
            ("total", "function", 13, 15),
            ("helper", "method", 19, 21));
    }

    [Fact]
    public void Ruby()
    {
        var parsed = Parse("ruby", """
            module Greeting
              class Person
                attr_reader :name

                def initialize(name)
                  @name = name
                end

                # Builds one.
                def self.create(name)
                  new(name)
                end

                def greet
                  "Hello, #{name}"
                end

                alias hello greet
              end
            end
            """);
        AssertDefinitions(parsed,
            ("Greeting", "module", 1, 20),
            ("Person", "class", 2, 19),
            ("initialize", "method", 5, 7),
            ("create", "method", 10, 12),
            ("greet", "method", 14, 16),
            ("hello", "method", 18, 18));
    }
}
