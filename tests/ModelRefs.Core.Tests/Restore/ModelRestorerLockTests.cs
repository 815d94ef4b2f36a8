using ModelRefs.Core.Caching;
using ModelRefs.Core.Locking;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>models.lock.json: written, stable, pinned, enforced in locked mode; offline; no-op restore.</summary>
public class ModelRestorerLockTests
{
    [Fact]
    public async Task FirstRestore_WritesTheLock_SecondIsANoOp_AndLeavesItByteIdentical()
    {
        using var f = new RestoreFixture();
        f.WriteModel("models/a.onnx", "a");
        var item = RestoreFixture.Item("models/a.onnx");

        var first = await f.RestoreAsync(f.Request(), item);
        Assert.True(first.Succeeded, string.Join("\n", first.Problems));
        Assert.True(first.LockFileWritten);
        var bytes = File.ReadAllBytes(f.LockPath);
        var stamp = File.GetLastWriteTimeUtc(f.LockPath);
        var entry = LockFileFormat.Read(f.LockPath)!.Find("models/a.onnx")!;
        Assert.Equal(Sha256Hex.ToHex(System.Security.Cryptography.SHA256.HashData(RestoreFixture.Model("a"))), entry.Sha256);
        Assert.Equal(RestoreFixture.Model("a").Length, entry.Size);

        var second = await f.RestoreAsync(f.Request(), item);
        Assert.True(second.WasNoOp);
        Assert.Single(second.Models);

        // Without the no-op record (a clean obj/), the full restore still writes nothing new.
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        var third = await f.RestoreAsync(f.Request(), item);
        Assert.False(third.WasNoOp);
        Assert.False(third.LockFileWritten);
        Assert.Equal(bytes, File.ReadAllBytes(f.LockPath));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(f.LockPath));
    }

    [Fact]
    public async Task NoOp_CountsAsAUseOfTheDeployedBlob_SoPruneKeepsIt()
    {
        using var f = new RestoreFixture();
        var (item, registry) = await f.RestoreOnceOnlineAsync();
        var cache = new ModelCache(f.CacheRoot);
        var blob = cache.EnumerateBlobs().Single(b => b.Sha256 == LockFileFormat.Read(f.LockPath)!.Find(item.Include)!.Sha256);
        var old = DateTime.UtcNow.AddDays(-40);
        File.SetLastWriteTimeUtc(blob.Path, old);
        File.SetLastAccessTimeUtc(blob.Path, old);
        // The no-op record keys on the deployed files' timestamps: record the aged blob as it now is.
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        Assert.False((await f.RestoreAsync(f.Request(offline: true), item)).WasNoOp);
        File.SetLastAccessTimeUtc(blob.Path, old);

        var noOp = await f.RestoreAsync(f.Request(offline: true), item);

        Assert.True(noOp.WasNoOp);
        Assert.True(ModelCache.LastUsedUtc(new FileInfo(blob.Path)) > DateTime.UtcNow.AddMinutes(-5));
        var pruned = cache.Prune(TimeSpan.FromDays(30));
        Assert.DoesNotContain(pruned.DeletedBlobs, b => b.Sha256 == blob.Sha256);
        Assert.True(File.Exists(blob.Path));
        Assert.True((await f.RestoreAsync(f.Request(offline: true), item)).WasNoOp);
    }

    [Fact]
    public async Task NoOp_IsInvalidated_ByAChangedLocalModel_ItemMetadata_OrLock()
    {
        using var f = new RestoreFixture();
        var path = f.WriteModel("a.onnx", "a");
        var item = RestoreFixture.Item("a.onnx");
        Assert.True((await f.RestoreAsync(f.Request(), item)).Succeeded);

        File.WriteAllBytes(path, RestoreFixture.Model("a2"));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var changed = await f.RestoreAsync(f.Request(), item);
        Assert.False(changed.WasNoOp);
        Assert.True(changed.LockFileWritten);

        var renamed = await f.RestoreAsync(f.Request(), RestoreFixture.Item("a.onnx", ("Name", "Other")));
        Assert.False(renamed.WasNoOp);
        Assert.Equal("Other", renamed.Models.Single().Name);

        File.AppendAllText(f.LockPath, " ");
        Assert.False((await f.RestoreAsync(f.Request(), RestoreFixture.Item("a.onnx", ("Name", "Other")))).WasNoOp);
    }

    [Fact]
    public async Task RemovingAnItem_RemovesItsEntry()
    {
        using var f = new RestoreFixture();
        f.WriteModel("a.onnx", "a");
        f.WriteModel("b.onnx", "b");
        Assert.True((await f.RestoreAsync(f.Request(), RestoreFixture.Item("a.onnx"), RestoreFixture.Item("b.onnx"))).Succeeded);
        Assert.Equal(["a.onnx", "b.onnx"], LockFileFormat.Read(f.LockPath)!.Models.Keys.Order());

        Assert.True((await f.RestoreAsync(f.Request(), RestoreFixture.Item("b.onnx"))).Succeeded);
        Assert.Equal(["b.onnx"], LockFileFormat.Read(f.LockPath)!.Models.Keys);

        Assert.True((await f.RestoreAsync(f.Request())).Succeeded);
        Assert.Empty(LockFileFormat.Read(f.LockPath)!.Models);
    }

    [Fact]
    public async Task LockedMode_FailsOnEveryChange_WithMR0011_AndRewritesNothing()
    {
        using var f = new RestoreFixture();
        var path = f.WriteModel("a.onnx", "a");
        f.WriteModel("b.onnx", "b");

        var noLock = await f.RestoreAsync(f.Request(lockedMode: true), RestoreFixture.Item("a.onnx"));
        Assert.Equal("MR0011", Assert.Single(noLock.Problems).Diagnostic.Id);
        Assert.False(File.Exists(f.LockPath));

        Assert.True((await f.RestoreAsync(f.Request(), RestoreFixture.Item("a.onnx"))).Succeeded);
        var bytes = File.ReadAllBytes(f.LockPath);
        Assert.True((await f.RestoreAsync(f.Request(lockedMode: true), RestoreFixture.Item("a.onnx"))).Succeeded);

        var added = await f.RestoreAsync(f.Request(lockedMode: true), RestoreFixture.Item("a.onnx"), RestoreFixture.Item("b.onnx"));
        var addedProblem = Assert.Single(added.Problems);
        Assert.Equal("MR0011", addedProblem.Diagnostic.Id);
        Assert.Contains("'b.onnx' is not in", addedProblem.Message);

        File.WriteAllBytes(path, RestoreFixture.Model("a-changed"));
        var changed = await f.RestoreAsync(f.Request(lockedMode: true), RestoreFixture.Item("a.onnx"));
        var changedProblem = Assert.Single(changed.Problems);
        Assert.Equal("MR0011", changedProblem.Diagnostic.Id);
        Assert.Contains("SHA-256 would change", changedProblem.Message);

        File.WriteAllBytes(path, RestoreFixture.Model("a"));
        var relicensed = await f.RestoreAsync(f.Request(lockedMode: true), RestoreFixture.Item("a.onnx", ("License", "Apache-2.0")));
        var licenceProblem = Assert.Single(relicensed.Problems);
        Assert.Equal("MR0011", licenceProblem.Diagnostic.Id);
        Assert.Contains("licence would change from unknown", licenceProblem.Message);

        var removed = await f.RestoreAsync(f.Request(lockedMode: true));
        Assert.Equal("MR0011", Assert.Single(removed.Problems).Diagnostic.Id);

        Assert.Equal(bytes, File.ReadAllBytes(f.LockPath));
    }

    [Fact]
    public async Task LockedModel_IsRestoredByItsPin_EvenWhenTheRegistryHasMovedOn()
    {
        using var f = new RestoreFixture();
        var original = f.WriteTarball("@test/models", "1.0.0", "MIT", ("m/model.onnx", RestoreFixture.Model("v1")));
        var republished = f.WriteTarball("@test/models", "1.0.0", "MIT", ("m/model.onnx", RestoreFixture.Model("v1-changed")));
        var item = RestoreFixture.Item("npm:@test/models@1.0.0/m/model.onnx");

        using (var registry = LoopbackNpmRegistry.Start())
        {
            registry.AddTarball(original);
            Assert.True((await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item)).Succeeded);
        }
        var pinned = LockFileFormat.Read(f.LockPath)!.Find(item.Include)!;

        // Same version, other bytes (a mirror or a registry that moved on), and an empty cache:
        // the lock's hash refuses them, and nothing reaches the cache or the lock.
        Directory.Delete(f.CacheRoot, recursive: true);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        using (var moved = LoopbackNpmRegistry.Start())
        {
            moved.AddTarball(republished);
            var result = await f.RestoreAsync(f.Request(npmRegistry: moved.Url), item);
            var problem = Assert.Single(result.Problems);
            Assert.Equal("MR0004", problem.Diagnostic.Id);
            Assert.Contains("pinned in " + f.LockPath, problem.Message);
        }
        Assert.Equal(pinned, LockFileFormat.Read(f.LockPath)!.Find(item.Include));
        Assert.Null(new ModelCache(f.CacheRoot).TryGetBlob(pinned.Sha256));
    }

    [Fact]
    public async Task Offline_ListsEveryMissingModel_InOneSummary()
    {
        using var f = new RestoreFixture();
        f.WriteModel("local.onnx", "local");
        var result = await f.RestoreAsync(f.Request(offline: true),
            RestoreFixture.Item("local.onnx"),
            RestoreFixture.Item("npm:@test/one@1.0.0/a.onnx"),
            RestoreFixture.Item("npm:@test/two@2.0.0/b.onnx"));

        Assert.Equal(3, result.Problems.Count(p => p.Diagnostic.Id == "MR0010"));
        var summary = result.Problems.Single(p => p.Item == null);
        Assert.Contains("npm:@test/one@1.0.0/a.onnx", summary.Message);
        Assert.Contains("npm:@test/two@2.0.0/b.onnx", summary.Message);
        Assert.Contains("ModelRefsOffline=false", summary.Message);
        Assert.False(File.Exists(f.LockPath));
    }

    [Fact]
    public async Task Offline_WithEverythingCached_Restores()
    {
        using var f = new RestoreFixture();
        var (item, registryUrl) = await f.RestoreOnceOnlineAsync();
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);

        var offline = await f.RestoreAsync(f.Request(offline: true, npmRegistry: registryUrl), item);
        Assert.True(offline.Succeeded, string.Join("\n", offline.Problems));
    }

    [Fact]
    public async Task CorruptLock_IsAnError_AndIsNotOverwritten()
    {
        using var f = new RestoreFixture();
        f.WriteModel("a.onnx", "a");
        File.WriteAllText(f.LockPath, "{ \"version\": 1, \"models\": ");

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("a.onnx"));
        Assert.Equal("MR0012", Assert.Single(result.Problems).Diagnostic.Id);
        Assert.Equal("{ \"version\": 1, \"models\": ", File.ReadAllText(f.LockPath));
    }
}
