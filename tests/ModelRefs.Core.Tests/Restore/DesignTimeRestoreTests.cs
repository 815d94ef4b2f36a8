using ModelRefs.Core.Locking;
using ModelRefs.Core.Restore;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>Design-time builds (an IDE's): lock and cache only, no network, no lock write, MR0015 for what is missing.</summary>
public sealed class DesignTimeRestoreTests
{
    [Fact]
    public async Task DesignTime_RestoresWhatIsLockedAndCached_WarnsForTheRest_AndWritesNoLock()
    {
        using var f = new RestoreFixture();
        var (item, _) = await f.RestoreOnceOnlineAsync();
        var lockBytes = File.ReadAllBytes(f.LockPath);

        // A registry that is up, with the new package: the design-time restore must not ask it.
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/other", "2.0.0", "MIT", ("o.onnx", RestoreFixture.Model("other"))));
        var added = RestoreFixture.Item("npm:@test/other@2.0.0/o.onnx");
        var request = f.Request(npmRegistry: registry.Url) with { DesignTime = true };

        var result = await f.RestoreAsync(request, item, added);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Equal(0, registry.RequestCount);
        var restored = Assert.Single(result.Models);
        Assert.Same(item, restored.Item);
        Assert.True(File.Exists(restored.ManifestPath));
        // (The package's own licence also gives MR0017 for the restored model, as in any build.)
        var warning = Assert.Single(result.Problems, p => p.Diagnostic.Id == "MR0015");
        Assert.False(warning.IsError);
        Assert.Same(added, warning.Item);
        Assert.Contains("npm:@test/other@2.0.0/o.onnx", warning.Message);
        Assert.Contains("build once", warning.Message);
        Assert.Equal(lockBytes, File.ReadAllBytes(f.LockPath));
        Assert.False(result.LockFileWritten);
        // No no-op record: the next real build must restore what this one left out.
        Assert.False(File.Exists(Path.Combine(request.IntermediatePath, "restore.noop")));

        var real = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item, added);
        Assert.True(real.Succeeded, string.Join("\n", real.Problems.Select(p => p.Message)));
        Assert.Equal(2, real.Models.Count);
        Assert.NotNull(LockFileFormat.Read(f.LockPath)!.Find(added.Include));
    }

    [Fact]
    public async Task DesignTime_AfterARealBuild_IsAnsweredByItsNoOpRecord()
    {
        using var f = new RestoreFixture();
        var (item, registryUrl) = await f.RestoreOnceOnlineAsync();

        var result = await f.RestoreAsync(f.Request(npmRegistry: registryUrl) with { DesignTime = true }, item);

        Assert.True(result.WasNoOp);
        Assert.Single(result.Models);
    }

    [Fact]
    public async Task DesignTime_WithACachedLockedModelButNoObj_RestoresItWithoutNetwork()
    {
        using var f = new RestoreFixture();
        var (item, registryUrl) = await f.RestoreOnceOnlineAsync();
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        var lockBytes = File.ReadAllBytes(f.LockPath);

        // The registry is gone (RestoreOnceOnlineAsync stopped it): nothing could be downloaded anyway.
        var result = await f.RestoreAsync(f.Request(npmRegistry: registryUrl) with { DesignTime = true }, item);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.DoesNotContain(result.Problems, p => p.Diagnostic.Id == "MR0015");
        Assert.True(File.Exists(Assert.Single(result.Models).ManifestPath));
        Assert.Equal(lockBytes, File.ReadAllBytes(f.LockPath));
    }
}
