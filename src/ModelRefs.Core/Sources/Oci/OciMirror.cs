using System.Text;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Restore;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>
/// A team's OCI registry as a mirror of every locked model (docs/oci.md, "Mirrors"). <c>modelref
/// mirror</c> pushes each lock entry as a ModelPack artifact (the ONNX file, its external data, the
/// original a converter read, the licence text) to
/// <c>&lt;prefix&gt;/&lt;scheme&gt;/&lt;slug of the handle&gt;:sha256-&lt;ONNX SHA-256&gt;</c>; restores with
/// <c>ModelRefsMirror</c> look there first and take the layers whose digests are the lock's hashes,
/// so a mirror can serve only what the lock pins, and the lock never changes when it does.
/// </summary>
public static class OciMirror
{
    public static readonly Setting Mirror = new("ModelRefsMirror",
        "oci://<registry>/<prefix>: restores try this OCI mirror first for every locked model (by the lock's hashes), then the model's hub");

    public static readonly Setting MirrorOnly = new("ModelRefsMirrorOnly",
        "true: never contact a hub; locked models come from the cache or the ModelRefsMirror registry only (MR0069 when it lacks one)");

    private const int MaxSlugLength = 100;

    /// <summary>The mirror's registry and repository prefix of <c>oci://&lt;registry&gt;/&lt;prefix&gt;</c>; MR0014 when it is not one.</summary>
    public static (string Registry, string Prefix) ParsePrefix(string text, string what = "ModelRefsMirror")
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim().TrimEnd('/');
        var rest = trimmed.StartsWith("oci://", StringComparison.OrdinalIgnoreCase) ? trimmed[6..]
            : trimmed.StartsWith("oci:", StringComparison.OrdinalIgnoreCase) ? trimmed[4..] : trimmed;
        var slash = rest.IndexOf('/');
        // The probe handle checks the registry and the prefix with the handle's own grammar.
        if (slash > 0)
        {
            try
            {
                var probe = OciModelHandle.Create(text, rest + "/x:probe");
                return (probe.Registry, probe.Repository[..^2]);
            }
            catch (ModelRefsException)
            {
            }
        }
        throw new ModelRefsException(RestoreDiagnostics.InvalidProperty,
            $"{what}='{text}' is not an OCI repository prefix: write oci://<registry>/<prefix>, e.g. oci://registry.example.com/modelrefs-mirror (lower-case letters, digits, '.', '_', '-', '/').");
    }

    /// <summary>
    /// Where a lock entry lives in a mirror: repository <c>&lt;prefix&gt;/&lt;scheme&gt;/&lt;slug&gt;</c>, the slug
    /// being the handle after its scheme, lower-case, each run of other characters than a–z and 0–9
    /// made one '-', at most 100 characters; tag <c>sha256-&lt;ONNX SHA-256&gt;</c>. Two handles with one
    /// slug share a repository, never a tag of other content.
    /// </summary>
    public static OciModelHandle Location(string registry, string prefix, ModelHandle handle, LockedModel locked)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(locked);
        var text = handle.Text;
        var rest = text.StartsWith(handle.Scheme + ":", StringComparison.OrdinalIgnoreCase) ? text[(handle.Scheme.Length + 1)..] : text;
        var slug = new StringBuilder();
        foreach (var c in rest.ToLowerInvariant())
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
                slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        var s = slug.ToString();
        if (s.Length > MaxSlugLength)
            s = s[..MaxSlugLength];
        s = s.Trim('-');
        var scheme = new string(handle.Scheme.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return OciModelHandle.Create("oci", $"{registry}/{prefix}/{(scheme.Length == 0 ? "model" : scheme)}/{(s.Length == 0 ? "model" : s)}:sha256-{locked.OnnxSha256}");
    }

    /// <summary>
    /// Called by restore before a locked model's source: the model from the cache or the mirror, by the
    /// lock's hashes, or null when no mirror is set or it lacks the model (then the source fetches it).
    /// With <see cref="MirrorOnly"/> a model the mirror cannot serve is MR0069 instead.
    /// </summary>
    /// <param name="itemLicense">The item's License metadata: a lock entry whose licence came from metadata the item no longer has is the hub's to answer (unless MirrorOnly).</param>
    public static async Task<FetchedArtifact?> TryFetchAsync(ModelHandle handle, LockedModel? pinned, string? itemSha256, string? itemLicense, FetchContext context,
        CancellationToken cancellationToken, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(context);
        if (handle.IsLocalFile)
            return null;
        bool only;
        try
        {
            only = context.Settings.GetBool(MirrorOnly);
        }
        catch (FormatException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.InvalidProperty, e.Message + " Fix or remove it in the project.", e);
        }
        var mirror = context.Settings.Get(Mirror);
        if (mirror is null && !only)
            return null;
        if (pinned is null || (itemSha256 is not null && itemSha256 != pinned.Sha256))
            return only ? throw Missing(handle, mirror, pinned is null
                ? "it has no entry in models.lock.json, so there is no hash to look it up by"
                : $"its Sha256 metadata ({itemSha256}) is not the content the lock pins ({pinned.Sha256})") : null;

        if (!only && pinned.LicenseSource == RestoredLicense.MetadataSource && itemLicense is null)
            return null;
        var cache = context.Cache;
        if (FromCache(cache, pinned) is { } cached)
        {
            context.Log($"{handle.Text}: every file the lock pins is in the cache; no hub, no mirror");
            return cached;
        }
        if (mirror is null)
            throw Missing(handle, null, "ModelRefsMirror is not set, and the cache does not hold the files the lock pins");
        if (context.Offline)
            return null; // the offline rules (MR0006) apply as for any source
        var (registry, prefix) = ParsePrefix(mirror);
        var location = Location(registry, prefix, handle, pinned);
        try
        {
            var client = OciRegistryClient.Create(location, context, environment ?? Environment.GetEnvironmentVariable);
            var (bytes, mediaType, _) = await client.GetManifestAsync(location.Tag!, cancellationToken).ConfigureAwait(false);
            var manifest = OciManifest.Parse(bytes, mediaType);
            var wanted = new List<string> { pinned.OnnxSha256, pinned.Sha256 };
            wanted.AddRange(pinned.ExternalData.Values.Select(f => f.Sha256));
            foreach (var sha256 in wanted.Distinct(StringComparer.Ordinal))
            {
                if (cache.TryGetBlob(sha256) is not null)
                    continue;
                var layer = manifest.Layers.FirstOrDefault(l => l.Digest == "sha256:" + sha256)
                    ?? throw new MirrorMissException($"its artifact {location.Text} has no layer with the SHA-256 {sha256} the lock pins");
                await client.GetBlobAsync(layer, cancellationToken).ConfigureAwait(false);
            }
            var license = manifest.Layers.FirstOrDefault(l => l.Annotation(OciMediaTypes.FilePathAnnotation) == "LICENSE" && l.Size <= 1 << 20);
            string? licenseText = null;
            if (license is not null && LicenseDetails.Find(cache, pinned) is null)
                licenseText = await File.ReadAllTextAsync((await client.GetBlobAsync(license, cancellationToken).ConfigureAwait(false)).Path, cancellationToken).ConfigureAwait(false);
            context.Log($"{handle.Text}: from the mirror {location.Text}");
            var fetched = FromCache(cache, pinned) ?? throw new MirrorMissException("its files were fetched, but the cache does not hold them");
            return licenseText is null ? fetched : fetched with { LicenseText = licenseText };
        }
        catch (Exception e) when (e is ModelRefsException or MirrorMissException or FormatException or HttpRequestException or IOException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = e is ModelRefsException m ? $"{m.Diagnostic.Id}: {m.Message}" : e.Message;
            if (only)
                throw Missing(handle, mirror, $"the mirror did not serve it ({why})", e);
            context.Log($"{handle.Text}: not from the mirror ({why}); asking its hub");
            return null;
        }
    }

    /// <summary>The locked model from the cache alone: the artifact, the ONNX file a converter made from it, the external data files.</summary>
    private static FetchedArtifact? FromCache(ModelCache cache, LockedModel pinned)
    {
        if (cache.TryGetBlob(pinned.Sha256) is not { } artifact || pinned.ExternalData.Values.Any(f => cache.TryGetBlob(f.Sha256) is null))
            return null;
        var recalled = LicenseDetails.Recall(cache, pinned, artifact);
        if (pinned.OnnxSha256 == pinned.Sha256)
            return recalled;
        return cache.TryGetBlob(pinned.OnnxSha256) is { } onnx
            ? recalled with { OnnxPath = onnx, OnnxSha256 = pinned.OnnxSha256, Converter = pinned.Converter }
            : null;
    }

    private static ModelRefsException Missing(ModelHandle handle, string? mirror, string why, Exception? inner = null) =>
        new(RestoreDiagnostics.MirrorMissing,
            $"Model '{handle.Text}' is not in the cache, and ModelRefsMirrorOnly=true allows no hub: {why}. " +
            (mirror is null ? "Set ModelRefsMirror to the team's mirror (oci://<registry>/<prefix>)" : $"Mirror it to {mirror} with 'modelref mirror --to {mirror}' from a machine that restored it") +
            ", or restore without ModelRefsMirrorOnly.", inner);

    private sealed class MirrorMissException(string message) : Exception(message);
}
