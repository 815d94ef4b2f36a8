using ModelRefs.Core.Configuration;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources.HuggingFace;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.HuggingFace;

/// <summary>hf: models through the whole restore: the lock's format, a locked restore after the branch moved, a cached one.</summary>
public sealed class HuggingFaceRestoreTests
{
    private const string Handle = "hf:onnx-community/silero-vad/onnx/model.onnx";

    [Fact]
    public async Task TheLockPinsTheCommit_ALockedRestoreIgnoresTheMovedBranch_AndACachedOneAsksNothing()
    {
        using var f = new RestoreFixture();
        using var hub = LoopbackHuggingFace.Start();
        var repo = hub.AddRepo("onnx-community/silero-vad");
        var pinned = repo.Commit(new() { ["onnx/model.onnx"] = HuggingFaceSourceTests.SileroV5 }, cardData: new { license = "cc-by-nc-4.0" });
        var request = f.Request() with { Settings = new SettingValues { [HuggingFaceSettings.Url] = hub.Url } };
        var item = RestoreFixture.Item("https://huggingface.co/onnx-community/silero-vad/resolve/main/onnx/model.onnx", ("Name", "SileroVad"));

        var first = await f.RestoreAsync(request, item);

        Assert.True(first.Succeeded, string.Join("\n", first.Problems));
        var lockText = File.ReadAllText(f.LockPath);
        Assert.Contains($"\"{Handle}\"", lockText); // the URL spelling is locked as its hf: handle
        Assert.Contains($"\"resolved\": \"hf:onnx-community/silero-vad@{pinned}/onnx/model.onnx\"", lockText);
        Assert.Contains("\"license\": \"CC-BY-NC-4.0\"", lockText);
        Assert.Contains("\"licenseSource\": \"huggingface card\"", lockText);
        var entry = LockFileFormat.Read(f.LockPath)!.Find(Handle)!;
        Assert.Equal(NpmPackages.SileroVadV5Sha256, entry.Sha256);

        // main moves to other content; a fresh machine (no cache, no obj/) restores the locked commit, in locked mode.
        repo.Commit(new() { ["onnx/model.onnx"] = HuggingFaceSourceTests.SileroLegacy });
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        Directory.Delete(f.CacheRoot, recursive: true);
        hub.ClearRequests();
        var locked = await f.RestoreAsync(request with { LockedMode = true }, item);
        Assert.True(locked.Succeeded, string.Join("\n", locked.Problems));
        Assert.False(locked.LockFileWritten);
        Assert.Equal(lockText, File.ReadAllText(f.LockPath));
        Assert.EndsWith("/revision/" + pinned, Assert.Single(hub.ApiRequests).Path);

        // Cached content for the locked SHA-256: a full restore (no no-op record) with no request at all.
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        hub.ClearRequests();
        var cached = await f.RestoreAsync(request, item);
        Assert.True(cached.Succeeded, string.Join("\n", cached.Problems));
        Assert.False(cached.WasNoOp);
        Assert.Equal(0, hub.RequestCount);
        Assert.Equal(lockText, File.ReadAllText(f.LockPath));
    }

    [Fact]
    public async Task FilesOfOneRepository_AskForItsFileListOnce_AndItsFailureReachesEachItemUnderItsOwnName()
    {
        using var f = new RestoreFixture();
        using var hub = LoopbackHuggingFace.Start();
        hub.AddRepo("onnx-community/silero-vad").Commit(new()
        {
            ["onnx/model.onnx"] = HuggingFaceSourceTests.SileroV5,
            ["onnx/legacy.onnx"] = HuggingFaceSourceTests.SileroLegacy,
            ["onnx/copy.onnx"] = HuggingFaceSourceTests.SileroV5,
        });
        var request = f.Request() with { Settings = new SettingValues { [HuggingFaceSettings.Url] = hub.Url } };
        var items = new[] { "model", "legacy", "copy" }.Select(n => RestoreFixture.Item($"hf:onnx-community/silero-vad/onnx/{n}.onnx")).ToArray();

        var result = await f.RestoreAsync(request, items);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(3, result.Models.Count);
        Assert.Single(hub.ApiRequests);

        // A repository that is not there: one request, and each item's problem names its own model.
        hub.ClearRequests();
        var missing = new[] { "a", "b" }.Select(n => RestoreFixture.Item($"hf:nobody/missing/{n}.onnx")).ToArray();
        var failed = await f.RestoreAsync(request, missing);

        Assert.Single(hub.ApiRequests);
        foreach (var item in missing)
        {
            var problem = Assert.Single(failed.Problems, p => p.Item?.Include == item.Include);
            Assert.Equal("MR0040", problem.Diagnostic.Id);
            Assert.StartsWith($"Model '{item.Include}': ", problem.Message);
        }
    }

    [Fact]
    public async Task HubErrors_ReachTheRestoreResult_WithTheirIds()
    {
        using var f = new RestoreFixture();
        using var hub = LoopbackHuggingFace.Start();
        hub.AddRepo("onnx-community/silero-vad").Commit(new() { ["onnx/model.onnx"] = [1, 2, 3] });
        var request = f.Request() with { Settings = new SettingValues { [HuggingFaceSettings.Url] = hub.Url } };

        var result = await f.RestoreAsync(request, RestoreFixture.Item("hf:onnx-community/silero-vad/onnx/missing.onnx"));

        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0043", problem.Diagnostic.Id);
        Assert.Contains("onnx/model.onnx", problem.Message);
    }
}
