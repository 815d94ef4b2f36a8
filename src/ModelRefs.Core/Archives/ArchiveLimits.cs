namespace ModelRefs.Core.Archives;

/// <summary>
/// The one set of limits against archive bombs, for every archive kind (npm tarballs, TF Hub
/// tar.gz, GitHub zipballs, …), counted as bytes are read, not as the archive declares them
/// (<see cref="ArchiveBudget"/>). The defaults fit the largest real models with room to spare;
/// each has a property to raise it (<see cref="ArchiveSettings"/>).
/// </summary>
public sealed record ArchiveLimits
{
    public static ArchiveLimits Default { get; } = new();

    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Bytes one entry may unpack to.</summary>
    public long MaxEntryBytes { get; init; } = 16L << 30;

    /// <summary>Bytes all entries read from one archive may unpack to.</summary>
    public long MaxTotalBytes { get; init; } = 32L << 30;

    /// <summary>
    /// Unpacked bytes per compressed byte read so far, checked once <see cref="RatioGraceBytes"/>
    /// have been unpacked. Model weights barely compress; a bomb's ratio is in the thousands.
    /// </summary>
    public int MaxExpansionRatio { get; init; } = 100;

    /// <summary>What may unpack before the ratio counts: small archives of text compress well and harm no one.</summary>
    public long RatioGraceBytes { get; init; } = 64L << 20;
}
