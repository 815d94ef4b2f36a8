using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Caching;

/// <summary>A blob whose content no longer had its SHA-256, and where it was moved.</summary>
public sealed record DamagedBlob(string Sha256, string MovedTo);

/// <summary>A blob in the cache: verified content, named by its SHA-256.</summary>
public sealed record CachedBlob(string Sha256, string Path, long Length);

/// <summary>Hashes of content computed while it was streamed into the cache.</summary>
/// <param name="ExtraHash">The hash with <see cref="BlobAddOptions.ExtraHashAlgorithm"/>, when one was asked for.</param>
public sealed record BlobHashes(string Sha256, long Length, byte[]? ExtraHash);

/// <summary>How <see cref="ModelCache.AddAsync(Stream, BlobAddOptions, CancellationToken)"/> checks content before storing it.</summary>
public sealed record BlobAddOptions
{
    /// <summary>When set, content with another SHA-256 is refused with <see cref="ContentHashMismatchException"/>.</summary>
    public string? ExpectedSha256 { get; init; }

    /// <summary>A second hash computed in the same pass (npm's sha512/sha1 integrity).</summary>
    public HashAlgorithmName? ExtraHashAlgorithm { get; init; }

    /// <summary>Runs after hashing and before the blob becomes visible; throw to refuse the content.</summary>
    public Action<BlobHashes>? Verify { get; init; }

    /// <summary>
    /// Flushed to disk before it becomes visible (the default). False only for content nothing uses
    /// without hashing it again through <see cref="ModelCache.TryGetBlob"/> (an archive that is only
    /// read to extract from it): a crash may then leave it cut short, which its next use finds and fetches again.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>A reader of the content while it is written, before it is verified (<see cref="BlobFeed"/>); null for none.</summary>
    public BlobFeed? Feed { get; init; }
}

/// <summary>
/// An immutable resolution remembered by the cache: key (e.g. an npm package file on a registry)
/// → blob, with what a fetch needs to answer again without the network.
/// </summary>
public sealed record CacheRef(string Key, string Sha256, string? Resolved = null, string? License = null, string? LicenseSource = null)
{
    /// <summary>The text of a licence file the source found (npm's <c>SEE LICENSE IN &lt;file&gt;</c>), for recognition at restore.</summary>
    public string? LicenseText { get; init; }

    /// <summary>Attribution or copyright text the source gives (npm: the package author).</summary>
    public string? Attribution { get; init; }
}

/// <summary>
/// The global cache shared by every project and process on the machine, laid out under
/// <see cref="Root"/> as <see cref="CacheLayout"/> names. Every file becomes visible by an atomic rename of a complete, verified temp file in the same
/// file system; a blob, once there, is never rewritten (content addressing makes writers agree).
/// </summary>
public sealed partial class ModelCache
{
    public const string HomeVariable = "MODELREFS_HOME";

    public ModelCache(string? root = null) => Layout = new CacheLayout(root ?? DefaultRoot);

    public string Root => Layout.Root;

    /// <summary>Every path under <see cref="Root"/>: blobs, refs, locks, temp and work folders, the sources' folders.</summary>
    public CacheLayout Layout { get; }

