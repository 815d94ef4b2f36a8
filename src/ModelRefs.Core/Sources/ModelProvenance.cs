namespace ModelRefs.Core.Sources;

/// <summary>Where a locked model comes from, in the terms of software bills of materials.</summary>
/// <param name="Version">The version or revision (npm version, commit, TF Hub version); null when the source has none.</param>
/// <param name="PackageUrl">The purl (<c>pkg:npm/…</c>, <c>pkg:github/…</c>) where the source has a purl type; else null.</param>
/// <param name="DistributionUrl">The http(s) URL the artifact was downloaded from; null for local files and non-URL resolutions.</param>
public sealed record ModelProvenance(string? Version, string? PackageUrl, string? DistributionUrl)
{
    /// <summary>The value when it is an absolute http or https URL (without its fragment), else null.</summary>
    public static string? HttpUrlOrNull(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            return null;
        return uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.Fragment, UriFormat.UriEscaped);
    }
}
