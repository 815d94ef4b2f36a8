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

        var current = SemanticVersion.Parse(npm.Version)!;
        var newer = versions.EnumerateObject()
            .Select(v => SemanticVersion.Parse(v.Name))
            .OfType<SemanticVersion>()
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
