using System.Security.Cryptography;
using ModelRefs.Core.Caching;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Caching;

/// <summary>A blob is hashed before it is handed out; damaged content is moved aside, never used.</summary>
public sealed class BlobVerificationTests
{
    private static byte[] Content(int size)
    {
        var bytes = new byte[size];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static void FlipOneByte(string path, long offset)
    {
        using var file = CacheDamage.OpenForWriting(path);
        file.Position = offset;
        var b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x01));
    }

    [Fact]
    public async Task AFlippedByte_IsFound_TheBlobMovedAside_AndReported()
    {
        using var temp = new TempDirectory();
        var bytes = Content(100_000);
        var blob = await new ModelCache(temp.Path).AddAsync(new MemoryStream(bytes));
        FlipOneByte(blob.Path, 54_321);

        var cache = new ModelCache(temp.Path);
        Assert.Null(cache.TryGetBlob(blob.Sha256));

        Assert.False(File.Exists(blob.Path));
        var damaged = Assert.Single(cache.DamagedBlobs);
        Assert.Equal(blob.Sha256, damaged.Sha256);
        Assert.StartsWith(Path.Combine(temp.Path, "damaged") + Path.DirectorySeparatorChar, damaged.MovedTo);
        Assert.True(File.Exists(damaged.MovedTo));
        Assert.NotEqual(bytes, File.ReadAllBytes(damaged.MovedTo));
    }

    [Fact]
    public async Task ACutBlob_IsFound_AndTheNextAdd_StoresTheRightBytesAgain()
    {
        using var temp = new TempDirectory();
        var bytes = Content(10_000);
        var blob = await new ModelCache(temp.Path).AddAsync(new MemoryStream(bytes));
        CacheDamage.Write(blob.Path, []);

        var cache = new ModelCache(temp.Path);
        Assert.Null(cache.TryGetBlob(blob.Sha256));
        var again = await cache.AddAsync(new MemoryStream(bytes), blob.Sha256);

        Assert.Equal(blob.Path, again.Path);
        Assert.Equal(bytes, File.ReadAllBytes(again.Path));
        Assert.Equal(again.Path, new ModelCache(temp.Path).TryGetBlob(blob.Sha256));
    }

    [Fact]
    public async Task ADamagedBlobThatCouldNotBeMovedAside_IsReplacedByTheNextVerifiedAdd()
    {
        using var temp = new TempDirectory();
        var bytes = Content(4_096);
        var blob = await new ModelCache(temp.Path).AddAsync(new MemoryStream(bytes));
        FlipOneByte(blob.Path, 10);

        // A writer that finds the damaged file in its way (no TryGetBlob first) still replaces it.
        var stored = await new ModelCache(temp.Path).AddAsync(new MemoryStream(bytes), blob.Sha256);
        Assert.Equal(bytes, File.ReadAllBytes(stored.Path));
    }

    [Fact]
    public async Task WithinOneInstance_AnUnchangedBlob_IsHashedOnce_ANewInstanceHashesAgain()
    {
        using var temp = new TempDirectory();
        var blob = await new ModelCache(temp.Path).AddAsync(new MemoryStream(Content(2_048)));
        var cache = new ModelCache(temp.Path);
        Assert.Equal(blob.Path, cache.TryGetBlob(blob.Sha256));

        // Damage that keeps size and timestamp is not seen by the instance that verified the
        // blob (it trusts what it hashed, as the no-op restore does), but by the next one.
        var written = File.GetLastWriteTimeUtc(blob.Path);
        FlipOneByte(blob.Path, 100);
        File.SetLastWriteTimeUtc(blob.Path, written);
        Assert.Equal(blob.Path, cache.TryGetBlob(blob.Sha256));
        Assert.Null(new ModelCache(temp.Path).TryGetBlob(blob.Sha256));
    }

    [Fact]
    public void NoSourceMayTakeTheDamagedFolder() =>
        Assert.Throws<ArgumentException>(() => new CacheLayout("/cache").SourceFolder("damaged"));
}
