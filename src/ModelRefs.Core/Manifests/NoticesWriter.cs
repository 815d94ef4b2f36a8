using System.Text;
using ModelRefs.Core.Licensing;

namespace ModelRefs.Core.Manifests;

/// <summary>
/// Writes the third-party notices file for a project's models: one section per model with its
/// name, handle, resolved source, licence and category, and the attribution or copyright text the
/// source gave. The build deploys it next to the app and into the publish folder.
/// </summary>
public static class NoticesWriter
{
    public const string FileName = "THIRD-PARTY-NOTICES.models.txt";

    public static string Format(IEnumerable<ModelManifest> models)
    {
        var text = new StringBuilder();
        text.Append("Third-party notices for the machine-learning models in this application\n");
        text.Append("=========================================================================\n\n");
        text.Append("Written by ModelRefs from each model's declared licence. Where a licence requires it,\n");
        text.Append("ship this file, and the text of each licence listed, with the application.\n");
        foreach (var m in models.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            text.Append('\n').Append(m.Name).Append('\n').Append(new string('-', m.Name.Length)).Append('\n');
            text.Append("Model:    ").Append(m.Handle).Append('\n');
            if (m.Resolved != null && m.Resolved != m.Handle)
                text.Append("Source:   ").Append(m.Resolved).Append('\n');
            text.Append("SHA-256:  ").Append(m.Sha256).Append('\n');
            text.Append("Licence:  ").Append(DescribeLicense(m)).Append('\n');
            if (!string.IsNullOrWhiteSpace(m.Attribution))
            {
                text.Append("Attribution:\n");
                foreach (var line in m.Attribution.Split('\n'))
                    text.Append("  ").Append(line.TrimEnd()).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>Writes the file unless it already holds exactly this text. Returns true when written.</summary>
    public static bool WriteIfChanged(string path, IEnumerable<ModelManifest> models)
    {
        var bytes = Encoding.UTF8.GetBytes(Format(models));
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            return false;
        IO.AtomicFile.WriteAllBytes(path, bytes, durable: false);
        return true;
    }

    private static string DescribeLicense(ModelManifest m)
    {
        var from = m.LicenseProvenance is not null ? "; " + m.LicenseProvenance : m.LicenseSource is null ? "" : "; from " + m.LicenseSource;
        if (m.License is null)
            return m.LicenseDeclared is null
                ? "unknown (the model states no licence)"
                : $"unknown (declared as '{m.LicenseDeclared}', which is not a licence ModelRefs can read{from})";
        var category = LicenseExpression.TryParse(m.License, out var expression)
            ? LicenseCatalog.Default.Summarize(expression)
            : LicenseCategory.Unknown;
        return $"{m.License} ({CategoryWords(category)}{from})";
    }

    private static string CategoryWords(LicenseCategory category) => category switch
    {
        LicenseCategory.PublicDomain => "public domain",
        LicenseCategory.Permissive => "permissive",
        LicenseCategory.WeakCopyleft => "weak copyleft",
        LicenseCategory.StrongCopyleft => "strong copyleft",
        LicenseCategory.NetworkCopyleft => "network copyleft",
        LicenseCategory.NoDerivatives => "no derivatives",
        LicenseCategory.UseRestricted => "use-restricted",
        LicenseCategory.NonCommercial => "non-commercial",
        LicenseCategory.Proprietary => "proprietary",
        _ => "unknown licence",
    };
}
