namespace ModelRefs.Core.Restore;

/// <summary>
/// One <c>&lt;ModelReference&gt;</c> item as the build declared it: the handle, the metadata the
/// contract names, and where it was declared (for diagnostics).
/// </summary>
public sealed record ModelReference(string Include, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The item's line in the project file, 0 when unknown.</summary>
    public int Line { get; init; }

    public string? GetMetadata(string name) =>
        Metadata.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public string? Name => GetMetadata("Name");
    public string? Namespace => GetMetadata("Namespace");
    public string? Sha256 => GetMetadata("Sha256");
    public string? License => GetMetadata("License");
    public string? AcceptLicense => GetMetadata("AcceptLicense");
    public string? EmbedText => GetMetadata("Embed");
}
