using ModelRefs.Core.Licensing;

namespace ModelRefs.Core.Sources.HuggingFace;

/// <summary>A model card's licence as this source reports it.</summary>
/// <param name="Expression">What restore records: an id of the licence table, an SPDX expression or a <c>LicenseRef-</c> name.</param>
/// <param name="Link">The card's <c>license_link</c> (for <c>license: other</c>), carried into the notices.</param>
public sealed record HuggingFaceLicense(string Expression, string? Link);

/// <summary>
/// The Hub's licence ids (lower-case, from its fixed list: <c>apache-2.0</c>, <c>cc-by-nc-4.0</c>,
/// <c>openrail++</c>, <c>llama3.1</c>, <c>gemma</c>, <c>other</c>, …) → what restore records. The
/// licence table (<see cref="LicenseCatalog"/>) owns ids and categories: an id it knows is written
/// in its canonical spelling (the SPDX id where SPDX lists the licence, <c>apache-2.0</c> →
/// <c>Apache-2.0</c>; else the table's <c>LicenseRef-</c> name, <c>openrail</c> →
/// <c>LicenseRef-OpenRAIL</c>, <c>llama3.1</c> → <c>LicenseRef-Llama-3.1-Community</c>, classified
/// use-restricted), so what is recorded is always a valid SPDX expression; an id it does not know
/// becomes <c>LicenseRef-&lt;id&gt;</c> (unknown). <c>other</c> names its licence in <c>license_name</c>
/// (a table id, else <c>LicenseRef-&lt;name&gt;</c>, unknown) and links it in <c>license_link</c>.
/// </summary>
public static class HuggingFaceLicenses
{
    /// <summary>The card's licence; null when the card states none. Several licences (a YAML list) all apply (AND).</summary>
    public static HuggingFaceLicense? Map(IReadOnlyList<string> licenses, string? licenseName, string? licenseLink, LicenseCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(licenses);
        catalog ??= LicenseCatalog.Default;
        var terms = licenses.Select(l => l.Trim()).Where(l => l.Length > 0)
            .Select(l => Term(l, licenseName, catalog)).Distinct(StringComparer.Ordinal).ToList();
        if (terms.Count == 0)
            return null;
        var expression = terms.Count == 1 ? terms[0] : string.Join(" AND ", terms);
        var link = licenses.Any(IsOther) && !string.IsNullOrWhiteSpace(licenseLink) ? licenseLink.Trim() : null;
        return new HuggingFaceLicense(expression, link);
    }

    private static bool IsOther(string id) => string.Equals(id.Trim(), "other", StringComparison.OrdinalIgnoreCase);

    private static string Term(string id, string? licenseName, LicenseCatalog catalog)
    {
        if (IsOther(id))
        {
            if (string.IsNullOrWhiteSpace(licenseName))
                return "LicenseRef-other";
            return catalog.Find(licenseName) is { } named && !IsOther(named.Id) ? Canonical(named, catalog) : "LicenseRef-" + RefName(licenseName);
        }
        return catalog.Find(id) is { } entry ? Canonical(entry, catalog) : "LicenseRef-" + RefName(id);
    }

    private static string Canonical(LicenseCatalogEntry entry, LicenseCatalog catalog) =>
        entry.ReplacedBy is { } replacement ? catalog.Find(replacement)?.Id ?? replacement : entry.Id;

    // SPDX's idstring: letters, digits, '.' and '-'.
    private static string RefName(string name)
    {
        var chars = name.Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : c == '+' ? 'p' : '-').ToArray();
        var text = new string(chars).Trim('-');
        while (text.Contains("--", StringComparison.Ordinal))
            text = text.Replace("--", "-", StringComparison.Ordinal);
        return text.Length == 0 ? "other" : text;
    }
}
