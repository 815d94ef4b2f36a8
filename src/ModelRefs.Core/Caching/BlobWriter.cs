using System.Security.Cryptography;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Caching;

/// <summary>
/// A blob being written: bytes are appended in order to a temp file under <c>blobs/sha256/.tmp/</c>
/// and hashed as they are written, so a download that resumes after a broken connection keeps its
/// hash state and never reads the file again. Nothing is visible in the cache until
/// <see cref="CommitAsync"/> verified the content; disposing an uncommitted writer deletes the temp file.
/// </summary>
/// <remarks>
/// Partial downloads live only as long as one fetch (across its retries); they are not reused by a
/// later restore. A process killed mid-download leaves its temp file behind; the cache deletes
/// such files once they are a day old (<see cref="ModelCache.CleanTemporaryFiles"/>).
/// </remarks>
internal sealed class BlobWriter : IAsyncDisposable
{
    private readonly ModelCache _cache;
    private readonly HashAlgorithmName? _extraAlgorithm;
    private readonly FileStream _file;
    private readonly BlobFeed? _feed;
    private long _fed;
    private IncrementalHash _sha256;
    private IncrementalHash? _extra;
    private bool _done;

    /// <param name="feed">A reader of the bytes as they are written (<see cref="BlobFeed"/>); null for none.</param>
    internal BlobWriter(ModelCache cache, string tempPath, HashAlgorithmName? extraAlgorithm, BlobFeed? feed = null)
    {
        _cache = cache;
        TempPath = tempPath;
        _extraAlgorithm = extraAlgorithm;
        // With a feed, its reader opens the file too (and keeps it open while it is renamed).
        _file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, feed is null ? FileShare.None : FileShare.Read | FileShare.Delete,
            1 << 16, FileOptions.Asynchronous);
        _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _extra = extraAlgorithm is { } name ? IncrementalHash.CreateHash(name) : null;
        _feed = feed;
        feed?.Attach(tempPath);
    }

    public string TempPath { get; }

    /// <summary>Bytes written (and hashed) so far: where a resumed download continues.</summary>
    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        _sha256.AppendData(data.Span);
        _extra?.AppendData(data.Span);
        Length += data.Length;
        if (_feed is not null && Length - _fed >= FeedStep)
        {
            // To the file system (not the disk), so that the feed's reader can read it; in steps,
            // not per network read, so the reader wakes a few hundred times for a large download.
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _fed = Length;
            _feed.Advance(Length);
        }
    }

    private const long FeedStep = 256 * 1024;

    /// <summary>Forgets everything written: the next byte is the content's first (a download restarted from 0).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _file.SetLength(0);
        _file.Position = 0;
        _sha256.Dispose();
        _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _extra?.Dispose();
        _extra = _extraAlgorithm is { } name ? IncrementalHash.CreateHash(name) : null;
        Length = 0;
        _fed = 0;
        _feed?.Restart();
    }

    /// <summary>
    /// Flushes to disk, checks <see cref="BlobAddOptions"/> and renames the file into place. On a
    /// mismatch (<see cref="ContentHashMismatchException"/> or a throwing Verify) the writer stays
    /// open and unchanged, so the caller may <see cref="Reset"/> and try again, or dispose it.
    /// </summary>
    public async Task<CachedBlob> CommitAsync(BlobAddOptions options, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var expected = ModelCache.NormalizeExpected(options);
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _feed?.Advance(Length); // the last bytes, still unverified: the reader commits nothing before the feed's outcome
        // Durable before it becomes visible: a crash must not leave a renamed, empty blob (unless
        // the content is always hashed again before use, BlobAddOptions.Durable).
        if (options.Durable)
            _file.Flush(flushToDisk: true);

        // Hash the state so far without ending it: a refused commit can still be retried or reset.
        var hashes = new BlobHashes(Sha256Hex.ToHex(_sha256.GetCurrentHash()), Length, _extra?.GetCurrentHash());
        if (expected is not null && expected != hashes.Sha256)
            throw new ContentHashMismatchException(expected, hashes.Sha256);
        options.Verify?.Invoke(hashes);

        await DisposeFileAsync().ConfigureAwait(false);
        // Read-only before it is visible: deployed hard links share the blob's permissions, so an
        // app writing its deployed model gets "permission denied" instead of changing the cache.
        FileLinks.MakeReadOnly(TempPath);
        var destination = _cache.GetBlobPath(hashes.Sha256);
        // When another writer stored the same content first, its file is kept: same name means
        // same bytes, once it is checked. One that is damaged is replaced by these verified bytes.
        var overwrite = !_cache.ExistingBlobIsIntact(hashes.Sha256, destination);
        AtomicFile.MoveIntoPlace(TempPath, destination, overwrite);
        _cache.RememberVerified(destination);
        var blob = new CachedBlob(hashes.Sha256, destination, hashes.Length);
        _feed?.Complete(blob);
        return blob;
    }

    private async ValueTask DisposeFileAsync()
    {
        if (_done)
            return;
        _done = true;
        _sha256.Dispose();
        _extra?.Dispose();
        await _file.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _feed?.Fail();
        if (_done && !File.Exists(TempPath))
            return;
        try
        {
            await DisposeFileAsync().ConfigureAwait(false);
        }
        finally
        {
            AtomicFile.TryDelete(TempPath);
        }
    }
}
