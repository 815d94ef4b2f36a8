namespace ModelRefs.Core.Manifests;

/// <summary>
/// What restore tells the compiler about one model (docs/design/manifest.md). The generator and
/// the analyzer read nothing else, so everything they need is here.
/// </summary>
public sealed record ModelManifest
{
    public const int SchemaVersion = ModelRefs.Shared.Manifest.ManifestKeys.SchemaVersion;

    public required string Name { get; init; }
    public required string Namespace { get; init; }
    public required string Handle { get; init; }
    public string? Resolved { get; init; }
    public required string Sha256 { get; init; }
    public required string OnnxSha256 { get; init; }
    public string? License { get; init; }
    public string? LicenseSource { get; init; }

    /// <summary>Where the licence came from, in words (<see cref="Restore.RestoredLicense.Provenance"/>); null when unknown.</summary>
    public string? LicenseProvenance { get; init; }

    /// <summary>The licence as the item or the source declared it, before normalisation.</summary>
    public string? LicenseDeclared { get; init; }

    /// <summary>The item's AcceptLicense ids.</summary>
    public IReadOnlyList<string> AcceptLicense { get; init; } = [];

    /// <summary>Author or copyright text from the source, for the notices file.</summary>
    public string? Attribution { get; init; }
    public required string ModelFile { get; init; }
    public string? EmbeddedResource { get; init; }
    public string? ProjectFile { get; init; }
    public int ItemLine { get; init; }
    public string? Description { get; init; }
    public string? Producer { get; init; }
    public long IrVersion { get; init; }
    public IReadOnlyList<(string Domain, long Version)> Opsets { get; init; } = [];
    public IReadOnlyList<(string Key, string Value)> Metadata { get; init; } = [];
    public IReadOnlyList<ManifestValue> Inputs { get; init; } = [];
    public IReadOnlyList<ManifestValue> Outputs { get; init; } = [];

    /// <summary>The item's <c>InputNames</c>/<c>OutputNames</c> (comma-separated, positional): the generated members' names, "" to keep the default; checked by the generator (MR2004).</summary>
    public IReadOnlyList<string> InputNames { get; init; } = [];
    public IReadOnlyList<string> OutputNames { get; init; } = [];
}

/// <summary>An input or output: kind, element type (ONNX spelling) and shape (null: rank unknown).</summary>
/// <remarks><see cref="Type"/>: the whole ONNX type (<c>seq(map(int64,tensor(float)))</c>, <c>tensor(float)</c>), written as the manifest's <c>type</c>.</remarks>
public sealed record ManifestValue(string Name, string Kind, string ElementType, IReadOnlyList<ManifestDimension>? Shape, string? Doc, string? Type = null);

/// <summary>A dimension: fixed (Value), symbolic (Param), or unknown (both null).</summary>
public sealed record ManifestDimension(long? Value, string? Param);
