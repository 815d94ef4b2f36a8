using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.Npm;

public class NpmVersionsTests
{
    [Fact]
    public async Task GetVersions_ReadsThePackumentsNewerVersionsAndLatest()
    {
        using var test = new SourceTestContext();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage("@ricky0123/vad-web@0.0.30");
        registry.AddPackage(NpmPackages.SileroVad);
        var handle = ModelHandle.Parse("npm:@ricky0123/vad-web@0.0.30/dist/silero_vad_v5.onnx", test.Temp.Path);

        var versions = await ModelSources.Default.GetVersionsAsync(handle, test.Context(npmRegistry: registry.Url));

        Assert.Equal("0.0.30", versions.Current);
        Assert.Equal("0.0.31", versions.Latest);
        Assert.Equal(["0.0.31"], versions.Newer);
        Assert.True(versions.IsOutdated);
        Assert.Equal(["GET /@ricky0123%2fvad-web"], registry.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public void WithVersion_WritesTheSameFileAtTheOtherVersion_AndRefusesRanges()
    {
        var handle = ModelHandle.Parse("npm:@ricky0123/vad-web@0.0.30/dist/silero_vad_v5.onnx", Path.GetTempPath());
        Assert.Equal("npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx", ModelSources.Default.WithVersion(handle, "0.0.31").Text);
        var range = Assert.Throws<Core.Diagnostics.ModelRefsException>(() => ModelSources.Default.WithVersion(handle, "^0.1"));
        Assert.Equal("MR0001", range.Diagnostic.Id);
        var local = ModelHandle.Parse("models/a.onnx", Path.GetTempPath());
        Assert.Throws<Core.Diagnostics.ModelRefsException>(() => ModelSources.Default.WithVersion(local, "2"));
    }
}
