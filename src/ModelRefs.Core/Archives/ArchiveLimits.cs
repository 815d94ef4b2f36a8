namespace ModelRefs.Core.Archives;

/// <summary>Limits against archive bombs, counted as bytes are written, not as the archive declares them.</summary>
public record ArchiveLimits
{
    public int MaxEntries { get; init; } = 50_000;

    /// <summary>Bytes written over all entries.</summary>
    public long MaxTotalBytes { get; init; } = 2L << 30;

    public long MaxEntryBytes { get; init; } = 1L << 30;
}
