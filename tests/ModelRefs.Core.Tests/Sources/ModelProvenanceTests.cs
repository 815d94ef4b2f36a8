using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Tests.Sources;

public class ModelProvenanceTests
{
    private static ModelHandle Parse(string include) => ModelHandle.Parse(include, Path.GetTempPath());

    [Fact]
    public void TorchHub_PinsTheLockedCommit_AsAGithubPurl()
    {
        var commit = new string('c', 40);
        var handle = Parse("torchhub:pytorch/vision:v0.14.1/squeezenet1_1");
        var provenance = handle.Provenance($"torchhub:pytorch/vision:{commit}/squeezenet1_1");
        Assert.Equal(commit, provenance.Version);
        Assert.Equal($"pkg:github/pytorch/vision@{commit}", provenance.PackageUrl);
        Assert.Equal("v0.14.1", handle.Provenance(null).Version);
        Assert.Null(handle.Provenance(null).PackageUrl);
        // A HubDirectory item's lock entry pins a folder's files: no commit, no purl, no error.
        var local = handle.Provenance("hub/hubconf.py#squeezenet1_1");
        Assert.Equal("v0.14.1", local.Version);
        Assert.Null(local.PackageUrl);
    }

    [Fact]
    public void MovablePins_AreTheSourcesOwnAnswers()
    {
        var none = new Dictionary<string, string>();
        Assert.NotNull(Parse("torchhub:pytorch/vision/squeezenet1_1").MovablePin(none));
        Assert.NotNull(Parse("torchhub:pytorch/vision:main/squeezenet1_1").MovablePin(none));
        Assert.Null(Parse($"torchhub:pytorch/vision:{new string('a', 40)}/squeezenet1_1").MovablePin(none));
        Assert.NotNull(Parse("tfhub:google/movenet/singlepose/lightning").MovablePin(none));
        Assert.Null(Parse("tfhub:google/movenet/singlepose/lightning/4").MovablePin(none));
        Assert.NotNull(Parse("https://example.com/m.onnx").MovablePin(none));
        Assert.Null(Parse("https://example.com/m.onnx").MovablePin(new Dictionary<string, string> { ["Sha256"] = new('a', 64) }));
        Assert.Null(Parse("npm:a@1.0.0/m.onnx").MovablePin(none));
        Assert.True(Parse("npm:a@1.0.0/m.onnx").IsRedistributed);
        Assert.False(Parse("models/m.onnx").IsRedistributed);
    }

    [Fact]
    public void Oci_PinsTheLockedDigest_AsAnOciPurl_AndATagIsMovable()
    {
        var digest = "sha256:" + new string('d', 64);
        var tagged = Parse("oci:registry.example:5000/models/silero-vad:v5");
        var provenance = tagged.Provenance($"oci:registry.example:5000/models/silero-vad@{digest}");
        Assert.Equal(digest, provenance.Version);
        Assert.Equal($"pkg:oci/silero-vad@sha256%3A{new string('d', 64)}?repository_url=registry.example%3A5000%2Fmodels%2Fsilero-vad&tag=v5", provenance.PackageUrl);
        Assert.NotNull(tagged.MovablePin(new Dictionary<string, string>()));
        Assert.Null(Parse($"oci:registry.example:5000/models/silero-vad@{digest}").MovablePin(new Dictionary<string, string>()));
    }

    [Fact]
    public void HttpUrlOrNull_KeepsHttpUrlsWithoutTheirFragment()
    {
        Assert.Equal("https://r.example/a.tgz", ModelProvenance.HttpUrlOrNull("https://r.example/a.tgz#dist/m.onnx"));
        Assert.Null(ModelProvenance.HttpUrlOrNull("torchhub:pytorch/vision:abc/x"));
        Assert.Null(ModelProvenance.HttpUrlOrNull("models/a.onnx"));
    }
}
