// codeingest: the command-line interface. See README.md for commands and their --json shapes.
using CodeIngest.Client.Cli;

return await CliApp.RunAsync(args);
