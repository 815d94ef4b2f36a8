using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Tests.Sources;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Sources.Local;

public class LocalModelSourceTests
{
    private static string SileroFile => NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path);

    [Fact]
    public async Task HashesTheFileInPlace()
    {
        using var test = new SourceTestContext();
        var artifact = await test.FetchAsync(SileroFile, test.Context());
        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
        Assert.Equal(SileroFile, artifact.Path);
        Assert.Null(artifact.License);
        Assert.Empty(test.CacheFiles());
    }

    [Fact]
    public async Task RelativePath_IsRelativeToTheProject_AndVerifiedAgainstSha256()
    {
        using var test = new SourceTestContext();
        Directory.CreateDirectory(test.Temp.Combine("models"));
        File.Copy(SileroFile, test.Temp.Combine("models", "vad.onnx"));
        var artifact = await test.FetchAsync("models/vad.onnx", test.Context(sha256: NpmPackages.SileroVadV5Sha256.ToUpperInvariant()));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
        Assert.Equal("models/vad.onnx", artifact.Resolved);
    }

    [Fact]
    public async Task WrongSha256_IsMR0004_WithBothHashes()
    {
        using var test = new SourceTestContext();
        var wrong = new string('0', 64);
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(SileroFile, test.Context(sha256: wrong)));
        Assert.Equal("MR0004", e.Diagnostic.Id);
        Assert.Contains(wrong, e.Message);
        Assert.Contains(NpmPackages.SileroVadV5Sha256, e.Message);
        Assert.Contains(SileroFile, e.Message);
    }

    [Fact]
    public async Task MissingFile_IsMR0002()
    {
        using var test = new SourceTestContext();
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync("models/missing.onnx", test.Context()));
        Assert.Equal("MR0002", e.Diagnostic.Id);
        Assert.Contains("models/missing.onnx", e.Message);
        Assert.Contains(test.Temp.Combine("models", "missing.onnx"), e.Message);
    }

    [Fact]
    public async Task Folder_IsMR0002()
    {
        using var test = new SourceTestContext();
        Directory.CreateDirectory(test.Temp.Combine("model.onnx"));
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync("model.onnx", test.Context()));
        Assert.Equal("MR0002", e.Diagnostic.Id);
        Assert.Contains("folder", e.Message);
    }

    [Fact]
    public async Task MalformedSha256_IsMR0009()
    {
        using var test = new SourceTestContext();
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(SileroFile, test.Context(sha256: "abc")));
        Assert.Equal("MR0009", e.Diagnostic.Id);
    }
}
