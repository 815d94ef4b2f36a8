using System.Text.Json;

namespace ModelRefs.Core.Caching;

/// <summary>A blob as the cache holds it: content address, file, size and when a restore last used it.</summary>
public sealed record CachedBlobInfo(string Sha256, string Path, long Length, DateTime LastUsedUtc);

public enum BlobCheckStatus
{
    /// <summary>The file's bytes hash to its name.</summary>
    Intact,

    /// <summary>The cache does not hold the blob.</summary>
    Missing,

    /// <summary>The file's bytes hash to something else: it was damaged on disk.</summary>
    Mismatch,
}

/// <summary>The result of re-hashing one blob (<see cref="ModelCache.VerifyBlobAsync"/>).</summary>
/// <param name="ActualSha256">What the file hashed to, when it exists.</param>
/// <param name="Evicted">True when a mismatching blob was deleted (the next restore fetches it again).</param>
public sealed record BlobCheck(string Sha256, string Path, BlobCheckStatus Status, string? ActualSha256, bool Evicted);

/// <summary>What <see cref="ModelCache.Prune"/> or <see cref="ModelCache.Clear"/> removed, and what it left because a restore was using it.</summary>
/// <param name="DeletedTemporaryFiles">Temp files of killed restores, and damaged blobs that had been moved aside.</param>
/// <param name="InUse">Descriptions (the fetch key, or its lock's holder) of cache entries left alone because another process held their lock.</param>
public sealed record CacheCleanup(
    IReadOnlyList<CachedBlobInfo> DeletedBlobs,
    int DeletedRefs,
    IReadOnlyList<string> DeletedFolders,
    int DeletedTemporaryFiles,
    IReadOnlyList<string> InUse)
{
    public long BytesFreed => DeletedBlobs.Sum(b => b.Length);
}

public sealed partial class ModelCache
{
    /// <summary>A use is recorded at most this often per blob, so that lookups rarely write.</summary>
    private static readonly TimeSpan UseMarkInterval = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Records that a restore used a blob now, in the file's last-access time (set explicitly, so
    /// it does not depend on how the file system is mounted).
    /// </summary>
    internal static void MarkUsed(string blobPath)
    {
        try
        {
            var info = new FileInfo(blobPath);
            var now = DateTime.UtcNow;
            if (now - LastUsedUtc(info) > UseMarkInterval)
                File.SetLastAccessTimeUtc(blobPath, now);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a read-only cache still serves its content.
        }
    }

    /// <summary>When a restore last used (or wrote) the file.</summary>
    public static DateTime LastUsedUtc(FileInfo file) =>
        file.LastAccessTimeUtc > file.LastWriteTimeUtc ? file.LastAccessTimeUtc : file.LastWriteTimeUtc;

