using ModelRefs.Core.Configuration;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.TfHub;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.TfHub;

public class TfHubVersionsTests
{
    private const string MoveNet = "google/movenet/singlepose/lightning";

    [Fact]
    public async Task LatestVersion_IsReadFromTheRedirect_WithoutDownloading()
    {
        using var test = new SourceTestContext();
        using var hub = LoopbackTfHub.Start();
        hub.Add(MoveNet, 3, "tfjs-format=compressed", [1, 2, 3]);
        hub.Add(MoveNet, 4, "tfjs-format=compressed", [4, 5, 6]);
        // As the modelref tool's client: redirects are followed hop by hop, so the storage URL is never asked.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var context = new FetchContext(test.Cache, http)
        {
            Metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Format"] = "tfjs" },
            Settings = new SettingValues { [TfHubSettings.Url] = hub.Url },
        };

        var pinned = await ModelSources.Default.GetVersionsAsync(ModelHandle.Parse("tfhub:" + MoveNet + "/3", test.Temp.Path), context);
        Assert.Equal(("3", "4"), (pinned.Current, pinned.Latest));
        Assert.Equal(["4"], pinned.Newer);

        var latest = await ModelSources.Default.GetVersionsAsync(ModelHandle.Parse("tfhub:" + MoveNet + "/4", test.Temp.Path), context);
        Assert.False(latest.IsOutdated);
        Assert.Equal(0, hub.DownloadCount);

        var moved = ModelSources.Default.WithVersion(ModelHandle.Parse("tfhub:" + MoveNet + "/3", test.Temp.Path), "4");
        Assert.Equal("tfhub:" + MoveNet + "/4", moved.Text);
    }
}
