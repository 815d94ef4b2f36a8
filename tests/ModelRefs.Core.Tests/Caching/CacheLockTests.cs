using ModelRefs.Core.Caching;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Caching;

public class CacheLockTests
{
    [Fact(Timeout = 20_000)]
    public async Task SecondHolder_Waits_UntilTheFirstReleases()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var first = await cache.AcquireLockAsync("key", null, CancellationToken.None);
        Assert.False(first.Waited);
        Assert.StartsWith(Path.Combine(temp.Path, "locks") + Path.DirectorySeparatorChar, first.Path);
        Assert.Contains($"pid {Environment.ProcessId}", File.ReadAllText(Path.ChangeExtension(first.Path, ".owner")));

        var log = new List<string>();
        var second = cache.AcquireLockAsync("key", l => { lock (log) log.Add(l); }, TimeSpan.FromSeconds(10), "model X");
        await Task.Delay(300);
        Assert.False(second.IsCompleted);
        // Another key is independent.
        await using (await cache.AcquireLockAsync("other key", null, TimeSpan.FromSeconds(1)))
        { }

        await first.DisposeAsync();
        await using var acquired = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(acquired.Waited);
        Assert.Contains(log, l => l.StartsWith("ModelRefs: waiting for another restore of model X", StringComparison.Ordinal)
                                  && l.Contains($"pid {Environment.ProcessId}", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task Timeout_IsCacheLockTimeoutException_NamingTheHolder()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        await using var held = await cache.AcquireLockAsync("key", null, CancellationToken.None);

        var e = await Assert.ThrowsAsync<CacheLockTimeoutException>(() => cache.AcquireLockAsync("key", null, TimeSpan.FromMilliseconds(300), "model X"));

        Assert.Contains("model X", e.Message);
        Assert.Contains($"pid {Environment.ProcessId}", e.Message);
        Assert.Contains(held.Path, e.Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task Cancellation_StopsTheWait()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        await using var held = await cache.AcquireLockAsync("key", null, CancellationToken.None);
        using var cts = new CancellationTokenSource(200);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cache.AcquireLockAsync("key", null, cts.Token));
    }

    [Fact]
    public void CleanTemporaryFiles_DeletesOnlyOldOnes()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var blobTemp = Path.Combine(temp.Path, "blobs", "sha256", ".tmp");
        var refTemp = Path.Combine(temp.Path, "refs", ".tmp");
        Directory.CreateDirectory(blobTemp);
        Directory.CreateDirectory(refTemp);
        var oldBlob = Path.Combine(blobTemp, "old.partial");
        var oldRef = Path.Combine(refTemp, "old.partial");
        var fresh = Path.Combine(blobTemp, "fresh.partial");
        foreach (var file in new[] { oldBlob, oldRef, fresh })
            File.WriteAllText(file, "x");
        File.SetLastWriteTimeUtc(oldBlob, DateTime.UtcNow.AddDays(-2));
        File.SetLastWriteTimeUtc(oldRef, DateTime.UtcNow.AddHours(-25));

        Assert.Equal(2, cache.CleanTemporaryFiles(ModelCache.StaleTemporaryFileAge));

        Assert.False(File.Exists(oldBlob));
        Assert.False(File.Exists(oldRef));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task BlobWriter_Reset_AndUncommittedDispose_LeaveNothing()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var content = new byte[100_000];
        new Random(5).NextBytes(content);
        string tempPath;
        await using (var writer = cache.CreateBlobWriter())
        {
            tempPath = writer.TempPath;
            await writer.WriteAsync(new byte[] { 1, 2, 3 }, CancellationToken.None);
            writer.Reset();
            await writer.WriteAsync(content.AsMemory(0, 40_000), CancellationToken.None);
            await writer.WriteAsync(content.AsMemory(40_000), CancellationToken.None);
            Assert.Equal(content.Length, writer.Length);
            var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content)).ToLowerInvariant();
            var blob = await writer.CommitAsync(new BlobAddOptions { ExpectedSha256 = sha }, CancellationToken.None);
            Assert.Equal(content, File.ReadAllBytes(blob.Path));
        }
        Assert.False(File.Exists(tempPath));

        await using (var abandoned = cache.CreateBlobWriter())
        {
            tempPath = abandoned.TempPath;
            await abandoned.WriteAsync(content, CancellationToken.None);
        }
        Assert.False(File.Exists(tempPath));
        Assert.Single(Directory.GetFiles(Path.Combine(temp.Path, "blobs"), "*", SearchOption.AllDirectories));
    }
}
