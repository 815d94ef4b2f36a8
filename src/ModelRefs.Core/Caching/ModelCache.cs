using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ModelRefs.Core.Caching;

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
}

/// <summary>
/// An immutable resolution remembered by the cache: key (e.g. an npm package file on a registry)
/// → blob, with what a fetch needs to answer again without the network.
/// </summary>
public sealed record CacheRef(string Key, string Sha256, string? Resolved = null, string? License = null, string? LicenseSource = null);

/// <summary>
/// The global cache shared by every project and process on the machine. Layout under <see cref="Root"/>:
/// <code>
/// blobs/sha256/ab/abcdef…        content, named by its SHA-256 (64 hex digits)
/// blobs/sha256/.tmp/*.partial    downloads in progress (never read as blobs)
/// refs/xy/xyz….json              key → sha256 (+ resolution, licence); file name = SHA-256 of the key
/// refs/.tmp/*.partial            ref files being written
/// </code>
/// Every file becomes visible by an atomic rename of a complete, verified temp file in the same
/// file system; a blob, once there, is never rewritten (content addressing makes writers agree).
/// </summary>
public sealed class ModelCache
{
    public const string HomeVariable = "MODELREFS_HOME";

    public ModelCache(string? root = null) => Root = Path.GetFullPath(root ?? DefaultRoot);

    public string Root { get; }

    /// <summary><c>MODELREFS_HOME</c> when set, else <c>~/.modelrefs</c>.</summary>
    public static string DefaultRoot => ResolveDefaultRoot(
        Environment.GetEnvironmentVariable(HomeVariable),
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string ResolveDefaultRoot(string? modelRefsHome, string userProfile) =>
        string.IsNullOrWhiteSpace(modelRefsHome) ? Path.Combine(userProfile, ".modelrefs") : Path.GetFullPath(modelRefsHome.Trim());

    private string BlobsDirectory => Path.Combine(Root, "blobs", "sha256");
    private string BlobTempDirectory => Path.Combine(BlobsDirectory, ".tmp");
    private string RefsDirectory => Path.Combine(Root, "refs");

    /// <summary>Where the blob with this SHA-256 lives (whether or not it exists).</summary>
    public string GetBlobPath(string sha256)
    {
        var hex = Sha256Hex.Normalize(sha256) ?? throw new ArgumentException($"'{sha256}' is not a SHA-256 (64 hex digits).", nameof(sha256));
        return Path.Combine(BlobsDirectory, hex[..2], hex);
    }

    /// <summary>The blob's path when the cache has it, else null.</summary>
    public string? TryGetBlob(string sha256)
    {
        if (Sha256Hex.Normalize(sha256) is null)
            return null;
        var path = GetBlobPath(sha256);
        return File.Exists(path) ? path : null;
    }

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
        string? expected = null;
        if (options.ExpectedSha256 is not null)
            expected = Sha256Hex.Normalize(options.ExpectedSha256)
                ?? throw new ArgumentException($"'{options.ExpectedSha256}' is not a SHA-256 (64 hex digits).", nameof(options));

        Directory.CreateDirectory(BlobTempDirectory);
        var temp = Path.Combine(BlobTempDirectory, Guid.NewGuid().ToString("N") + ".partial");
        try
        {
            BlobHashes hashes;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                hashes = await CopyAndHashAsync(content, file, options.ExtraHashAlgorithm, cancellationToken).ConfigureAwait(false);
                // Durable before it becomes visible: a crash must not leave a renamed, empty blob.
                file.Flush(flushToDisk: true);
            }

            if (expected is not null && expected != hashes.Sha256)
                throw new ContentHashMismatchException(expected, hashes.Sha256);
            options.Verify?.Invoke(hashes);

            var destination = GetBlobPath(hashes.Sha256);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            try
            {
                File.Move(temp, destination, overwrite: false);
            }
            catch (IOException) when (File.Exists(destination))
            {
                // Another writer stored the same content first; same name means same bytes.
            }
            return new CachedBlob(hashes.Sha256, destination, hashes.Length);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Copies a file into the cache (streaming, hashed once).</summary>
    public async Task<CachedBlob> AddFileAsync(string path, string? expectedSha256 = null, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await AddAsync(stream, expectedSha256, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<BlobHashes> CopyAndHashAsync(Stream source, Stream destination, HashAlgorithmName? extra, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var extraHash = extra is { } name ? IncrementalHash.CreateHash(name) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        long length = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                extraHash?.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                length += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new BlobHashes(Sha256Hex.ToHex(sha256.GetHashAndReset()), length, extraHash?.GetHashAndReset());
    }

    /// <summary>The remembered resolution for a key, or null (also when its file is unreadable).</summary>
    public CacheRef? TryGetRef(string key)
    {
        var path = RefPath(key);
        try
        {
            if (!File.Exists(path))
                return null;
            var value = JsonSerializer.Deserialize<CacheRef>(File.ReadAllBytes(path), JsonOptions);
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
        var path = RefPath(value.Key);
        var tempDirectory = Path.Combine(RefsDirectory, ".tmp");
        Directory.CreateDirectory(tempDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".partial");
        try
        {
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(normalised, JsonOptions));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private string RefPath(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var name = Sha256Hex.ToHex(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(RefsDirectory, name[..2], name + ".json");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };
}
