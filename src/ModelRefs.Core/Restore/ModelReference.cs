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

    /// <summary><c>InputNames="image,,rate"</c>: the generated members of the inputs by position, empty to keep a default (the generator checks them).</summary>
    public IReadOnlyList<string> InputNames => SplitNames(GetMetadata("InputNames"));

    /// <summary>The same for the outputs (<c>OutputNames</c>).</summary>
    public IReadOnlyList<string> OutputNames => SplitNames(GetMetadata("OutputNames"));

    private static IReadOnlyList<string> SplitNames(string? list) =>
        list is null ? [] : list.Split(',').Select(n => n.Trim()).ToArray();
    public string? EmbedText => GetMetadata("Embed");
}
