using ModelRefs.TestSupport;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Locking;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>A damaged cache never ships: restore finds it, says so and fetches again, or explains the repair offline.</summary>
public sealed class DamagedCacheRestoreTests
{
    private static void FlipOneByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        CacheDamage.Write(path, bytes);
    }

    [Theory]
    [InlineData(false, false)] // a flipped byte in the model's blob: read again from the cached, verified tarball
    [InlineData(true, false)]  // the model's blob cut to nothing: the same
    [InlineData(false, true)]  // the tarball damaged too: downloaded again
    public async Task ADamagedLockedBlob_IsReported_RestoredAgain_AndTheRightBytesShip(bool cut, bool tarballToo)
    {
        using var f = new RestoreFixture();
        var model = RestoreFixture.Model("v1");
        var tarball = f.WriteTarball("@test/models", "1.0.0", "MIT", ("m/model.onnx", model));
        var item = RestoreFixture.Item("npm:@test/models@1.0.0/m/model.onnx");
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(tarball);
        Assert.True((await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item)).Succeeded);
        var pinned = LockFileFormat.Read(f.LockPath)!.Find(item.Include)!;
        var cache = new ModelCache(f.CacheRoot);
        var blob = cache.GetBlobPath(pinned.Sha256);
        var others = Directory.GetFiles(cache.Layout.BlobsDirectory, "*", SearchOption.AllDirectories).Where(p => p != blob).ToList();
        if (cut)
            CacheDamage.Write(blob, []);
        else
            FlipOneByte(blob);
        if (tarballToo)
            others.ForEach(FlipOneByte);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        var requests = registry.Requests.Count;

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        // The damage warning, besides MR0017 (the npm package's own licence is all the fixture declares).
        var warning = Assert.Single(result.Problems, p => p.Diagnostic.Id != "MR0017");
        Assert.Equal("MR0013", warning.Diagnostic.Id);
        Assert.False(warning.IsError);
        Assert.Contains(item.Include, warning.Message);
        Assert.Contains(pinned.Sha256, warning.Message);
        Assert.Equal(tarballToo, registry.Requests.Count > requests);
        var restored = Assert.Single(result.Models);
        Assert.Equal(model, File.ReadAllBytes(restored.OnnxPath));
        Assert.Equal(pinned, LockFileFormat.Read(f.LockPath)!.Find(item.Include));
    }

    [Fact]
    public async Task ADamagedBlob_Offline_IsAnError_ThatSaysHowToRepairTheCache()
    {
        using var f = new RestoreFixture();
        var (item, registryUrl) = await f.RestoreOnceOnlineAsync();
        var cache = new ModelCache(f.CacheRoot);
        foreach (var blob in Directory.GetFiles(cache.Layout.BlobsDirectory, "*", SearchOption.AllDirectories))
            FlipOneByte(blob); // the file and the tarball it could be read again from
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        var lockBytes = File.ReadAllBytes(f.LockPath);

        var result = await f.RestoreAsync(f.Request(offline: true, npmRegistry: registryUrl), item);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Problems, p => p.Diagnostic.Id == "MR0013");
        Assert.True(error.IsError);
        Assert.Contains("is damaged", error.Message);
        Assert.Contains(Path.Combine(f.CacheRoot, "damaged"), error.Message);
        Assert.Contains("network", error.Message);
        Assert.Empty(result.Models);
        Assert.Equal(lockBytes, File.ReadAllBytes(f.LockPath));
    }
}
