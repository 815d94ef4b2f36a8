using System.Net;
using System.Text.Json;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Npm;

public sealed partial class NpmModelSource
{
    /// <summary>
    /// The packument (<c>GET {registry}/{name}</c>): its <c>versions</c> newer than the handle's by
    /// semver precedence (prereleases only when the handle's version is one) and its
    /// <c>dist-tags.latest</c>.
    /// </summary>
    public async Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        var npm = (NpmModelHandle)handle;
        var registry = RegistryUri(npm, NpmSettings.ResolveRegistry(context.Settings));
        var url = new Uri(registry, npm.EncodedPackageName);
        using var document = await Downloads.GetJsonAsync(npm, context, url,
            status => status == HttpStatusCode.NotFound ? PackageNotFound(npm, registry) : null,
            e => BadDocument(npm, url, "it is not JSON", e), cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Object)
            throw BadDocument(npm, url, "it has no versions object", null);
        var latest = root.TryGetProperty("dist-tags", out var tags) && tags.ValueKind == JsonValueKind.Object ? String(tags, "latest") : null;

        var current = NpmVersion.Parse(npm.Version)!;
        var newer = versions.EnumerateObject()
            .Select(v => NpmVersion.Parse(v.Name))
            .OfType<NpmVersion>()
            .Where(v => v.CompareTo(current) > 0 && (!v.IsPrerelease || current.IsPrerelease))
            .Order()
            .Select(v => v.Text)
            .ToList();
        return new ModelVersions(npm.Version, latest, newer);
    }

    /// <summary>The same package file at another exact version.</summary>
    public ModelHandle WithVersion(ModelHandle handle, string version)
    {
        var npm = (NpmModelHandle)handle;
        var text = $"npm:{npm.PackageName}@{version}/{npm.PathInPackage}";
        return NpmModelHandle.Create(text, text["npm:".Length..]);
    }
}

/// <summary>A semantic version (2.0.0) ordered by precedence: build metadata ignored, prereleases before their release.</summary>
internal sealed record NpmVersion(int Major, int Minor, int Patch, IReadOnlyList<string> Prerelease, string Text) : IComparable<NpmVersion>
{
    public bool IsPrerelease => Prerelease.Count > 0;

    public static NpmVersion? Parse(string text)
    {
        var value = text.Trim().TrimStart('v', '=');
        var plus = value.IndexOf('+');
        if (plus >= 0)
            value = value[..plus];
        var dash = value.IndexOf('-');
        var core = (dash < 0 ? value : value[..dash]).Split('.');
        var pre = dash < 0 ? [] : value[(dash + 1)..].Split('.');
        if (core.Length != 3 || !int.TryParse(core[0], out var major) || !int.TryParse(core[1], out var minor) || !int.TryParse(core[2], out var patch)
            || pre.Any(p => p.Length == 0))
            return null;
        return new NpmVersion(major, minor, patch, pre, text.Trim());
    }

    public int CompareTo(NpmVersion? other)
    {
        if (other is null)
            return 1;
        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0)
            return c;
        if (IsPrerelease != other.IsPrerelease)
            return IsPrerelease ? -1 : 1;
        for (var i = 0; i < Math.Min(Prerelease.Count, other.Prerelease.Count); i++)
        {
            var (a, b) = (Prerelease[i], other.Prerelease[i]);
            var aNumeric = int.TryParse(a, out var an);
            var bNumeric = int.TryParse(b, out var bn);
            c = aNumeric && bNumeric ? an.CompareTo(bn) : aNumeric ? -1 : bNumeric ? 1 : string.CompareOrdinal(a, b);
            if (c != 0)
                return c;
        }
        return Prerelease.Count.CompareTo(other.Prerelease.Count);
    }
}
