using System.Net;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Https;

/// <summary>A plain download, streamed into the cache and verified against its pinned SHA-256.</summary>
public sealed class HttpsModelSource : IModelSource, IVersionedSource
{
    /// <summary>A URL names one file: there are no versions to compare.</summary>
    public Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ModelVersions.Unversioned("a URL has no versions; its Sha256 (or the lock) pins the content"));

    public ModelHandle WithVersion(ModelHandle handle, string version) =>
        throw ModelHandle.Invalid(handle.Text, "a URL has no versions. Write the URL of the other file as the Include.");

    public string Scheme => "https";

    public string HandleForms => "https://host/path/model.onnx";

    public IReadOnlyList<Setting> Settings => [];

    public ModelHandle? TryParse(HandleText include) =>
        include.Scheme is "https" or "http" ? HttpsModelHandle.Create(include.Text) : null;

    internal static string RefKey(HttpsModelHandle handle) => "https|" + handle.Text;

    public async Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        var https = (HttpsModelHandle)handle;
        var expected = context.ExpectedSha256(handle);
        var cache = context.Cache;
        var known = cache.TryGetRef(RefKey(https));

        // A pinned hash names the content: if the cache has it, the URL need not be asked again.
        if (expected is not null && cache.TryGetBlob(expected) is { } pinned)
        {
            context.Log($"{handle.Text}: SHA-256 {expected} is in the cache, no download");
            var resolved = known?.Sha256 == expected && known.Resolved is not null ? known.Resolved : handle.Text;
            return new FetchedArtifact(pinned, expected, resolved);
        }

        if (context.Offline)
        {
            // Unpinned and offline: the last download of this URL is the best answer there is.
            if (expected is null && known is not null && cache.TryGetBlob(known.Sha256) is { } last)
            {
                context.Log($"{handle.Text}: offline, using the cached download (SHA-256 {known.Sha256})");
                return new FetchedArtifact(last, known.Sha256, known.Resolved ?? handle.Text);
            }
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{handle.Text}': restore is offline (ModelRefsOffline) and " +
                (expected is null ? "this URL was never downloaded into the cache" : $"the cache has no content with SHA-256 {expected}") +
                $" ({cache.Root}). Restore once with the network (without ModelRefsOffline) to fill the cache.");
        }

        // One process downloads, the others wait here and then take it from the cache.
        var waitStarted = DateTime.UtcNow;
        var fetchLock = await context.AcquireFetchLockAsync(handle, RefKey(https), $"'{handle.Text}'", cancellationToken).ConfigureAwait(false);

        await using (fetchLock)
        {
            if (fetchLock.Waited)
            {
                if (expected is not null && cache.TryGetBlob(expected) is { } fetched)
                {
                    context.Log($"{handle.Text}: another restore downloaded it (SHA-256 {expected})");
                    var last = cache.TryGetRef(RefKey(https));
                    return new FetchedArtifact(fetched, expected, last?.Sha256 == expected && last.Resolved is not null ? last.Resolved : handle.Text);
                }
                if (expected is null && cache.TryGetRefWrittenSince(RefKey(https), waitStarted) is { } fresh && cache.TryGetBlob(fresh.Sha256) is { } freshPath)
                {
                    context.Log($"{handle.Text}: another restore just downloaded it (SHA-256 {fresh.Sha256})");
                    return new FetchedArtifact(freshPath, fresh.Sha256, fresh.Resolved ?? handle.Text);
                }
            }

            context.Log($"{handle.Text}: downloading");
            Uri finalUrl = https.Uri;
            CachedBlob blob;
            try
            {
                (blob, finalUrl) = await Downloads.DownloadToCacheAsync(handle, context, https.Uri,
                    new BlobAddOptions { ExpectedSha256 = expected }, cancellationToken).ConfigureAwait(false);
            }
            catch (ContentHashMismatchException e)
            {
                throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                    $"Model '{handle.Text}': the download from {handle.Text} has SHA-256 {e.ActualSha256}, expected {e.ExpectedSha256}; " +
                    "nothing was cached. The file on the server changed or was tampered with. If the new content is intended, " +
                    "update the Sha256 metadata or the models.lock.json entry (restore without locked mode rewrites the lock).", e);
            }

            var resolvedUrl = HttpsModelHandle.PublicUrl(finalUrl);
            cache.SetRef(new CacheRef(RefKey(https), blob.Sha256, resolvedUrl));
            context.Log($"{handle.Text}: downloaded {blob.Length} bytes, SHA-256 {blob.Sha256}");
            return new FetchedArtifact(blob.Path, blob.Sha256, resolvedUrl);
        }
    }

    /// <summary>
    /// Each file from the model URL's directory: the location resolved against the handle's URL (as a
    /// browser resolves a relative link; the query is not carried over), downloaded like a model,
    /// pinned by the lock's SHA-256 once there is one.
    /// </summary>
    public async Task<IReadOnlyList<ExternalDataFile>> FetchExternalDataAsync(ModelHandle handle, FetchedArtifact model, IReadOnlyList<ExternalDataRequest> files,
        FetchContext context, CancellationToken cancellationToken = default)
    {
        var https = (HttpsModelHandle)handle;
        var result = new List<ExternalDataFile>();
        foreach (var file in files)
            result.Add(await FetchBesideAsync(https, BesideModel(https.Uri, file.Location), file, context, cancellationToken).ConfigureAwait(false));
        return result;
    }

    /// <summary>The URL of <paramref name="location"/> in the directory of <paramref name="modelUrl"/>, each segment percent-encoded.</summary>
    internal static Uri BesideModel(Uri modelUrl, string location) =>
        new(modelUrl, string.Join('/', location.Split('/').Select(Uri.EscapeDataString)));

    private static async Task<ExternalDataFile> FetchBesideAsync(HttpsModelHandle https, Uri url, ExternalDataRequest file, FetchContext context, CancellationToken cancellationToken)
    {
        var cache = context.Cache;
        var key = "https|" + url.AbsoluteUri;
        ExternalDataFile Found(string path, string sha256) => new(file.Location, path, sha256, new FileInfo(path).Length);

        if (file.Sha256 is not null && cache.TryGetBlob(file.Sha256) is { } pinned)
            return Found(pinned, file.Sha256);
        if (context.Offline)
        {
            if (file.Sha256 is null && cache.TryGetRef(key) is { } known && cache.TryGetBlob(known.Sha256) is { } last)
                return Found(last, known.Sha256);
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{https.Text}': restore is offline (ModelRefsOffline) and its external data file '{file.Location}' ({Downloads.Redact(url)}) is not in the cache ({cache.Root}). " +
                "Restore once with the network (without ModelRefsOffline) to fill the cache.");
        }

        var fetchLock = await context.AcquireFetchLockAsync(https, key, $"'{https.Text}' ({file.Location})", cancellationToken).ConfigureAwait(false);
        await using (fetchLock)
        {
            if (fetchLock.Waited && file.Sha256 is not null && cache.TryGetBlob(file.Sha256) is { } fetched)
                return Found(fetched, file.Sha256);
            context.Log($"{https.Text}: downloading its external data file {Downloads.Redact(url)}");
            try
            {
                var (blob, _) = await Downloads.DownloadToCacheAsync(https, context, url, new BlobAddOptions { ExpectedSha256 = file.Sha256 }, cancellationToken,
                    status => status is HttpStatusCode.NotFound or HttpStatusCode.Gone
                        ? ExternalDataErrors.NotFound(https, file.Location, $"{Downloads.Redact(url)} answered HTTP {(int)status}")
                        : null).ConfigureAwait(false);
                cache.SetRef(new CacheRef(key, blob.Sha256, Downloads.Redact(url)));
                return new ExternalDataFile(file.Location, blob.Path, blob.Sha256, blob.Length);
            }
            catch (ContentHashMismatchException e)
            {
                throw ExternalDataErrors.HashMismatch(https, file.Location, "downloaded from " + Downloads.Redact(url), e.ActualSha256, e.ExpectedSha256);
            }
        }
    }
}
