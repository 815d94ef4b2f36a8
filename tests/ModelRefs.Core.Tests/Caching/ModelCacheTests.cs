using System.Security.Cryptography;
using ModelRefs.Core.Caching;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Caching;

public class ModelCacheTests
{
    private static byte[] Content(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static string[] AllFiles(string root) =>
        Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task Add_StoresContentUnderItsSha256()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var bytes = Content(300_000);
        var sha = Sha(bytes);
        Assert.Null(cache.TryGetBlob(sha));

        var blob = await cache.AddAsync(new MemoryStream(bytes), sha.ToUpperInvariant());

        Assert.Equal(sha, blob.Sha256);
        Assert.Equal(bytes.Length, blob.Length);
        Assert.Equal(Path.Combine(temp.Path, "blobs", "sha256", sha[..2], sha), blob.Path);
        Assert.Equal(blob.Path, cache.TryGetBlob(sha));
        Assert.Equal(bytes, File.ReadAllBytes(blob.Path));
        Assert.Equal([blob.Path], AllFiles(temp.Path));
    }

    [Fact]
    public async Task Add_WithoutExpectation_HashesWhileStreaming()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var bytes = Content(5, seed: 2);
        // A non-seekable stream proves there is no second read.
        var blob = await cache.AddAsync(new ForwardOnlyStream(bytes));
        Assert.Equal(Sha(bytes), blob.Sha256);
    }

    [Fact]
    public async Task Add_MismatchingContent_LeavesNoBlobAndNoTempFile()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var bytes = Content(100_000);
        var wrong = Sha(Content(10, seed: 9));

        var e = await Assert.ThrowsAsync<ContentHashMismatchException>(() => cache.AddAsync(new MemoryStream(bytes), wrong));

        Assert.Equal(wrong, e.ExpectedSha256);
        Assert.Equal(Sha(bytes), e.ActualSha256);
        Assert.Null(cache.TryGetBlob(Sha(bytes)));
        Assert.Null(cache.TryGetBlob(wrong));
        Assert.Empty(AllFiles(temp.Path));
    }

    [Fact]
    public async Task Add_RefusedByVerifier_LeavesNothing_AndSeesTheExtraHash()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var bytes = Content(70_000);
        BlobHashes? seen = null;
        var options = new BlobAddOptions
        {
            ExtraHashAlgorithm = HashAlgorithmName.SHA512,
            Verify = h => { seen = h; throw new InvalidOperationException("refused"); },
        };

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.AddAsync(new MemoryStream(bytes), options));

        Assert.Equal(SHA512.HashData(bytes), seen!.ExtraHash);
        Assert.Equal(bytes.Length, seen.Length);
        Assert.Empty(AllFiles(temp.Path));
    }

    [Fact]
    public async Task Add_SourceFailingMidway_LeavesNothing()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        await Assert.ThrowsAsync<IOException>(() => cache.AddAsync(new ForwardOnlyStream(Content(200_000), failAfter: 100_000)));
        Assert.Empty(AllFiles(temp.Path));
    }

    [Fact]
    public async Task Add_SameContentConcurrently_AllSucceed_OneBlob()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var bytes = Content(1_000_000);
        var sha = Sha(bytes);

        var blobs = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() =>
            cache.AddAsync(new ForwardOnlyStream(bytes), sha))));

        Assert.All(blobs, b => Assert.Equal(sha, b.Sha256));
        Assert.Equal([cache.GetBlobPath(sha)], AllFiles(temp.Path));
        Assert.Equal(bytes, File.ReadAllBytes(cache.GetBlobPath(sha)));
    }

    [Fact]
    public async Task Add_ExistingBlob_IsFine()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var bytes = Content(1000);
        var first = await cache.AddAsync(new MemoryStream(bytes));
        var second = await cache.AddAsync(new MemoryStream(bytes));
        Assert.Equal(first, second);
        Assert.Single(AllFiles(temp.Path));
    }

    [Fact]
    public async Task Add_CancelledMidway_LeavesNothing()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        using var cts = new CancellationTokenSource();
        var stream = new ForwardOnlyStream(Content(500_000), onRead: n => { if (n > 100_000) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cache.AddAsync(stream, cancellationToken: cts.Token));
        Assert.Empty(AllFiles(temp.Path));
    }

    [Fact]
    public void Refs_RoundTrip_AndAreReplacedAtomically()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var key = "npm-file|http://127.0.0.1/|@a/b@1.0.0|dist/x.onnx";
        Assert.Null(cache.TryGetRef(key));

        var sha = new string('A', 64);
        cache.SetRef(new CacheRef(key, sha, "http://127.0.0.1/a.tgz#dist/x.onnx", "MIT", "package.json"));
        Assert.Equal(new CacheRef(key, new string('a', 64), "http://127.0.0.1/a.tgz#dist/x.onnx", "MIT", "package.json"), cache.TryGetRef(key));

        cache.SetRef(new CacheRef(key, new string('b', 64)));
        Assert.Equal(new string('b', 64), cache.TryGetRef(key)!.Sha256);
        Assert.Null(cache.TryGetRef(key + "x"));
        Assert.DoesNotContain(AllFiles(temp.Path), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public void Refs_Unreadable_AreTreatedAsMissing()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        cache.SetRef(new CacheRef("k", new string('c', 64)));
        foreach (var file in AllFiles(Path.Combine(temp.Path, "refs")))
            File.WriteAllText(file, "{ not json");
        Assert.Null(cache.TryGetRef("k"));
    }

    [Fact]
    public void DefaultRoot_IsModelRefsHome_ElseDotModelrefs()
    {
        Assert.Equal(Path.GetFullPath("/opt/cache"), ModelCache.ResolveDefaultRoot("/opt/cache", "/home/u"));
        Assert.Equal(Path.Combine("/home/u", ".modelrefs"), ModelCache.ResolveDefaultRoot(null, "/home/u"));
        Assert.Equal(Path.Combine("/home/u", ".modelrefs"), ModelCache.ResolveDefaultRoot(" ", "/home/u"));
    }

    [Fact]
    public void InvalidHashes_AreNotBlobs()
    {
        var cache = new ModelCache(Path.GetTempPath());
        Assert.Null(cache.TryGetBlob("../../etc/passwd"));
        Assert.Null(cache.TryGetBlob("abc"));
        Assert.Throws<ArgumentException>(() => cache.GetBlobPath("zz"));
    }

    /// <summary>A stream that can only be read once, forwards; optionally fails part way.</summary>
    private sealed class ForwardOnlyStream(byte[] data, long failAfter = long.MaxValue, Action<long>? onRead = null) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
                throw new IOException("source failed");
            var n = (int)Math.Min(Math.Min(count, 8192), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            onRead?.Invoke(_position);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
