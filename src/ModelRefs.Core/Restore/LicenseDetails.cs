using ModelRefs.Core.Caching;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Restore;

/// <summary>
/// What a source said about a remote model's licence (declared value, licence file text,
/// attribution), remembered in the cache under its resolution. A locked model whose content is
/// cached restores without asking its source; this keeps its notices the same as the first time.
/// </summary>
internal static class LicenseDetails
{
    private static string Key(string resolved) => "license-details|" + resolved;

    public static void Remember(ModelCache cache, FetchedArtifact artifact)
    {
        if (artifact.License is null && artifact.LicenseText is null && artifact.Attribution is null)
            return;
        var details = new CacheRef(Key(artifact.Resolved), artifact.Sha256, artifact.Resolved, artifact.License, artifact.LicenseSource)
        {
            LicenseText = artifact.LicenseText,
            Attribution = artifact.Attribution,
        };
        if (cache.TryGetRef(details.Key) != details)
            cache.SetRef(details);
    }

    /// <summary>The remembered details of a locked model's content (licence text, attribution), when there are any.</summary>
    public static CacheRef? Find(ModelCache cache, LockedModel pinned) =>
        cache.TryGetRef(Key(pinned.Resolved)) is { } details && details.Sha256 == pinned.Sha256 ? details : null;

    /// <summary>The artifact of a locked, cached model: the lock's licence, with the remembered details when they are of this content.</summary>
    public static FetchedArtifact Recall(ModelCache cache, LockedModel pinned, string blob)
    {
        if (cache.TryGetRef(Key(pinned.Resolved)) is { } details && details.Sha256 == pinned.Sha256)
            return new FetchedArtifact(blob, pinned.Sha256, pinned.Resolved, details.License, details.LicenseSource)
            {
                LicenseText = details.LicenseText,
                Attribution = details.Attribution,
            };
        return new FetchedArtifact(blob, pinned.Sha256, pinned.Resolved, pinned.License, pinned.LicenseSource);
    }
}
