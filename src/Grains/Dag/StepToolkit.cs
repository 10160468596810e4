// The tools a step receives. Every tool checks the node's role first: a role that lacks the
// capability gets a CapabilityDeniedException (non-retryable, names role and capability).
using CodeIngest.Storage;

namespace CodeIngest.Dag;

/// <summary>Which capabilities each role holds (DESIGN.md, "Roles and capabilities").</summary>
public static class RoleCapabilities
{
    private static readonly Dictionary<Role, IReadOnlySet<Capability>> GrantsByRole = new()
    {
        [Role.Researcher] = new HashSet<Capability> { Capability.HttpFetch, Capability.RunModel, Capability.WriteScratch, Capability.ReadStore },
        [Role.Coder] = new HashSet<Capability> { Capability.GitClone, Capability.ReadWorkspace, Capability.ReadStore, Capability.WriteOwnResults, Capability.FanOut, Capability.WriteScratch },
        [Role.Critic] = new HashSet<Capability> { Capability.ReadWorkspace, Capability.ReadStore, Capability.WriteReport },
        [Role.Admin] = new HashSet<Capability> { Capability.ReadStore, Capability.WriteStore, Capability.WriteOwnResults, Capability.Notify },
    };

    public static IReadOnlySet<Capability> For(Role role) => GrantsByRole[role];
}

/// <summary>Capability-checked access to the workspace, the code store, the cluster and the network.</summary>
public sealed class StepToolkit
{
    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly ICodeStore _store;
    private readonly IGrainFactory _grainFactory;
    private readonly string _dataDirectory;
    private readonly string _jobId;
    private readonly string _nodeId;

    internal StepToolkit(Role role, ICodeStore store, IGrainFactory grainFactory, string dataDirectory, string jobId, string nodeId)
    {
        Role = role;
        Granted = RoleCapabilities.For(role);
        _store = store;
        _grainFactory = grainFactory;
        _dataDirectory = dataDirectory;
        _jobId = jobId;
        _nodeId = nodeId;
        Store = new GuardedCodeStore(store, this);
    }

    public Role Role { get; }

    public IReadOnlySet<Capability> Granted { get; }

    /// <summary>The code store; each operation checks the capability it needs (reads: ReadStore; staging a snapshot's own files: WriteOwnResults; indexes, publishing, history: WriteStore).</summary>
    public ICodeStore Store { get; }

    /// <summary>Throws <see cref="CapabilityDeniedException"/> unless the role holds the capability.</summary>
    public void Require(Capability capability)
    {
        if (!Granted.Contains(capability))
        {
            throw new CapabilityDeniedException(Role, capability, Granted.Order());
        }
    }

    /// <summary>The directory under which clones are made (GitClone).</summary>
    public string CloneWorkspaceRoot()
    {
        Require(Capability.GitClone);
        return Directory.CreateDirectory(Path.Combine(_dataDirectory, "workspaces")).FullName;
    }

    /// <summary>Checks that the role may read files of a workspace and returns its full path (ReadWorkspace).</summary>
    public string Workspace(string directory)
    {
        Require(Capability.ReadWorkspace);
        return Path.GetFullPath(directory);
    }

    /// <summary>Reads one file of a workspace (ReadWorkspace).</summary>
    public Task<byte[]> ReadWorkspaceFileAsync(string root, string relativePath, CancellationToken cancellationToken) =>
        File.ReadAllBytesAsync(WorkspaceFilePath(root, relativePath), cancellationToken);

    /// <summary>The lower-case hex SHA-256 of one file of a workspace, read through a pooled buffer (ReadWorkspace).</summary>
    public async Task<string> HashWorkspaceFileAsync(string root, string relativePath, CancellationToken cancellationToken)
    {
        var stream = new FileStream(WorkspaceFilePath(root, relativePath), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    private string WorkspaceFilePath(string root, string relativePath)
    {
        Require(Capability.ReadWorkspace);
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootFull, StringComparison.Ordinal))
        {
            throw new NonRetryableStepException($"path '{relativePath}' is outside the workspace '{root}'");
        }

        return full;
    }

    /// <summary>The grain factory, for fanning work out to other grains (FanOut).</summary>
    public IGrainFactory FanOut()
    {
        Require(Capability.FanOut);
        return _grainFactory;
    }

    /// <summary>A private scratch directory for this node (WriteScratch).</summary>
    public string ScratchDirectory()
    {
        Require(Capability.WriteScratch);
        return Directory.CreateDirectory(Path.Combine(_dataDirectory, "scratch", Sanitize(_jobId), Sanitize(_nodeId))).FullName;
    }

    /// <summary>A directory for report files (WriteReport).</summary>
    public string ReportDirectory()
    {
        Require(Capability.WriteReport);
        return Directory.CreateDirectory(Path.Combine(_dataDirectory, "reports", Sanitize(_jobId))).FullName;
    }

    /// <summary>An HTTP client for fetching documentation (HttpFetch).</summary>
    public HttpClient Http()
    {
        Require(Capability.HttpFetch);
        return SharedHttp;
    }

    /// <summary>Checks that the role may run a model (RunModel).</summary>
    public void RunModel() => Require(Capability.RunModel);

    /// <summary>The grain factory, for reaching the model runtime (embedding grains) only (RunModel).</summary>
    public IGrainFactory ModelRuntime()
    {
        Require(Capability.RunModel);
        return _grainFactory;
    }

    /// <summary>Checks that the role may send notifications (Notify).</summary>
    public void Notify() => Require(Capability.Notify);

    internal ICodeStore UnguardedStore => _store;

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}

/// <summary>Creates toolkits for nodes on this silo.</summary>
public sealed class StepToolkitFactory(ICodeStore store, IGrainFactory grainFactory, CodeIngestPaths paths)
{
    public StepToolkit Create(Role role, string jobId, string nodeId) => new(role, store, grainFactory, paths.DataDirectory, jobId, nodeId);
}

/// <summary>Where this silo keeps its files.</summary>
public sealed record CodeIngestPaths(string DataDirectory)
{
    public string DatabasePath => Path.Combine(DataDirectory, "codeingest.db");
}
