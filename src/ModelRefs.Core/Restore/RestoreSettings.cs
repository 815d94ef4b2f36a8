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

    public static readonly Setting DownloadIdleTimeout = new("ModelRefsDownloadIdleTimeout",
        "seconds a download may wait for its next bytes before the attempt fails (and is retried); default 60");

    public static readonly Setting ProgressInterval = new("ModelRefsProgressInterval",
        "seconds between two progress lines of a long download; default 5");

    public static readonly Setting RestoreTimeout = new("ModelRefsRestoreTimeout",
        "seconds the whole restore of a project may take before every model not yet restored fails (MR0003); default 3600");

    public static readonly Setting Deploy = new("ModelRefsDeploy",
        "how models reach the build output: link (a hard link to the read-only cache blob where the file system allows it, else a copy; the default) or copy (always a writable copy); publish always copies");

    /// <summary>The restore's own settings and those of what every source shares (archive limits).</summary>
    public static IReadOnlyList<Setting> All { get; } = [Offline, LockedMode, LockFilePath, OutputFolder, Home, GenerateBom, DownloadIdleTimeout, ProgressInterval, RestoreTimeout, Deploy, .. Archives.ArchiveSettings.All];

    /// <summary>
    /// The longest time a setting may give, in seconds: 49 days, what .NET's timers and
    /// cancellation take (2^32 − 2 milliseconds); longer is no limit in practice.
    /// </summary>
    internal const double MaxSeconds = 4_294_967;

    /// <summary>A number of seconds, or null when not set; MR0014 for anything else.</summary>
    internal static TimeSpan? Seconds(SettingValues settings, Setting setting)
    {
        if (settings.Get(setting) is not { } text)
            return null;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0 && seconds <= MaxSeconds)
            return TimeSpan.FromSeconds(seconds);
        throw new Diagnostics.ModelRefsException(Diagnostics.RestoreDiagnostics.InvalidProperty,
            $"{setting.Property}='{text}' is not a positive number of seconds up to {MaxSeconds:0} (49 days). Fix or remove it in the project.");
    }
}