    /// <summary><c>MODELREFS_HOME</c> when set, else <c>~/.modelrefs</c>.</summary>
    public static string DefaultRoot => ResolveDefaultRoot(
        Environment.GetEnvironmentVariable(HomeVariable),
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string ResolveDefaultRoot(string? modelRefsHome, string userProfile) =>
        string.IsNullOrWhiteSpace(modelRefsHome) ? Path.Combine(userProfile, ".modelrefs") : Path.GetFullPath(modelRefsHome.Trim());

    /// <summary>Where the blob with this SHA-256 lives (whether or not it exists).</summary>
    public string GetBlobPath(string sha256) => Layout.BlobPath(sha256);

    /// <summary>
    /// The blob's path when the cache has it and its content still has that SHA-256, else null.
    /// Every blob is hashed the first time this instance hands it out (once per restore: a host
    /// makes one <see cref="ModelCache"/> per restore), so nothing damaged on disk (a flipped byte,
    /// a cut file) is ever deployed, extracted or converted. A damaged blob is moved to
    /// <see cref="CacheLayout.DamagedDirectory"/> and listed in <see cref="DamagedBlobs"/>; the
    /// caller sees a miss and fetches the content again.
    /// A found blob is marked as used now (<see cref="MarkUsed"/>): this is how a restore takes
    /// content from the cache, and <c>modelref cache prune</c> keeps what restores still use.
    /// </summary>
    public string? TryGetBlob(string sha256)
    {
        if (Sha256Hex.Normalize(sha256) is not { } hex)
            return null;
        var path = GetBlobPath(hex);
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
                return null;
            var stamp = (info.Length, info.LastWriteTimeUtc.Ticks);
            if (_verified.TryGetValue(path, out var known) && known == stamp)
            {
                MarkUsed(path);
                return path;
            }
            if (HashFile(path) == hex)
            {
                // Blobs of caches written before blobs were read-only become so (see BlobWriter).
                TryMakeReadOnly(path);
                _verified[path] = stamp;
                MarkUsed(path);
                return path;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // unreadable: as good as missing, and fetched again
        }
        MoveAside(hex, path);
        return null;
    }

    /// <summary>Blobs this instance found damaged and moved aside (SHA-256 → where they went).</summary>
    public IReadOnlyCollection<DamagedBlob> DamagedBlobs => _damaged.ToArray();

    /// <summary>
    /// Collects the blobs found damaged by the current async flow (and the tasks it starts) until
    /// disposed, so that models restored concurrently each report their own damage.
    /// </summary>
    public DamageRecorder RecordDamage() => new(FlowDamage);

    private static readonly AsyncLocal<ConcurrentQueue<DamagedBlob>?> FlowDamage = new();

    /// <summary>Blob path → the size and timestamp at which it was last hashed and found right.</summary>
    private readonly ConcurrentDictionary<string, (long Length, long Ticks)> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DamagedBlob> _damaged = new();

    /// <summary>Records that the blob at <paramref name="path"/> was just verified (by its writer), so it is not hashed again while unchanged.</summary>
    internal void RememberVerified(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists)
            _verified[path] = (info.Length, info.LastWriteTimeUtc.Ticks);
    }

    /// <summary>Whether the existing blob at <paramref name="path"/> really holds <paramref name="sha256"/>; moves it aside when not.</summary>
    internal bool ExistingBlobIsIntact(string sha256, string path) => TryGetBlob(sha256) is not null || !File.Exists(path);

    private void MoveAside(string sha256, string path)
    {
        var damaged = Layout.NewDamagedPath(sha256);
        try
        {
            Directory.CreateDirectory(Layout.DamagedDirectory);
            File.Move(path, damaged);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another process moved it first, or it cannot be moved (open elsewhere): a fetch
            // replaces it (BlobWriter overwrites a blob that is not intact).
            damaged = path;
        }
        _verified.TryRemove(path, out _);
        var found = new DamagedBlob(sha256, damaged);
        _damaged.Enqueue(found);
        FlowDamage.Value?.Enqueue(found);
    }

    private static void TryMakeReadOnly(string path)
    {
        try
        {
            FileLinks.MakeReadOnly(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's cache: it still serves its content; deploy copies what is not read-only.
        }
    }

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Sha256Hex.ToHex(SHA256.HashData(stream));
    }

    /// <summary>True when the cache holds the blob; unlike <see cref="TryGetBlob"/> it does not count as a use.</summary>
    public bool ContainsBlob(string sha256) => Sha256Hex.Normalize(sha256) is not null && File.Exists(GetBlobPath(sha256));

    public Task<CachedBlob> AddAsync(Stream content, string? expectedSha256 = null, CancellationToken cancellationToken = default) =>
        AddAsync(content, new BlobAddOptions { ExpectedSha256 = expectedSha256 }, cancellationToken);

