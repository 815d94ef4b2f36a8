using ModelRefs.Shared.Naming;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Https;
using ModelRefs.Core.Sources.Local;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Sources.TfHub;

namespace ModelRefs.Core.Tests.Sources;

public class ModelHandleTests
{
    private static readonly string ProjectDirectory = Path.Combine(Path.GetTempPath(), "proj");

    private static ModelRefsException Refused(string include)
    {
        var e = Assert.Throws<ModelRefsException>(() => ModelHandle.Parse(include, ProjectDirectory));
        Assert.Equal("MR0001", e.Diagnostic.Id);
        return e;
    }

    [Fact]
    public void RelativePath_IsLocal_ResolvedAgainstTheProjectFolder()
    {
        var handle = Assert.IsType<LocalModelHandle>(ModelHandle.Parse("models/./sub/../silero_vad_v5.onnx", ProjectDirectory));
        Assert.Equal(Path.Combine(ProjectDirectory, "models", "silero_vad_v5.onnx"), handle.FullPath);
        Assert.Equal("models/silero_vad_v5.onnx", handle.Text);
        Assert.Equal("silero_vad_v5.onnx", handle.FileName);
        Assert.Equal("SileroVadV5", handle.DefaultName);
        Assert.Equal("local", handle.Scheme);
    }

    [Fact]
    public void AbsolutePath_AndFileUri_AreLocal()
    {
        var absolute = Path.Combine(Path.GetTempPath(), "elsewhere", "model.onnx");
        var plain = Assert.IsType<LocalModelHandle>(ModelHandle.Parse(absolute, ProjectDirectory));
        Assert.Equal(absolute, plain.FullPath);

        var uri = Assert.IsType<LocalModelHandle>(ModelHandle.Parse(new Uri(absolute).AbsoluteUri, ProjectDirectory));
        Assert.Equal(absolute, uri.FullPath);

        var relative = Assert.IsType<LocalModelHandle>(ModelHandle.Parse("file:models/model.onnx", ProjectDirectory));
        Assert.Equal(Path.Combine(ProjectDirectory, "models", "model.onnx"), relative.FullPath);
        Assert.Equal("models/model.onnx", relative.Text);
    }

    [Fact]
    public void LocalFolder_IsRefused() => Refused("models/");

