using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelRefs.Core.Licensing;

/// <summary>Where a model's licence was read from.</summary>
public enum LicenseSource
{
    /// <summary>Nowhere: the model states no licence.</summary>
    None,

    /// <summary>The ModelReference item's License metadata (overrides the source).</summary>
    ItemMetadata,

    /// <summary>An npm package.json's license field.</summary>
    Npm,

    /// <summary>A hub's own metadata (TF Hub / Kaggle model metadata).</summary>
    HubMetadata,

    /// <summary>A LICENSE file recognised by its content (<see cref="LicenseTextRecognizer"/>).</summary>
    LicenseFile,

    /// <summary>A Hugging Face style model card's <c>license:</c> front matter.</summary>
    ModelCard,
}

/// <summary>
/// What restore records about a model's licence (lock file, manifest): the normalised SPDX
/// expression, where it came from, and a one-word summary.
/// </summary>
/// <param name="Expression">Canonical SPDX expression, or null when unknown or unreadable.</param>
/// <param name="Source">Where it was read from.</param>
/// <param name="Category">Summary: the friendliest alternative's most restrictive term (<see cref="LicenseCatalog.Summarize"/>).</param>
/// <param name="RawValue">The value as the source gave it (for messages), when it differs from <paramref name="Expression"/>.</param>
/// <param name="Confidence">For <see cref="LicenseSource.LicenseFile"/>: the recogniser's confidence.</param>
public sealed record LicenseInfo(
    string? Expression,
    LicenseSource Source,
    LicenseCategory Category,
    string? RawValue = null,
    double? Confidence = null)
{
    /// <summary>No licence stated anywhere.</summary>
    public static LicenseInfo None { get; } = new(null, LicenseSource.None, LicenseCategory.Unknown);

    /// <summary>True when an expression is known (it may still be of category Unknown, e.g. LicenseRef-…).</summary>
    public bool HasExpression => Expression is not null;

    /// <summary>The ids of the expression (empty when there is none).</summary>
    public IReadOnlyList<string> Ids =>
        Expression is not null && LicenseExpression.TryParse(Expression, out var parsed) ? parsed!.Ids : Array.Empty<string>();

    /// <summary>A declared value (item metadata, npm, hub metadata, model card): parsed, normalised and classified.</summary>
    public static LicenseInfo FromDeclared(string? value, LicenseSource source, LicenseCatalog? catalog = null)
    {
        catalog ??= LicenseCatalog.Default;
        if (string.IsNullOrWhiteSpace(value))
            return None;
        var trimmed = value!.Trim();
        if (!LicenseExpression.TryParse(trimmed, catalog, out var expression, out _))
            return new LicenseInfo(null, source, LicenseCategory.Unknown, trimmed);
        var normalized = expression!.ToString();
        return new LicenseInfo(normalized, source, catalog.Summarize(expression), normalized == trimmed ? null : trimmed);
    }

    /// <summary>A licence file's text, recognised by content; unrecognised text gives no expression.</summary>
    public static LicenseInfo FromLicenseText(string? text, LicenseCatalog? catalog = null)
    {
        catalog ??= LicenseCatalog.Default;
        var recognition = LicenseTextRecognizer.Recognize(text);
        if (!recognition.IsRecognized)
            return new LicenseInfo(null, LicenseSource.LicenseFile, LicenseCategory.Unknown, Confidence: recognition.Confidence);
        var info = FromDeclared(recognition.LicenseId, LicenseSource.LicenseFile, catalog);
        return info with { RawValue = null, Confidence = recognition.Confidence };
    }

    /// <summary>
    /// A model card (README.md with YAML front matter, as on Hugging Face): its <c>license:</c>
    /// value; for <c>license: other</c>, its <c>license_name:</c> (a catalog id, else
    /// <c>LicenseRef-&lt;name&gt;</c>). A list of licences is read as all applying (AND).
    /// </summary>
    public static LicenseInfo FromModelCard(string? markdown, LicenseCatalog? catalog = null)
    {
        catalog ??= LicenseCatalog.Default;
        var frontMatter = ReadFrontMatter(markdown);
        if (frontMatter is null || !frontMatter.TryGetValue("license", out var licenses) || licenses.Count == 0)
            return new LicenseInfo(null, LicenseSource.ModelCard, LicenseCategory.Unknown);

        var terms = new List<string>();
        foreach (var license in licenses)
        {
            if (string.Equals(license, "other", StringComparison.OrdinalIgnoreCase)
                && frontMatter.TryGetValue("license_name", out var names) && names.Count == 1)
            {
                var name = names[0];
                terms.Add(catalog.Find(name)?.Id ?? "LicenseRef-" + SanitizeRef(name));
            }
            else
                terms.Add(license);
        }
        var value = terms.Count == 1 ? terms[0] : string.Join(" AND ", terms.Select(t => "(" + t + ")"));
        return FromDeclared(value, LicenseSource.ModelCard, catalog);
    }

    private static string SanitizeRef(string name)
    {
        var chars = name.Trim().Select(c => char.IsLetterOrDigit(c) && c < 128 || c == '.' || c == '-' ? c : '-').ToArray();
        var result = new string(chars).Trim('-');
        return result.Length == 0 ? "other" : result;
    }

    // Just enough YAML for model-card front matter: top-level "key: value" and "key:" followed by
    // "- item" lines. Quotes are removed; everything else is ignored. Null when there is none.
    internal static Dictionary<string, List<string>>? ReadFrontMatter(string? markdown)
    {
        if (markdown is null)
            return null;
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var start = 0;
        while (start < lines.Length && lines[start].Trim().Length == 0)
            start++;
        if (start >= lines.Length || lines[start].Trim() != "---")
            return null;
        var result = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        List<string>? currentList = null;
        for (var i = start + 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed == "---" || trimmed == "...")
                return result;
            if (trimmed.Length == 0 || trimmed.StartsWith("#", StringComparison.Ordinal))
                continue;
            if (char.IsWhiteSpace(line[0]) || trimmed.StartsWith("- ", StringComparison.Ordinal))
            {
                if (currentList is not null && trimmed.StartsWith("- ", StringComparison.Ordinal))
                    currentList.Add(Unquote(trimmed.Substring(2)));
                continue;
            }
            var colon = trimmed.IndexOf(':');
            if (colon <= 0)
            {
                currentList = null;
                continue;
            }
            var key = trimmed.Substring(0, colon).Trim();
            var value = Unquote(trimmed.Substring(colon + 1));
            var values = new List<string>();
            if (value.StartsWith("[", StringComparison.Ordinal) && value.EndsWith("]", StringComparison.Ordinal))
                values.AddRange(value.Substring(1, value.Length - 2).Split(',').Select(Unquote).Where(v => v.Length > 0));
            else if (value.Length > 0)
                values.Add(value);
            result[key] = values;
            currentList = value.Length == 0 ? values : null;
        }
        return null; // no closing '---': not front matter
    }

    private static string Unquote(string value)
    {
        var v = value.Trim();
        var hash = v.IndexOf(" #", StringComparison.Ordinal);
        if (hash >= 0 && !(v.StartsWith("\"", StringComparison.Ordinal) || v.StartsWith("'", StringComparison.Ordinal)))
            v = v.Substring(0, hash).Trim();
        if (v.Length >= 2 && ((v[0] == '"' && v[v.Length - 1] == '"') || (v[0] == '\'' && v[v.Length - 1] == '\'')))
            v = v.Substring(1, v.Length - 2);
        return v.Trim();
    }
}
