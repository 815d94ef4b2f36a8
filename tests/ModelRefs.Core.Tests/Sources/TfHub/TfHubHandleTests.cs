using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Https;
using ModelRefs.Core.Sources.TfHub;

namespace ModelRefs.Core.Tests.Sources.TfHub;

public class TfHubHandleTests
{
    private static TfHubModelHandle Parse(string include) => Assert.IsType<TfHubModelHandle>(ModelHandle.Parse(include, "/project"));

    [Fact]
    public void FullHandle_IsParsed()
    {
        var handle = Parse(" tfhub:google/movenet/singlepose/lightning/4 ");
        Assert.Equal(("google", "movenet", 4), (handle.Publisher, handle.Model, handle.Version));
        Assert.Equal(["singlepose", "lightning"], handle.Variations);
        Assert.Equal("tfhub:google/movenet/singlepose/lightning/4", handle.Text);
        Assert.Equal("google/movenet/singlepose/lightning", handle.ModelPath);
        Assert.Equal("tfhub", handle.Scheme);
        Assert.Equal("MovenetSingleposeLightning", handle.DefaultName);
        Assert.Null(handle.ImpliedFormat);
    }

    [Fact]
    public void NoVersion_MeansTheLatest()
    {
        var handle = Parse("tfhub:google/movenet/singlepose/lightning");
        Assert.Null(handle.Version);
        Assert.Equal("tfhub:google/movenet/singlepose/lightning", handle.Text);
        Assert.Equal("google/movenet/singlepose/lightning/7", handle.PathAt(7));
    }

    [Fact]
    public void PublisherAndModelOnly_IsAHandle()
    {
        var handle = Parse("tfhub:google/imagenet/2");
        Assert.Empty(handle.Variations);
        Assert.Equal(2, handle.Version);
        Assert.Equal("Imagenet", handle.DefaultName);
    }

    [Theory]
    [InlineData("https://tfhub.dev/google/movenet/singlepose/lightning/4", null)]
    [InlineData("https://tfhub.dev/google/movenet/singlepose/lightning/4?tf-hub-format=compressed", null)]
    [InlineData("https://tfhub.dev/google/tfjs-model/movenet/singlepose/lightning/4", TfHubFormat.TfJs)]
    [InlineData("https://tfhub.dev/google/lite-model/movenet/singlepose/lightning/4", TfHubFormat.TfLite)]
    [InlineData("https://www.kaggle.com/models/google/movenet/tfJs/singlepose-lightning/4", TfHubFormat.TfJs)]
    [InlineData("https://www.kaggle.com/models/google/movenet/frameworks/tfJs/variations/singlepose-lightning/versions/4", TfHubFormat.TfJs)]
    [InlineData("https://www.kaggle.com/models/google/movenet/tensorFlow2/singlepose-lightning/4", TfHubFormat.SavedModel)]
    [InlineData("https://kaggle.com/models/google/movenet/tfLite/singlepose-lightning/4", TfHubFormat.TfLite)]
    public void Urls_AreTheSameHandle_WithTheFormatTheyName(string url, TfHubFormat? format)
    {
        var handle = Parse(url);
        Assert.Equal("tfhub:google/movenet/singlepose/lightning/4", handle.Text);
        Assert.Equal(format, handle.ImpliedFormat);
        Assert.Equal(Parse("tfhub:google/movenet/singlepose/lightning/4"), handle);
    }

    [Fact]
    public void UnversionedKaggleUrl_MeansTheLatest()
    {
        var handle = Parse("https://www.kaggle.com/models/google/movenet/tfJs/singlepose-lightning");
        Assert.Null(handle.Version);
        Assert.Equal("tfhub:google/movenet/singlepose/lightning", handle.Text);
    }

    [Fact]
    public void OtherHttpsUrls_StayPlainDownloads() =>
        Assert.IsType<HttpsModelHandle>(ModelHandle.Parse("https://www.kaggle.com/datasets/x/model.onnx", "/p"));

    [Theory]
    [InlineData("tfhub:")]
    [InlineData("tfhub:google")]
    [InlineData("tfhub:google/4")]
    [InlineData("tfhub:google//movenet/4")]
    [InlineData("tfhub:google/movenet/../x/4")]
    [InlineData("tfhub:google/move net/4")]
    [InlineData("tfhub:google/movenet/0")]
    [InlineData("tfhub:google/movenet/3/lightning/4")]
    [InlineData("https://www.kaggle.com/models/google/movenet/pyTorch/singlepose-lightning/4")]
    [InlineData("https://www.kaggle.com/models/google/movenet")]
    public void MalformedHandles_AreRefused(string include)
    {
        var e = Assert.Throws<ModelRefsException>(() => ModelHandle.Parse(include, "/project"));
        Assert.Equal("MR0001", e.Diagnostic.Id);
        Assert.Contains("tfhub", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
