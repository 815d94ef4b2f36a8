using ModelRefs.Core.Caching;
using ModelRefs.Core.Deployment;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.IO;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Deployment;

public sealed class ModelDeploymentTests
{
    [Fact]
    public async Task LinkMode_DeploysTheReadOnlyBlobItself_ThenFindsItUpToDate()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Combine("cache"));
        var blob = await cache.AddAsync(new MemoryStream([1, 2, 3, 4]));
        Assert.True(FileLinks.IsReadOnly(blob.Path), "a blob must be read-only");
        var target = temp.Combine("bin", "models", "M.onnx");

        Assert.Equal(DeployOutcome.Linked, ModelDeployment.Deploy(blob.Path, target, DeployMode.Link));
        Assert.Equal(DeployOutcome.UpToDate, ModelDeployment.Deploy(blob.Path, target, DeployMode.Link));
        Assert.True(FileLinks.IsReadOnly(target));
        Assert.Equal(File.GetLastWriteTimeUtc(blob.Path), File.GetLastWriteTimeUtc(target));
        // Same file: removing bin's name leaves the blob whole.
        File.Delete(target);
        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(blob.Path));
    }

    [Fact]
    public async Task CopyMode_ReplacesALinkByAWritableCopy_WithTheBlobsTimestamp()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Combine("cache"));
        var blob = await cache.AddAsync(new MemoryStream([5, 6, 7]));
        var target = temp.Combine("bin", "M.onnx");
        ModelDeployment.Deploy(blob.Path, target, DeployMode.Link);

        Assert.Equal(DeployOutcome.Copied, ModelDeployment.Deploy(blob.Path, target, DeployMode.Copy));
        Assert.False(FileLinks.IsReadOnly(target));
        Assert.Equal(File.GetLastWriteTimeUtc(blob.Path), File.GetLastWriteTimeUtc(target));
        await File.WriteAllBytesAsync(target, [9]);
        Assert.Equal([5, 6, 7], await File.ReadAllBytesAsync(blob.Path));
        Assert.Equal(DeployOutcome.Copied, ModelDeployment.Deploy(blob.Path, target, DeployMode.Copy));
        Assert.Equal([5, 6, 7], await File.ReadAllBytesAsync(target));
    }

    [Fact]
    public void AFileThatIsNotReadOnly_IsCopiedEvenInLinkMode()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("writable.onnx");
        File.WriteAllBytes(source, [1]);
        var target = temp.Combine("bin", "M.onnx");

        Assert.Equal(DeployOutcome.Copied, ModelDeployment.Deploy(source, target, DeployMode.Link));
        File.WriteAllBytes(target, [2]);
        Assert.Equal([1], File.ReadAllBytes(source));
    }

    [Theory]
    [InlineData(null, DeployMode.Link)]
    [InlineData("", DeployMode.Link)]
    [InlineData(" Link ", DeployMode.Link)]
    [InlineData("copy", DeployMode.Copy)]
    public void ParseMode_ReadsTheProperty(string? text, DeployMode expected) => Assert.Equal(expected, ModelDeployment.ParseMode(text));

    [Fact]
    public void ParseMode_RefusesOtherValues_AsMR0014()
    {
        var e = Assert.Throws<ModelRefsException>(() => ModelDeployment.ParseMode("symlink"));
        Assert.Equal("MR0014", e.Diagnostic.Id);
        Assert.Contains("ModelRefsDeploy='symlink'", e.Message);
    }
}