    /// <summary>Every blob in the cache (never the temp files of downloads in progress).</summary>
    public IReadOnlyList<CachedBlobInfo> EnumerateBlobs()
    {
        var blobs = new List<CachedBlobInfo>();
        if (!Directory.Exists(Layout.BlobsDirectory))
            return blobs;
        foreach (var folder in Directory.GetDirectories(Layout.BlobsDirectory))
        {
            if (Path.GetFileName(folder).Length != 2)
                continue; // .tmp and anything else that is not a fan-out folder
            foreach (var file in Directory.GetFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (!Sha256Hex.IsValid(name) || !name.StartsWith(Path.GetFileName(folder), StringComparison.OrdinalIgnoreCase))
                    continue;
                var info = new FileInfo(file);
                blobs.Add(new CachedBlobInfo(name.ToLowerInvariant(), info.FullName, info.Length, LastUsedUtc(info)));
            }
        }
        return blobs.OrderBy(b => b.Sha256, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every readable ref (key → blob, resolution, licence); unreadable ref files are skipped.</summary>
    public IReadOnlyList<CacheRef> EnumerateRefs() => EnumerateRefFiles().Select(r => r.Ref).OfType<CacheRef>().ToList();

    private IEnumerable<(string Path, CacheRef? Ref)> EnumerateRefFiles()
    {
        if (!Directory.Exists(Layout.RefsDirectory))
            yield break;
        foreach (var folder in Directory.GetDirectories(Layout.RefsDirectory))
        {
            if (Path.GetFileName(folder).Length != 2)
                continue;
            foreach (var file in Directory.GetFiles(folder, "*.json"))
            {
                CacheRef? value = null;
                try
                {
                    value = JsonSerializer.Deserialize(File.ReadAllBytes(file), CacheRefJson.Default.CacheRef);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
                {
                }
                // A ref is only trusted under the name its key hashes to.
                var valid = value is not null && !string.IsNullOrEmpty(value.Key) && Sha256Hex.IsValid(value.Sha256)
                            && string.Equals(Layout.RefPath(value.Key), Path.GetFullPath(file), StringComparison.Ordinal);
                yield return (file, valid ? value : null);
            }
        }
    }

    /// <summary>
    /// Re-hashes a blob and compares the result with its name. A mismatching file is evicted when
    /// <paramref name="evictMismatch"/> is true: moved to <see cref="CacheLayout.DamagedDirectory"/>
    /// and listed in <see cref="DamagedBlobs"/>, as a restore does with a damaged blob, so that the
    /// next restore fetches and verifies it again instead of shipping damaged content.
    /// </summary>
    public async Task<BlobCheck> VerifyBlobAsync(string sha256, bool evictMismatch, IProgress<long>? bytesRead = null,
        CancellationToken cancellationToken = default)
    {
        var expected = Sha256Hex.Normalize(sha256) ?? throw new ArgumentException($"'{sha256}' is not a SHA-256 (64 hex digits).", nameof(sha256));
        var path = GetBlobPath(expected);
        if (!File.Exists(path))
            return new BlobCheck(expected, path, BlobCheckStatus.Missing, null, false);
        var actual = await Sha256Hex.HashFileAsync(path, bytesRead, cancellationToken).ConfigureAwait(false);
        if (actual == expected)
            return new BlobCheck(expected, path, BlobCheckStatus.Intact, actual, false);
        if (evictMismatch)
            MoveAside(expected, path);
        return new BlobCheck(expected, path, BlobCheckStatus.Mismatch, actual, evictMismatch && !File.Exists(path));
    }

    /// <summary>
    /// Deletes blobs no restore has used for <paramref name="olderThan"/>, the refs that pointed at
    /// them, and temp files killed processes left. Safe while restores run: see <see cref="Clear"/>.
    /// </summary>
    public CacheCleanup Prune(TimeSpan olderThan)
    {
        if (olderThan < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(olderThan), "The age must not be negative.");
        return Cleanup(DateTime.UtcNow - olderThan, deleteSourceFolders: false);
    }

    /// <summary>
    /// Deletes every blob, ref and source folder, except what a running restore is fetching.
    /// Works with the fetch locks restores take (<see cref="AcquireLockAsync(string, Action{string}?, TimeSpan, string?, CancellationToken)"/>):
    /// every lock is tried first and held while deleting, so no restore starts a fetch meanwhile;
    /// a lock another process holds keeps its ref and blob, and its temp file (as do all temp
    /// files younger than <see cref="StaleTemporaryFileAge"/>). Source folders are kept while any
    /// lock is held by another process, since their contents are not named by one key.
    /// </summary>
    public CacheCleanup Clear() => Cleanup(cutoffUtc: null, deleteSourceFolders: true);

    private CacheCleanup Cleanup(DateTime? cutoffUtc, bool deleteSourceFolders)
    {
        var held = new List<FileStream>();
        var busyKeyHashes = new HashSet<string>(StringComparer.Ordinal);
        var inUse = new List<string>();
        try
        {
            if (Directory.Exists(Layout.LocksDirectory))
                foreach (var lockFile in Directory.GetFiles(Layout.LocksDirectory, "*.lock").Order(StringComparer.Ordinal))
                {
                    if (TryOpenLock(lockFile) is { } stream)
                        held.Add(stream);
                    else
                    {
                        busyKeyHashes.Add(Path.GetFileNameWithoutExtension(lockFile));
                        inUse.Add(ReadOwner(CacheLayout.LockOwnerPath(lockFile)) is { } owner ? $"a fetch by {owner}" : "a fetch by another process");
                    }
                }

            var refs = EnumerateRefFiles().ToList();
            var protectedBlobs = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (_, value) in refs)
                if (value is not null && busyKeyHashes.Contains(CacheLayout.KeyHash(value.Key)))
                    protectedBlobs.Add(value.Sha256);

            var deleted = new List<CachedBlobInfo>();
            foreach (var blob in EnumerateBlobs())
            {
                if (protectedBlobs.Contains(blob.Sha256))
                    continue;
                // Looked at again right before deleting: a restore may have just used it.
                var info = new FileInfo(blob.Path);
                if (!info.Exists || cutoffUtc is { } cutoff && LastUsedUtc(info) >= cutoff)
                    continue;
                try
                {
                    File.Delete(blob.Path);
                    deleted.Add(blob);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    inUse.Add($"blob {blob.Sha256} ({e.Message})");
                }
            }

            var deletedRefs = 0;
            foreach (var (path, value) in refs)
            {
                if (value is not null && (busyKeyHashes.Contains(CacheLayout.KeyHash(value.Key)) || ContainsBlob(value.Sha256)))
                    continue;
                // A ref whose blob is gone (or that cannot be read) answers nothing any more.
                IO.AtomicFile.TryDelete(path);
                deletedRefs++;
            }

            var folders = new List<string>();
            if (deleteSourceFolders && busyKeyHashes.Count == 0)
                foreach (var folder in Layout.ExistingSourceFolders().Append(Layout.ConversionsDirectory).Where(Directory.Exists))
                {
                    Directory.Delete(folder, recursive: true);
                    folders.Add(folder);
                }
            else if (deleteSourceFolders && Layout.ExistingSourceFolders().Count > 0)
                inUse.Add("the sources' folders (" + string.Join(", ", Layout.ExistingSourceFolders().Select(Path.GetFileName)) + ")");

            var temporary = CleanTemporaryFiles(StaleTemporaryFileAge);
            // Damaged blobs moved aside are never read again; they are kept only for inspection.
            if (Directory.Exists(Layout.DamagedDirectory))
                foreach (var file in Directory.GetFiles(Layout.DamagedDirectory))
                    if (cutoffUtc is not { } before || File.GetLastWriteTimeUtc(file) < before)
                    {
                        IO.AtomicFile.TryDelete(file);
                        temporary++;
                    }
            return new CacheCleanup(deleted, deletedRefs, folders, temporary, inUse);
        }
        finally
        {
            foreach (var stream in held)
                stream.Dispose();
        }
    }
}