    /// <summary>
    /// Streams content into a temp file while hashing it, verifies it, then renames it into place.
    /// On any failure (I/O, cancellation, mismatch, a throwing <see cref="BlobAddOptions.Verify"/>)
    /// the temp file is deleted and nothing becomes visible. An existing identical blob is kept.
    /// </summary>
    public async Task<CachedBlob> AddAsync(Stream content, BlobAddOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        NormalizeExpected(options);
        await using var writer = CreateBlobWriter(options.ExtraHashAlgorithm, options.Feed);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return await writer.CommitAsync(options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies a file into the cache (streaming, hashed once).</summary>
    public async Task<CachedBlob> AddFileAsync(string path, string? expectedSha256 = null, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await AddAsync(stream, expectedSha256, cancellationToken).ConfigureAwait(false);
    }

    internal const int CopyBufferSize = 1 << 16;

    /// <summary>A temp file in <c>blobs/sha256/.tmp/</c> that becomes a blob only when committed.</summary>
    internal BlobWriter CreateBlobWriter(HashAlgorithmName? extraHashAlgorithm = null, BlobFeed? feed = null)
    {
        Directory.CreateDirectory(Layout.BlobTempDirectory);
        return new BlobWriter(this, Layout.NewBlobTempPath(), extraHashAlgorithm, feed);
    }

    internal static string? NormalizeExpected(BlobAddOptions options) =>
        options.ExpectedSha256 is null
            ? null
            : Sha256Hex.Normalize(options.ExpectedSha256)
              ?? throw new ArgumentException($"'{options.ExpectedSha256}' is not a SHA-256 (64 hex digits).", nameof(options));

    /// <summary>The remembered resolution for a key, or null (also when its file is unreadable).</summary>
    public CacheRef? TryGetRef(string key)
    {
        var path = Layout.RefPath(key);
        try
        {
            if (!File.Exists(path))
                return null;
            var value = JsonSerializer.Deserialize(File.ReadAllBytes(path), CacheRefJson.Default.CacheRef);
            // The file name is a hash of the key; the stored key guards against any mix-up.
            return value is not null && value.Key == key && Sha256Hex.IsValid(value.Sha256) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Remembers a resolution; the ref file is replaced atomically (last writer wins).</summary>
    public void SetRef(CacheRef value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalised = value with
        {
            Sha256 = Sha256Hex.Normalize(value.Sha256) ?? throw new ArgumentException($"'{value.Sha256}' is not a SHA-256.", nameof(value)),
        };
        // The temp file goes to refs/.tmp/, where the cleaner finds what a killed process left.
        AtomicFile.WriteAllBytes(Layout.RefPath(value.Key), JsonSerializer.SerializeToUtf8Bytes(normalised, CacheRefJson.Default.CacheRef), Layout.RefTempDirectory, durable: false);
    }

    /// <summary>
    /// The ref for a key when its file was written at or after <paramref name="sinceUtc"/> (another
    /// process just fetched it while this one waited for the lock), else null.
    /// </summary>
    public CacheRef? TryGetRefWrittenSince(string key, DateTime sinceUtc)
    {
        try
        {
            var path = Layout.RefPath(key);
            return File.Exists(path) && File.GetLastWriteTimeUtc(path) >= sinceUtc.AddSeconds(-1) ? TryGetRef(key) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

}

/// <summary>Source-generated JSON for ref files: read and written several times per model restored, so no reflection warm-up (JIT) in a fresh build node.</summary>
[JsonSerializable(typeof(CacheRef))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class CacheRefJson : JsonSerializerContext;

/// <summary>What <see cref="ModelCache.RecordDamage"/> collected for one flow.</summary>
public sealed class DamageRecorder : IDisposable
{
    private readonly AsyncLocal<ConcurrentQueue<DamagedBlob>?> _slot;
    private readonly ConcurrentQueue<DamagedBlob>? _outer;
    private readonly ConcurrentQueue<DamagedBlob> _found = new();

    internal DamageRecorder(AsyncLocal<ConcurrentQueue<DamagedBlob>?> slot)
    {
        _slot = slot;
        _outer = slot.Value;
        slot.Value = _found;
    }

    public IReadOnlyList<DamagedBlob> Damaged => _found.ToArray();

    public void Dispose() => _slot.Value = _outer;
}
