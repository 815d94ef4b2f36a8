using System.Security.Cryptography;
using ModelRefs.Core.Caching;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Caching;

public class ModelCacheMaintenanceTests
{
    private static byte[] Content(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void MakeOld(string path, int days)
    {
        var then = DateTime.UtcNow.AddDays(-days);
        File.SetLastWriteTimeUtc(path, then);
        File.SetLastAccessTimeUtc(path, then);
    }

    [Fact]
    public async Task EnumerateBlobs_ListsEveryBlob_NotTheTempFilesOfDownloads()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var a = await cache.AddAsync(new MemoryStream(Content(100, 1)));
        var b = await cache.AddAsync(new MemoryStream(Content(200, 2)));
        Directory.CreateDirectory(cache.Layout.BlobTempDirectory);
        File.WriteAllText(cache.Layout.NewBlobTempPath(), "half a download");

        var blobs = cache.EnumerateBlobs();

        Assert.Equal(new[] { a.Sha256, b.Sha256 }.Order(StringComparer.Ordinal), blobs.Select(x => x.Sha256));
        Assert.Equal([100L, 200L], blobs.OrderBy(x => x.Length).Select(x => x.Length));
    }

    [Fact]
    public async Task VerifyBlob_FindsAFlippedByte_AndEvictsTheBlobAndItsRefs()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var bytes = Content(150_000, 3);
        var blob = await cache.AddAsync(new MemoryStream(bytes));
        cache.SetRef(new CacheRef("https|https://example.com/m.onnx", blob.Sha256, "https://example.com/m.onnx"));
        Assert.Equal(BlobCheckStatus.Intact, (await cache.VerifyBlobAsync(blob.Sha256, evictMismatch: true)).Status);

        bytes[75_000] ^= 0x80;
        CacheDamage.Write(blob.Path, bytes);
        long reported = 0;
        var check = await cache.VerifyBlobAsync(blob.Sha256, evictMismatch: true, new SynchronousProgress(n => reported = n));

        Assert.Equal(BlobCheckStatus.Mismatch, check.Status);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), check.ActualSha256);
        Assert.True(check.Evicted);
        Assert.Equal(bytes.Length, reported);
        Assert.False(File.Exists(blob.Path));
        // As restore does with a damaged blob: moved aside for inspection, never read again.
        var aside = Assert.Single(cache.DamagedBlobs);
        Assert.Equal(blob.Sha256, aside.Sha256);
        Assert.Equal(bytes, File.ReadAllBytes(aside.MovedTo));
        Assert.Equal(1, cache.Clear().DeletedTemporaryFiles);
        Assert.False(File.Exists(aside.MovedTo));
        Assert.Equal(BlobCheckStatus.Missing, (await cache.VerifyBlobAsync(blob.Sha256, evictMismatch: true)).Status);
    }

    [Fact]
    public async Task TryGetBlob_RecordsAUse_ThatPruneRespects()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var unused = await cache.AddAsync(new MemoryStream(Content(10, 4)));
        var used = await cache.AddAsync(new MemoryStream(Content(20, 5)));
        var fresh = await cache.AddAsync(new MemoryStream(Content(30, 6)));
        MakeOld(unused.Path, 40);
        MakeOld(used.Path, 40);
        cache.SetRef(new CacheRef("npm-file|x", unused.Sha256, "resolved"));
        Assert.NotNull(cache.TryGetBlob(used.Sha256));
        Assert.True(cache.ContainsBlob(unused.Sha256)); // looking is not using

        var pruned = cache.Prune(TimeSpan.FromDays(30));

        Assert.Equal([unused.Sha256], pruned.DeletedBlobs.Select(b => b.Sha256));
        Assert.Equal(10, pruned.BytesFreed);
        Assert.Equal(1, pruned.DeletedRefs);
        Assert.Null(cache.TryGetRef("npm-file|x"));
        Assert.True(File.Exists(used.Path));
        Assert.True(File.Exists(fresh.Path));
        Assert.Empty(pruned.InUse);
    }

    [Fact]
    public async Task PruneAndClear_LeaveAKeyWhoseLockAnotherHolderHas()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var busy = await cache.AddAsync(new MemoryStream(Content(10, 7)));
        var idle = await cache.AddAsync(new MemoryStream(Content(20, 8)));
        cache.SetRef(new CacheRef("npm-tarball|r|busy@1.0.0", busy.Sha256, "busy"));
        cache.SetRef(new CacheRef("npm-tarball|r|idle@1.0.0", idle.Sha256, "idle"));
        Directory.CreateDirectory(Path.Combine(temp.Path, "torchhub", "repo"));
        MakeOld(busy.Path, 40);
        MakeOld(idle.Path, 40);

        // Another fetch holds the busy key (a second cache object stands for another process).
        await using (var held = await new ModelCache(temp.Path).AcquireLockAsync("npm-tarball|r|busy@1.0.0", null, CancellationToken.None))
        {
            var pruned = cache.Prune(TimeSpan.FromDays(30));
            Assert.Equal([idle.Sha256], pruned.DeletedBlobs.Select(b => b.Sha256));
            Assert.Single(pruned.InUse);
            Assert.True(File.Exists(busy.Path));

            var cleared = cache.Clear();
            Assert.Empty(cleared.DeletedBlobs);
            Assert.True(File.Exists(busy.Path));
            Assert.NotNull(cache.TryGetRef("npm-tarball|r|busy@1.0.0"));
            // A source's folder is not named by one key: it stays while any fetch runs.
            Assert.True(Directory.Exists(Path.Combine(temp.Path, "torchhub")));
        }

        var afterwards = cache.Clear();
        Assert.Equal([busy.Sha256], afterwards.DeletedBlobs.Select(b => b.Sha256));
        Assert.Empty(cache.EnumerateBlobs());
        Assert.Empty(cache.EnumerateRefs());
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "torchhub")));
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
