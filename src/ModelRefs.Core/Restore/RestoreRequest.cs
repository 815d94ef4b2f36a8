using ModelRefs.Core.Configuration;

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

    public bool Offline { get; init; }

    /// <summary>
    /// An IDE's design-time build (<c>DesignTimeBuild=true</c>): models come from the lock and the
    /// cache only; nothing is downloaded, exported or converted, the lock is not written, and a model
    /// that is not restored yet is a warning (MR0015) instead of an error. See docs/restore.md.
    /// </summary>
    public bool DesignTime { get; init; }

    /// <summary>Write the models' CycloneDX bill of materials (<c>ModelRefsGenerateBom</c>).</summary>
    public bool GenerateBom { get; init; }

    /// <summary>Fail instead of changing the lock file (<c>ModelRefsLockedMode</c>).</summary>
    public bool LockedMode { get; init; }

    /// <summary>Where the lock file is; null: models.lock.json beside the project file.</summary>
    public string? LockFilePath { get; init; }

    public string ResolvedLockFilePath => LockFilePath ?? Path.Combine(ProjectDirectory, Locking.LockFile.FileName);

    /// <summary>Root of the global cache; null: MODELREFS_HOME or ~/.modelrefs.</summary>
    public string? CacheRoot { get; init; }

    /// <summary>The sources' settings (hub endpoints, trusted owners, Python): what they read besides the item.</summary>
    public SettingValues Settings { get; init; } = SettingValues.Default;

    public string ProjectDirectory => Path.GetDirectoryName(Path.GetFullPath(ProjectFile))!;

    /// <summary>
    /// The host's <see cref="NoOpQuickCheck.Key"/> over the raw inputs this request was made from;
    /// the restore keeps it in the no-op record so that the next unchanged build is answered by the
    /// quick check. Null (other hosts): the record has none and only the full no-op check applies.
    /// </summary>
    public string? QuickKey { get; init; }

    /// <summary>
    /// A request from the project's settings as a build host has them (MSBuild property → value):
    /// <see cref="RestoreSettings"/> become the typed properties, and every value stays in
    /// <see cref="Settings"/> for the sources. Throws <see cref="FormatException"/> for a boolean
    /// setting that is not a boolean.
    /// </summary>
    public static RestoreRequest FromSettings(string projectFile, string intermediatePath, string defaultNamespace, SettingValues settings)
    {
        var projectDirectory = Path.GetDirectoryName(Path.GetFullPath(projectFile))!;
        return new RestoreRequest
        {
            ProjectFile = projectFile,
            IntermediatePath = ResolveIntermediatePath(projectFile, intermediatePath),
            DefaultNamespace = defaultNamespace,
            OutputFolder = settings.Get(RestoreSettings.OutputFolder) ?? "models",
            Offline = settings.GetBool(RestoreSettings.Offline),
            GenerateBom = settings.GetBool(RestoreSettings.GenerateBom),
            LockedMode = settings.GetBool(RestoreSettings.LockedMode),
            LockFilePath = settings.Get(RestoreSettings.LockFilePath) is { } lockFile ? Path.GetFullPath(lockFile, projectDirectory) : null,
            CacheRoot = settings.Get(RestoreSettings.Home),
            Settings = settings.ForProject(projectDirectory),
        };
    }

    /// <summary>The intermediate folder a host names, relative to the project's folder.</summary>
    internal static string ResolveIntermediatePath(string projectFile, string intermediatePath) =>
        Path.GetFullPath(intermediatePath, Path.GetDirectoryName(Path.GetFullPath(projectFile))!);
}
