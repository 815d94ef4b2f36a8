using ModelRefs.Core.Configuration;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Sources.HuggingFace;
using ModelRefs.Core.Tests.Onnx;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.HuggingFace;

/// <summary>An hf: model's external data: files of the same repository at the model's pinned commit.</summary>
public class HuggingFaceExternalDataTests
{
    private const string Handle = "hf:onnx-community/big-model/onnx/model.onnx";

    private static Dictionary<string, byte[]> RepoFiles(ExternalDataModel model, params string[] leaveOut)
    {
        var files = new Dictionary<string, byte[]> { ["onnx/model.onnx"] = model.Model, ["README.md"] = "---\nlicense: mit\n---\n"u8.ToArray() };
        foreach (var (location, content) in model.Files.Where(f => !leaveOut.Contains(f.Key)))
            files["onnx/" + location] = content;
        return files;
    }

    private static Core.Restore.RestoreRequest Request(RestoreFixture f, LoopbackHuggingFace hub) =>
        f.Request() with { Settings = new SettingValues { [HuggingFaceSettings.Url] = hub.Url } };

    [Fact]
    public async Task TheFilesComeFromThePinnedCommit_EvenAfterTheBranchMoved()
    {
        using var f = new RestoreFixture();
        using var hub = LoopbackHuggingFace.Start();
        var repo = hub.AddRepo("onnx-community/big-model");
        var model = ExternalDataModel.MatMulAdd(singleFile: "model.onnx_data");
        var pinned = repo.Commit(RepoFiles(model));
        var request = Request(f, hub);
        var item = RestoreFixture.Item(Handle, ("Name", "BigModel"));

        var first = await f.RestoreAsync(request, item);

        Assert.True(first.Succeeded, string.Join("\n", first.Problems));
        Assert.Equal(["models/model.onnx_data"], Assert.Single(first.Models).ExternalData.Select(d => d.TargetPath));
        Assert.Equal(model.Files["model.onnx_data"], File.ReadAllBytes(first.Models[0].ExternalData[0].Path));
        var entry = LockFileFormat.Read(f.LockPath)!.Find(Handle)!;
        Assert.Equal($"hf:onnx-community/big-model@{pinned}/onnx/model.onnx", entry.Resolved);
        Assert.Equal(["model.onnx_data"], entry.ExternalData.Keys);

        // main moves to other weights (same model file); a fresh machine restores the pinned commit's weights.
        var other = ExternalDataModel.MatMulAdd(scale: 2, singleFile: "model.onnx_data");
        repo.Commit(RepoFiles(model with { Files = other.Files }));
        Directory.Delete(f.CacheRoot, recursive: true);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        hub.ClearRequests();
        var locked = await f.RestoreAsync(request with { LockedMode = true }, item);
        Assert.True(locked.Succeeded, string.Join("\n", locked.Problems));
        Assert.Equal(model.Files["model.onnx_data"], File.ReadAllBytes(Assert.Single(locked.Models).ExternalData[0].Path));
        Assert.NotEmpty(hub.ApiRequests);
        Assert.All(hub.ApiRequests, r => Assert.EndsWith("/revision/" + pinned, r.Path));
    }

    [Fact]
    public async Task AFileTheRepoDoesNotHave_IsMR0050_ListingTheFilesBesideTheModel()
    {
        using var f = new RestoreFixture();
        using var hub = LoopbackHuggingFace.Start();
        hub.AddRepo("onnx-community/big-model").Commit(RepoFiles(ExternalDataModel.MatMulAdd(), leaveOut: "bias.bin"));

        var result = await f.RestoreAsync(Request(f, hub), RestoreFixture.Item(Handle));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0050", problem.Diagnostic.Id);
        Assert.Contains($"Model '{Handle}'", problem.Message);
        Assert.Contains("no file 'onnx/bias.bin'", problem.Message);
        Assert.Contains("onnx/weights.bin", problem.Message);
    }

    [Fact]
    public async Task ACdnThatServesOtherBytes_IsMR0004_AndNothingIsCached()
    {
        using var f = new RestoreFixture();
        using var hub = LoopbackHuggingFace.Start();
        var repo = hub.AddRepo("onnx-community/big-model");
        repo.IsLfs = path => path.EndsWith(".onnx", StringComparison.Ordinal) || path.EndsWith(".bin", StringComparison.Ordinal);
        var model = ExternalDataModel.MatMulAdd();
        repo.Commit(RepoFiles(model));
        hub.TamperLfs = bytes => bytes.Length == 8 ? [.. bytes[..7], (byte)(bytes[7] ^ 1)] : bytes; // only bias.bin has 8 bytes

        var result = await f.RestoreAsync(Request(f, hub), RestoreFixture.Item(Handle));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0004", problem.Diagnostic.Id);
        Assert.Contains("onnx/bias.bin", problem.Message);
        Assert.False(File.Exists(f.LockPath));
    }
}
