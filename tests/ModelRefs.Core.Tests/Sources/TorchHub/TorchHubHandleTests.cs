using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Tests.Sources.TorchHub;

public class TorchHubHandleTests
{
    [Fact]
    public void FullHandle_IsParsed()
    {
        var handle = TorchHubTestContext.Handle("  torchhub:pytorch/vision:v0.14.1/squeezenet1_1 ");
        Assert.Equal(("pytorch", "vision", "v0.14.1", "squeezenet1_1"), (handle.Owner, handle.Repo, handle.Ref, handle.Entry));
        Assert.Equal("torchhub:pytorch/vision:v0.14.1/squeezenet1_1", handle.Text);
        Assert.Equal("torchhub", handle.Scheme);
        Assert.Equal("squeezenet1_1.onnx", handle.FileName);
        Assert.Equal("Squeezenet11", handle.DefaultName);
        Assert.Equal("pytorch/vision", handle.Repository);
    }

    [Fact]
    public void NoRef_MeansTheDefaultBranchRule()
    {
        var handle = TorchHubTestContext.Handle("TorchHub:facebookresearch/dino/dino_vits16");
        Assert.Null(handle.Ref);
        Assert.Equal("torchhub:facebookresearch/dino/dino_vits16", handle.Text);
    }

    [Theory]
    [InlineData("torchhub:owner/repo:release/1.0/entry", "release/1.0")]
    [InlineData("torchhub:owner/my.repo_x-y:0123456789abcdef0123456789abcdef01234567/entry", "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("torchhub:o-w/r:feature/a/b-c/Entry_2", "feature/a/b-c")]
    public void RefsWithSlashes_AndCommitShas(string include, string gitRef) =>
        Assert.Equal(gitRef, TorchHubTestContext.Handle(include).Ref);

    [Fact]
    public void EqualHandles_AreEqual() =>
        Assert.Equal(ModelHandle.Parse("torchhub:a/b:c/d", "/"), ModelHandle.Parse("torchhub:a/b:c/d", "/"));

    [Theory]
    [InlineData("torchhub:pytorch", "write torchhub:<owner>/<repo>[:<ref>]/<entrypoint>")]
    [InlineData("torchhub:pytorch/vision", "names no entrypoint")]
    [InlineData("torchhub:pytorch/vision:v1/", "names no entrypoint")]
    [InlineData("torchhub:pytorch/vision:/resnet18", "ref after ':' is empty")]
    [InlineData("torchhub:pytorch/vision/extra/resnet18", "a ref goes after ':'")]
    [InlineData("torchhub:-bad/vision/resnet18", "not a valid GitHub owner")]
    [InlineData("torchhub:py torch/vision/resnet18", "not a valid GitHub owner")]
    [InlineData("torchhub:pytorch/vi$ion/resnet18", "not a valid GitHub repository name")]
    [InlineData("torchhub:pytorch/../resnet18", "not a valid GitHub repository name")]
    [InlineData("torchhub:pytorch/vision.git:v1/resnet18", "leave out '.git'")]
    [InlineData("torchhub:pytorch/vision:v1/res-net", "not a Python function name")]
    [InlineData("torchhub:pytorch/vision:v1/1resnet", "not a Python function name")]
    [InlineData("torchhub:pytorch/vision:v1/_private", "starts with '_'")]
    [InlineData("torchhub:pytorch/vision:a..b/resnet18", "not a valid git ref")]
    [InlineData("torchhub:pytorch/vision:a b/resnet18", "not a valid git ref")]
    [InlineData("torchhub:pytorch/vision:x.lock/resnet18", "not a valid git ref")]
    [InlineData("torchhub:pytorch/vision:-x/resnet18", "not a valid git ref")]
    [InlineData("torchhub:pytorch/vision:a//b/resnet18", "not a valid git ref")]
    public void MalformedHandles_AreMR0001_WithWhatToWrite(string include, string expected)
    {
        var e = Assert.Throws<ModelRefsException>(() => ModelHandle.Parse(include, "/"));
        Assert.Equal("MR0001", e.Diagnostic.Id);
        Assert.Contains(include.Trim(), e.Message);
        Assert.Contains(expected, e.Message);
    }
}