    [Fact]
    public void Https_IsParsed_AndNormalised()
    {
        var handle = Assert.IsType<HttpsModelHandle>(ModelHandle.Parse("  HTTPS://Example.COM/models/ResNet-18.v1.onnx#frag ", ProjectDirectory));
        Assert.Equal("https://example.com/models/ResNet-18.v1.onnx", handle.Text);
        Assert.Equal("ResNet-18.v1.onnx", handle.FileName);
        Assert.Equal("ResNet18V1", handle.DefaultName);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/m.onnx")]
    [InlineData("http://localhost/m.onnx")]
    [InlineData("http://[::1]:8080/m.onnx")]
    public void PlainHttp_IsAccepted_ForLoopbackOnly(string include) =>
        Assert.IsType<HttpsModelHandle>(ModelHandle.Parse(include, ProjectDirectory));

    [Fact]
    public void PlainHttp_ToARealHost_IsRefused_SayingWhy()
    {
        var e = Refused("http://example.com/m.onnx");
        Assert.Contains("http://example.com/m.onnx", e.Message);
        Assert.Contains("https://", e.Message);
        Assert.Contains("loopback", e.Message);
    }

    [Fact]
    public void Https_WithCredentials_IsRefused_WithoutEchoingThem()
    {
        var e = Refused("https://user:s3cret@example.com/m.onnx");
        Assert.DoesNotContain("s3cret", e.Message);
    }

    [Fact]
    public void Https_WithoutAFileName_IsRefused() => Refused("https://example.com/");

    [Fact]
    public void Npm_Scoped()
    {
        var handle = Assert.IsType<NpmModelHandle>(ModelHandle.Parse("npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx", ProjectDirectory));
        Assert.Equal("@ricky0123/vad-web", handle.PackageName);
        Assert.Equal("@ricky0123%2fvad-web", handle.EncodedPackageName);
        Assert.Equal("0.0.31", handle.Version);
        Assert.Equal("dist/silero_vad_v5.onnx", handle.PathInPackage);
        Assert.Equal("npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx", handle.Text);
        Assert.Equal("silero_vad_v5.onnx", handle.FileName);
        Assert.Equal("SileroVadV5", handle.DefaultName);
    }

    [Fact]
    public void Npm_Unscoped_WithPrereleaseAndBuild_AndVPrefixNormalised()
    {
        var handle = Assert.IsType<NpmModelHandle>(ModelHandle.Parse("npm:some-models@v1.2.3-rc.1+build.5/assets/ch_PP-OCRv4_det_infer.onnx", ProjectDirectory));
        Assert.Equal("some-models", handle.PackageName);
        Assert.Equal("1.2.3-rc.1+build.5", handle.Version);
        Assert.Equal("npm:some-models@1.2.3-rc.1+build.5/assets/ch_PP-OCRv4_det_infer.onnx", handle.Text);
        Assert.Equal("ChPPOCRv4DetInfer", handle.DefaultName);
    }

    [Theory]
    [InlineData("npm:@ricky0123/vad-web@latest/dist/x.onnx", "dist-tag")]
    [InlineData("npm:@ricky0123/vad-web@^0.0.31/dist/x.onnx", "range")]
    [InlineData("npm:vad-web@~1.2.0/dist/x.onnx", "range")]
    [InlineData("npm:vad-web@1.x/dist/x.onnx", "range")]
    [InlineData("npm:vad-web@1.2/dist/x.onnx", "range")]
    [InlineData("npm:vad-web@>=1.0.0/dist/x.onnx", "range")]
    public void Npm_VersionRangesAndTags_AreRefused_ExplainingTheLock(string include, string kind)
    {
        var e = Refused(include);
        Assert.Contains(kind, e.Message);
        Assert.Contains("exact version", e.Message);
        Assert.Contains("lock", e.Message);
        Assert.Contains(include.Trim(), e.Message);
    }

    [Theory]
    [InlineData("npm:@ricky0123/vad-web/dist/x.onnx")]       // no version
    [InlineData("npm:vad-web@1.0.0")]                         // no path
    [InlineData("npm:vad-web@1.0.0/")]                        // empty path
    [InlineData("npm:vad-web@1.0.0/../x.onnx")]               // climbing out
    [InlineData("npm:vad-web@1.0.0/package/dist/x.onnx")]     // tarball folder spelled out
    [InlineData("npm:@a/b/c@1.0.0/x.onnx")]                   // bad scoped name
    [InlineData("npm:.hidden@1.0.0/x.onnx")]                  // bad name
    [InlineData("npm:va d@1.0.0/x.onnx")]
    public void Npm_MalformedHandles_AreRefused(string include) => Refused(include);

    [Theory]
    [InlineData("oci:ghcr.io/owner/model:1", "oci:ghcr.io/owner/model:1")]
    [InlineData("oci://GHCR.io/owner/model:1", "oci:ghcr.io/owner/model:1")]
    [InlineData("oci:127.0.0.1:5000/team/vad@sha256:2623A2953F6FF3D2C1E61740C6CDB7168133479B267DFEF114A4A3CC5BDD788F",
        "oci:127.0.0.1:5000/team/vad@sha256:2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f")]
    public void OciHandles_AreParsed_AndNormalised(string include, string text)
    {
        var handle = Assert.IsType<Core.Sources.Oci.OciModelHandle>(ModelHandle.Parse(include, "/p"));
        Assert.Equal(text, handle.Text);
    }

    [Theory]
    [InlineData("oci:ghcr.io/owner/model")]            // neither tag nor digest
    [InlineData("oci:ghcr.io/Owner/model:1")]          // repositories are lower-case
    [InlineData("oci:ghcr.io/owner/model@sha256:abc")] // short digest
    [InlineData("oci:ghcr.io/owner/model:-x")]         // bad tag
    [InlineData("oci:model:1")]                        // no registry
    [InlineData("oci:host:99999/model:1")]             // bad port
    public void Oci_MalformedHandles_AreRefused(string include)
    {
        var e = Refused(include);
        Assert.Contains("oci:", e.Message);
    }

    [Theory]
    [InlineData("tfhub:google/movenet/singlepose/lightning/4")]
    [InlineData("https://tfhub.dev/google/movenet/singlepose/lightning/4")]
    [InlineData("https://www.kaggle.com/models/google/movenet/tfJs/singlepose-lightning/4")]
    public void TfHubHandles_AndTheirUrls_AreOneHandle(string include)
    {
        var handle = Assert.IsType<TfHubModelHandle>(ModelHandle.Parse(include, "/p"));
        Assert.Equal("tfhub:google/movenet/singlepose/lightning/4", handle.Text);
    }

    [Fact]
    public void UnknownScheme_ListsTheSupportedForms()
    {
        var e = Refused("ftp://example.com/m.onnx");
        Assert.Contains("'ftp:'", e.Message);
        Assert.Contains("npm:<package>@<exact version>/<path inside the package>", e.Message);
        Assert.Contains("https://", e.Message);
        Assert.Contains("local path", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_IsRefused(string include) => Refused(include);

    [Theory]
    [InlineData("silero_vad_v5", "SileroVadV5")]
    [InlineData("resnet18", "Resnet18")]
    [InlineData("movenet-lightning", "MovenetLightning")]
    [InlineData("2d pose", "Model2dPose")]
    [InlineData("___", "Model")]
    [InlineData("élan vital", "ÉlanVital")]
    public void DefaultNames_ArePascalCaseIdentifiers(string fileName, string expected) =>
        Assert.Equal(expected, ModelTypeNames.FromFileName(fileName));

    [Fact]
    public void Handles_CompareByTypeAndText()
    {
        var a = ModelHandle.Parse("npm:vad-web@1.0.0/x.onnx", ProjectDirectory);
        var b = ModelHandle.Parse("npm:vad-web@v1.0.0/x.onnx", ProjectDirectory);
        Assert.Equal(a, b);
        Assert.NotEqual(a, ModelHandle.Parse("x.onnx", ProjectDirectory));
    }

    [Theory]
    [InlineData("models/m\0.onnx", "U+0000")]
    [InlineData("npm:vad-web@1.0.0/m\0.onnx", "U+0000")]
    [InlineData("https://example.com/m.onnx?x=\u0001", "U+0001")]
    public void ControlCharacters_AreRefused_WithoutPrintingThem(string include, string named)
    {
        var e = Refused(include);
        Assert.Contains(named, e.Message);
        Assert.DoesNotContain(e.Message, c => char.IsControl(c));
    }

    [Theory]
    [InlineData("https://example.com/m.onnx?token=abc&sig=def", "https://example.com/m.onnx?token=***&sig=***")]
    [InlineData("https://example.com/m.onnx?X-Amz-Signature=abc&flag", "https://example.com/m.onnx?X-Amz-Signature=***&flag")]
    [InlineData("https://example.com/m.onnx#part", "https://example.com/m.onnx")]
    public void AnHttpsUrlsQueryValues_AreNeverPartOfItsText_OnlyOfWhatIsRequested(string include, string text)
    {
        var handle = Assert.IsType<HttpsModelHandle>(ModelHandle.Parse(include, ProjectDirectory));
        Assert.Equal(text, handle.Text);
        Assert.Equal(new Uri(include.Split('#')[0]), handle.Uri);
    }

    [Fact]
    public void AnInvalidUrlsMessage_HidesItsQueryValues()
    {
        var e = Refused("http://example.com/m.onnx?token=s3cret");
        Assert.DoesNotContain("s3cret", e.Message);
        Assert.Contains("token=***", e.Message);
    }
}
