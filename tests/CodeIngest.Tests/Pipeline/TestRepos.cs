// Builds real repositories on disk for pipeline tests (files + `git` commits).
using System.Diagnostics;

namespace CodeIngest.Tests.Pipeline;

public static class TestRepos
{
    public static string NewDirectory(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    public static void Write(string root, string relativePath, string text)
    {
        var full = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text.ReplaceLineEndings("\n"));
    }

    public static void WriteBytes(string root, string relativePath, byte[] bytes)
    {
        var full = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
    }

    public static string Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-c", "user.name=CodeIngest Tests", "-c", "user.email=tests@codeingest.invalid", "-c", "init.defaultBranch=main", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        }

        return output.Trim();
    }

    /// <summary>A git repository with one small, realistic file per language, committed on branch main.</summary>
    public static string MultiLanguage()
    {
        var root = NewDirectory("codeingest-repo-");
        Git(root, "init", "-q");
        Write(root, "app/main.py", """
            import os


            class Greeter:
                def __init__(self, name):
                    self.name = name

                def greet(self):
                    return f"hello {self.name}"


            def main():
                print(Greeter(os.getcwd()).greet())
            """);
        Write(root, "server/server.go", """
            package server

            type Server struct {
            	Port int
            }

            func (s *Server) Start() error {
            	return nil
            }

            func New(port int) *Server {
            	return &Server{Port: port}
            }
            """);
        Write(root, "web/shapes.ts", """
            export interface Shape {
              area(): number;
            }

            export class Circle implements Shape {
              constructor(private r: number) {}

              area(): number {
                return Math.PI * this.r * this.r;
              }
            }

            export function total(shapes: Shape[]): number {
              return shapes.reduce((sum, s) => sum + s.area(), 0);
            }
            """);
        Write(root, "src/lib.rs", """
            pub struct Stack {
                items: Vec<i32>,
            }

            impl Stack {
                pub fn push(&mut self, x: i32) {
                    self.items.push(x);
                }
            }

            pub fn empty() -> Stack {
                Stack { items: Vec::new() }
            }
            """);
        Write(root, "src/Main.java", """
            package demo;

            public class Main {
                public static void main(String[] args) {
                    System.out.println(greeting());
                }

                static String greeting() {
                    return "hi";
                }
            }
            """);
        Write(root, "README.md", "# demo\n");
        Git(root, "add", "-A");
        Git(root, "commit", "-q", "-m", "initial");
        return root;
    }
}
