// Human-readable job summaries.
using CodeIngest.Ingestion;
using Spectre.Console;

namespace CodeIngest.Client.Cli;

internal static class Output
{
    public static void PrintSummary(IngestionReport report)
    {
        var color = report.Status switch { "complete" => "green", "failed" => "red", _ => "yellow" };
        AnsiConsole.MarkupLine($"job [bold]{Markup.Escape(report.JobId)}[/]: [{color}]{report.Status}[/] {Markup.Escape(report.Repo)} {Markup.Escape(report.Commit ?? "")}");
        AnsiConsole.MarkupLine($"files {report.Files} (parsed {report.FilesParsed}, skipped {report.FilesSkipped}), symbols {report.Symbols}, chunks {report.Chunks}, {report.DurationSeconds:0.0} s");
        if (report.Languages.Count > 0)
        {
            AnsiConsole.MarkupLine(Markup.Escape("languages: " + string.Join(", ", report.Languages.OrderByDescending(l => l.Value).Select(l => $"{l.Key} {l.Value}"))));
        }

        var table = new Table().AddColumns("stage", "status", "attempts", "seconds", "error");
        foreach (var s in report.Stages)
        {
            table.AddRow(s.Id, s.Status, $"{s.Attempts}", s.DurationSeconds is { } d ? $"{d:0.00}" : "-", Markup.Escape(s.Error ?? ""));
        }

        AnsiConsole.Write(table);
    }
}
