namespace ModelRefs.Core.Restore;

/// <summary>Everything a restore of one project needs besides its items.</summary>
public sealed record RestoreRequest
{
    public required string ProjectFile { get; init; }

    /// <summary>Folder for the per-model manifests (the project's obj/…/modelrefs/).</summary>
    public required string IntermediatePath { get; init; }

    /// <summary>Namespace of generated classes when an item sets none.</summary>
    public required string DefaultNamespace { get; init; }

    /// <summary>Folder under the app's base directory where models are deployed.</summary>
    public string OutputFolder { get; init; } = "models";

    /// <summary>npm registry base URL; null: the one npm is configured with.</summary>
    public string? NpmRegistry { get; init; }

    public bool Offline { get; init; }

    /// <summary>Fail instead of changing the lock file (<c>ModelRefsLockedMode</c>).</summary>
    public bool LockedMode { get; init; }

    /// <summary>Where the lock file is; null: models.lock.json beside the project file.</summary>
    public string? LockFilePath { get; init; }

    public string ResolvedLockFilePath => LockFilePath ?? Path.Combine(ProjectDirectory, Locking.LockFile.FileName);

    /// <summary>Root of the global cache; null: MODELREFS_HOME or ~/.modelrefs.</summary>
    public string? CacheRoot { get; init; }

    /// <summary>Hub endpoints, trusted owners, Python: what sources read besides the item.</summary>
    public Sources.SourceSettings Sources { get; init; } = Core.Sources.SourceSettings.Default;

    public string ProjectDirectory => Path.GetDirectoryName(Path.GetFullPath(ProjectFile))!;
}
