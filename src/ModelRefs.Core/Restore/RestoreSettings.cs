using ModelRefs.Core.Configuration;

namespace ModelRefs.Core.Restore;

/// <summary>The restore's own MSBuild properties (the sources declare theirs in their folders).</summary>
public static class RestoreSettings
{
    public static readonly Setting Offline = new("ModelRefsOffline", "true: no network; every model must come from the cache");
    public static readonly Setting LockedMode = new("ModelRefsLockedMode", "true: fail instead of changing models.lock.json");
    public static readonly Setting LockFilePath = new("ModelRefsLockFilePath", "the lock file; default models.lock.json beside the project");
    public static readonly Setting OutputFolder = new("ModelRefsOutputFolder", "where models are deployed under the app's base directory; default models");
    public static readonly Setting Home = new("ModelRefsHome", "root of the global cache; default MODELREFS_HOME, else ~/.modelrefs")
    {
        EnvironmentVariable = Caching.ModelCache.HomeVariable,
    };

    public static readonly Setting GenerateBom = new("ModelRefsGenerateBom", "true: write the models' CycloneDX ML-BOM (models.cdx.json) to the output");

    public static IReadOnlyList<Setting> All { get; } = [Offline, LockedMode, LockFilePath, OutputFolder, Home, GenerateBom];
}
