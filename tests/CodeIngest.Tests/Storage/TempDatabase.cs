// A throwaway directory with a SQLite file path for one test.
using Microsoft.Data.Sqlite;

namespace CodeIngest.Tests.Storage;

internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "codeingest-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "codeingest.db");
    }

    public string Directory { get; }

    public string Path { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection of a still-running test may hold the file; the temp dir is cleaned by the OS.
        }
    }
}
