using ModelRefs.Core.Configuration;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.HuggingFace;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.HuggingFace;

public class HuggingFaceVersionsTests
{
    [Fact]
    public async Task AMovedBranch_IsNewerThanTheLockedCommit()
    {
        using var test = new SourceTestContext();
        using var hub = LoopbackHuggingFace.Start();
        var repo = hub.AddRepo("onnx-community/silero-vad");
        var first = repo.Commit(new() { ["onnx/model.onnx"] = [1, 2, 3] });
        var handle = (HuggingFaceModelHandle)ModelHandle.Parse("hf:onnx-community/silero-vad/onnx/model.onnx", test.Temp.Path);
        FetchContext Context() => new(test.Cache, test.Context().Http)
        {
            PinnedResolved = handle.AtCommit(first),
            Credentials = Credentials.None,
            Settings = new SettingValues { [HuggingFaceSettings.Url] = hub.Url },
        };

        Assert.False((await ModelSources.Default.GetVersionsAsync(handle, Context())).IsOutdated);
        var second = repo.Commit(new() { ["onnx/model.onnx"] = [4, 5, 6] });
        var versions = await ModelSources.Default.GetVersionsAsync(handle, Context());
        Assert.Equal((first, second), (versions.Current, versions.Latest));
        Assert.Equal([second], versions.Newer);

        Assert.Equal($"pkg:huggingface/onnx-community/silero-vad@{first}", handle.Provenance(handle.AtCommit(first)).PackageUrl);
        Assert.NotNull(handle.MovablePin(new Dictionary<string, string>()));
        Assert.Null(ModelHandle.Parse(handle.AtCommit(first), test.Temp.Path).MovablePin(new Dictionary<string, string>()));
    }
}
