using System.Globalization;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Archives;

/// <summary>The properties that raise (or lower) the <see cref="ArchiveLimits"/> of every archive restore reads.</summary>
public static class ArchiveSettings
{
    public static readonly Setting MaxEntries = new("ModelRefsArchiveMaxEntries", "entries one archive may hold; default 100000");
    public static readonly Setting MaxFileBytes = new("ModelRefsArchiveMaxFileBytes", "bytes one archive entry may unpack to (a number, or with KB, MB, GB, TB); default 16GB");
    public static readonly Setting MaxTotalBytes = new("ModelRefsArchiveMaxTotalBytes", "bytes one archive may unpack to in all (a number, or with KB, MB, GB, TB); default 32GB");
    public static readonly Setting MaxExpansionRatio = new("ModelRefsArchiveMaxExpansionRatio", "unpacked bytes per compressed byte, checked after the first 64 MB; default 100");

    public static IReadOnlyList<Setting> All { get; } = [MaxEntries, MaxFileBytes, MaxTotalBytes, MaxExpansionRatio];

    /// <summary>The limits the settings give; <see cref="ArchiveLimits.Default"/> for those not set. MR0014 for a value that is not a number.</summary>
    public static ArchiveLimits Limits(SettingValues settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var defaults = ArchiveLimits.Default;
        return new ArchiveLimits
        {
            MaxEntries = (int)Math.Min(int.MaxValue, Read(settings, MaxEntries, allowUnits: false) ?? defaults.MaxEntries),
            MaxEntryBytes = Read(settings, MaxFileBytes, allowUnits: true) ?? defaults.MaxEntryBytes,
            MaxTotalBytes = Read(settings, MaxTotalBytes, allowUnits: true) ?? defaults.MaxTotalBytes,
            MaxExpansionRatio = (int)Math.Min(int.MaxValue, Read(settings, MaxExpansionRatio, allowUnits: false) ?? defaults.MaxExpansionRatio),
        };
    }

    private static long? Read(SettingValues settings, Setting setting, bool allowUnits)
    {
        if (settings.Get(setting) is not { } text)
            return null;
        var number = text.Trim();
        long multiplier = 1;
        if (allowUnits)
            foreach (var (suffix, factor) in Units)
                if (number.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    number = number[..^suffix.Length].TrimEnd();
                    multiplier = factor;
                    break;
                }
        if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= long.MaxValue / multiplier)
            return value * multiplier;
        throw new ModelRefsException(RestoreDiagnostics.InvalidProperty,
            $"{setting.Property}='{text}' is not a positive whole number{(allowUnits ? " of bytes (units KB, MB, GB, TB allowed, e.g. 20GB)" : "")}. Fix or remove it in the project.");
    }

    // Binary units, longest first so that "GB" is not read as "B".
    private static readonly (string Suffix, long Factor)[] Units = [("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1)];
}
