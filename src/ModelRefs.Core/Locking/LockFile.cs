namespace ModelRefs.Core.Locking;

/// <summary>
/// <c>models.lock.json</c>: what every model of a project resolved to, so that restores are
/// reproducible and reviewable. Keyed by handle; see <see cref="LockFileFormat"/> for the bytes.
/// </summary>
public sealed record LockFile(IReadOnlyDictionary<string, LockedModel> Models)
{
    public const int CurrentVersion = 1;
    public const string FileName = "models.lock.json";

    public static LockFile Empty { get; } = new(new Dictionary<string, LockedModel>(StringComparer.Ordinal));

    public LockedModel? Find(string handle) => Models.TryGetValue(handle, out var model) ? model : null;
}

/// <summary>
/// One model's immutable resolution.
/// </summary>
/// <param name="Resolved">Exact version, commit or final URL (e.g. an npm tarball URL + <c>#path</c>).</param>
/// <param name="Sha256">SHA-256 of the fetched artifact.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="OnnxSha256">SHA-256 of the ONNX file that runs (the artifact itself when no converter ran).</param>
/// <param name="License">SPDX expression, or null when unknown.</param>
/// <param name="LicenseSource">Where the licence was read (npm, metadata, …).</param>
/// <param name="Converter">Converter identity and version when one ran, else null.</param>
public sealed record LockedModel(
    string Resolved,
    string Sha256,
    long Size,
    string OnnxSha256,
    string? License,
    string? LicenseSource,
    string? Converter)
{
    /// <summary>
    /// The model's external data files (weights beside the .onnx file), by their <c>external_data</c>
    /// location, each pinned like the model; empty for a model that has none (then the lock has no
    /// <c>externalData</c> key at all).
    /// </summary>
    public IReadOnlyDictionary<string, LockedFile> ExternalData { get; init; } = NoExternalData;

    private static readonly IReadOnlyDictionary<string, LockedFile> NoExternalData = new SortedDictionary<string, LockedFile>(StringComparer.Ordinal);

    // Value equality over the external data too (a record would compare the dictionaries by reference).
    public bool Equals(LockedModel? other) =>
        other is not null && Resolved == other.Resolved && Sha256 == other.Sha256 && Size == other.Size && OnnxSha256 == other.OnnxSha256
        && License == other.License && LicenseSource == other.LicenseSource && Converter == other.Converter
        && ExternalData.Count == other.ExternalData.Count
        && ExternalData.All(f => other.ExternalData.TryGetValue(f.Key, out var o) && o == f.Value);

    public override int GetHashCode() => HashCode.Combine(Resolved, Sha256, Size, OnnxSha256, License, LicenseSource, Converter, ExternalData.Count);

    /// <summary>
    /// Whether two recorded licences are the same licence. Locks written before the licence table
    /// used <c>LicenseRef-</c> names for licences SPDX does not list say <c>llama2</c> or
    /// <c>OpenRAIL</c> where restore now records <c>LicenseRef-Llama-2-Community</c> or
    /// <c>LicenseRef-OpenRAIL</c>: both parse to the same canonical expression, so a locked restore
    /// does not take the new spelling for a change of licence.
    /// </summary>
    internal static bool SameLicense(string? locked, string? now) =>
        string.Equals(locked, now, StringComparison.Ordinal)
        || (locked is not null && now is not null
            && Licensing.LicenseExpression.TryParse(locked, out var before) && Licensing.LicenseExpression.TryParse(now, out var after)
            && before!.Equals(after));

    /// <summary>Why <paramref name="now"/> differs from this entry, in words for an error message; null when equal.</summary>
    public string? DescribeChange(LockedModel now)
    {
        var changes = new List<string>();
        if (!string.Equals(Sha256, now.Sha256, StringComparison.Ordinal))
            changes.Add($"its SHA-256 would change from {Sha256} to {now.Sha256}");
        else if (Size != now.Size)
            changes.Add($"its size would change from {Size} to {now.Size} bytes");
        if (!string.Equals(OnnxSha256, now.OnnxSha256, StringComparison.Ordinal) && !string.Equals(Sha256, OnnxSha256, StringComparison.Ordinal))
            changes.Add($"its ONNX SHA-256 would change from {OnnxSha256} to {now.OnnxSha256}");
        if (!string.Equals(Resolved, now.Resolved, StringComparison.Ordinal))
            changes.Add($"it would resolve to {now.Resolved} instead of {Resolved}");
        if (!SameLicense(License, now.License) || !string.Equals(LicenseSource, now.LicenseSource, StringComparison.Ordinal))
            changes.Add($"its licence would change from {License ?? "unknown"} ({LicenseSource ?? "no source"}) to {now.License ?? "unknown"} ({now.LicenseSource ?? "no source"})");
        if (!string.Equals(Converter, now.Converter, StringComparison.Ordinal))
            changes.Add($"its converter would change from {Converter ?? "none"} to {now.Converter ?? "none"}");
        foreach (var (location, file) in ExternalData.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!now.ExternalData.TryGetValue(location, out var other))
                changes.Add($"it would no longer have the external data file '{location}'");
            else if (!string.Equals(file.Sha256, other.Sha256, StringComparison.Ordinal))
                changes.Add($"its external data file '{location}' would change from SHA-256 {file.Sha256} to {other.Sha256}");
            else if (file.Size != other.Size)
                changes.Add($"its external data file '{location}' would change from {file.Size} to {other.Size} bytes");
        }
        foreach (var location in now.ExternalData.Keys.Where(l => !ExternalData.ContainsKey(l)).Order(StringComparer.Ordinal))
            changes.Add($"it would get the external data file '{location}'");
        return changes.Count == 0 ? null : string.Join("; ", changes);
    }
}

/// <summary>One more file of a model (an external data file), pinned by content.</summary>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record LockedFile(string Sha256, long Size);
