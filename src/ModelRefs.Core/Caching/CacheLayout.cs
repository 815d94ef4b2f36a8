using System.Security.Cryptography;
using System.Text;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Caching;

/// <summary>
/// Every path under the cache root, named once. The layout is on disk in existing caches, so it
/// never changes:
/// <code>
/// blobs/sha256/ab/abcdef…        content, named by its SHA-256 (64 hex digits)
/// blobs/sha256/.tmp/*.partial    downloads in progress (never read as blobs; deleted when a day old)
/// refs/xy/xyz….json              key → sha256 (+ resolution, licence); file name = SHA-256 of the key
/// refs/.tmp/*.partial            ref files being written (deleted when a day old)
/// locks/xyz….lock, .owner        one inter-process lock per key; file name = SHA-256 of the key
/// damaged/&lt;sha256&gt;.&lt;id&gt;          blobs whose content no longer had their SHA-256, moved aside (never read)
/// conversions/.tmp/&lt;work&gt;/        a conversion's inputs and output, deleted when it ends
/// &lt;source&gt;/…                     one folder per source that needs more than blobs (torchhub, tfhub);
///                                the source names what is inside it
/// </code>
/// </summary>
public sealed class CacheLayout
{
    private const string Blobs = "blobs";
    private const string BlobHash = "sha256";
    private const string Refs = "refs";
    private const string Locks = "locks";
    private const string Conversions = "conversions";
    private const string Damaged = "damaged";
    private const string TempExtension = AtomicFile.TempExtension;

    /// <summary>Folder names of the layout's own; no source may take one.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { Blobs, Refs, Locks, Conversions, Damaged, AtomicDirectory.TempFolderName };

    public CacheLayout(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string BlobsDirectory => Path.Combine(Root, Blobs, BlobHash);

    /// <summary>Where blobs are written before they are verified and renamed into place.</summary>
    public string BlobTempDirectory => Path.Combine(BlobsDirectory, AtomicDirectory.TempFolderName);

    public string RefsDirectory => Path.Combine(Root, Refs);

    /// <summary>Where ref files are written before they are renamed into place.</summary>
    public string RefTempDirectory => Path.Combine(RefsDirectory, AtomicDirectory.TempFolderName);

    public string LocksDirectory => Path.Combine(Root, Locks);

    /// <summary>Where conversions keep their work folders.</summary>
    public string ConversionsDirectory => Path.Combine(Root, Conversions);

    /// <summary>Where a blob whose content no longer matches its name is moved, for inspection; never read.</summary>
    public string DamagedDirectory => Path.Combine(Root, Damaged);

    /// <summary>A new, unique place in <see cref="DamagedDirectory"/> for a damaged blob.</summary>
    public string NewDamagedPath(string sha256) => Path.Combine(DamagedDirectory, sha256 + "." + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The temp folders whose files a killed process leaves behind, swept by the cache's cleaner.</summary>
    public IReadOnlyList<string> TemporaryFileDirectories => [BlobTempDirectory, RefTempDirectory];

    /// <summary>Where the blob with this SHA-256 lives (whether or not it exists).</summary>
    public string BlobPath(string sha256)
    {
        var hex = Sha256Hex.Normalize(sha256) ?? throw new ArgumentException($"'{sha256}' is not a SHA-256 (64 hex digits).", nameof(sha256));
        return Path.Combine(BlobsDirectory, hex[..2], hex);
    }

    /// <summary>True when <paramref name="path"/> is a blob of this cache (not a temp file of one being written).</summary>
    public bool IsBlobPath(string path)
    {
        var full = Path.GetFullPath(path);
        var blobs = BlobsDirectory + Path.DirectorySeparatorChar;
        return full.StartsWith(blobs, StringComparison.Ordinal)
            && !full.StartsWith(BlobTempDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>A fresh temp file name for a blob being written.</summary>
    public string NewBlobTempPath() => Path.Combine(BlobTempDirectory, Guid.NewGuid().ToString("N") + TempExtension);

    /// <summary>The ref file of a key: <c>refs/&lt;first 2 hex&gt;/&lt;SHA-256 of the key&gt;.json</c>.</summary>
    public string RefPath(string key)
    {
        var name = KeyHash(key);
        return Path.Combine(RefsDirectory, name[..2], name + ".json");
    }

    /// <summary>The lock file of a key: <c>locks/&lt;SHA-256 of the key&gt;.lock</c>.</summary>
    public string LockPath(string key) => Path.Combine(LocksDirectory, KeyHash(key) + ".lock");

    /// <summary>Beside a lock file: who holds it (for messages only).</summary>
    public static string LockOwnerPath(string lockPath) => Path.ChangeExtension(lockPath, ".owner");

    /// <summary>A fresh work folder name for one conversion: <c>conversions/.tmp/&lt;prefix&gt;&lt;guid&gt;</c>.</summary>
    public string NewConversionWorkDirectory(string prefix = "") => NewWorkDirectory(ConversionsDirectory, prefix);

    /// <summary>
    /// The cache folder of one source (<c>&lt;root&gt;/&lt;name&gt;</c>). The source owns the name and what is
    /// inside; the name must be one plain folder name that the layout does not use itself.
    /// </summary>
    public string SourceFolder(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Reserved.Contains(name) || name is "." or ".." || name.IndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar, ':']) >= 0)
            throw new ArgumentException($"'{name}' cannot be a source's cache folder: it must be one plain name other than {string.Join(", ", Reserved.Order())}.", nameof(name));
        return Path.Combine(Root, name);
    }

    /// <summary>The sources' folders that exist under <see cref="Root"/> (every folder the layout does not use itself).</summary>
    public IReadOnlyList<string> ExistingSourceFolders() =>
        Directory.Exists(Root)
            ? Directory.GetDirectories(Root).Where(d => !Reserved.Contains(Path.GetFileName(d))).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>A fresh work folder name under a folder of the cache: <c>&lt;folder&gt;/.tmp/&lt;prefix&gt;&lt;guid&gt;</c>.</summary>
    public static string NewWorkDirectory(string folder, string prefix) =>
        Path.Combine(folder, AtomicDirectory.TempFolderName, prefix + Guid.NewGuid().ToString("N"));

    /// <summary>The SHA-256 of a key, lower-case hex: how refs and locks are named.</summary>
    public static string KeyHash(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Sha256Hex.ToHex(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
