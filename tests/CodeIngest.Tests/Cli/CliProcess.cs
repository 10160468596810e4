// Runs the `codeingest` CLI as a separate process, the way users run it.
using System.Diagnostics;
using Xunit;

namespace CodeIngest.Tests.Cli;

internal static class CliProcess
{
    /// <summary>The CLI from its own build output (its runtime config differs from the test host's, which includes ASP.NET Core).</summary>
    public static string CliPath
    {
        get
        {
            // AppContext.BaseDirectory is tests/CodeIngest.Tests/bin/<configuration>/<tfm>/
            var tfm = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = tfm.Parent!;
            var repoRoot = configuration.Parent!.Parent!.Parent!.Parent!;
            var path = Path.Combine(repoRoot.FullName, "src", "Client", "bin", configuration.Name, tfm.Name, "codeingest.dll");
            Assert.True(File.Exists(path), $"the CLI is not built at {path}");
            return path;
        }
    }

    /// <summary>Runs the CLI with <paramref name="args"/>; fails the test if it runs longer than two minutes.</summary>
    public static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => RunWithEnvironmentAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs the CLI with extra environment variables (e.g. CodeIngest__Cluster__ClusterId).</summary>
    public static async Task<(int Code, string Out, string Err)> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.ArgumentList.Add(CliPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
