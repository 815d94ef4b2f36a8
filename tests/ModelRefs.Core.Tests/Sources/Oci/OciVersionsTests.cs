using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.TestSupport.Oci;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary><c>modelref outdated</c> for oci: handles: the tags of a real registry, read page by page, compared as versions; a non-version tag by the manifest it names.</summary>
public sealed class OciVersionsTests : IDisposable
{
    private readonly DistributionRegistry _registry = DistributionRegistry.Start();
    private readonly OciTestClient _client;

    public OciVersionsTests() => _client = new OciTestClient(_registry.Url);

    public void Dispose()
    {
        _client.Dispose();
        _registry.Dispose();
    }

    private static OciModelSource Source() => new(OciTestSources.NoDockerConfig) { TagPageSize = 2 };

    [Fact]
    public async Task TheTagList_IsReadPageByPage_ThroughItsLinkHeader()
    {
        // Debian's Distribution 2.8 answers every tag in one page; this registry pages as the spec allows.
        using var registry = TestSupport.Http.LoopbackOciRegistry.Start();
        foreach (var tag in new[] { "1.0", "1.1", "1.2", "2.0", "2.1", "latest" })
            registry.AddManifest("models/vad", tag, System.Text.Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:" + new string('0', 64) + "\",\"size\":1},\"layers\":[]," +
                "\"annotations\":{\"t\":\"" + tag + "\"}}"));
        using var test = new SourceTestContext();

        var versions = await Source().GetVersionsAsync(ModelHandle.Parse($"oci:{registry.Authority}/models/vad:1.1", test.Temp.Path), test.Context());

        Assert.Equal(["1.2", "2.0", "2.1"], versions.Newer);
        Assert.Equal(3, registry.Server.Requests.Count(r => r.Path.EndsWith("/tags/list", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("[]", null, "the tag list of models/vad is a JSON array, not an object with \"tags\".")]
    [InlineData("{\"tags\":[\"1.2\"]}", "<http://[::1>; rel=\"next\"", "names the next page of the tag list of models/vad with a Link that is not a URL")]
    public async Task AnOddTagList_IsMR0065(string body, string? link, string expected)
    {
        using var registry = TestSupport.Http.LoopbackOciRegistry.Start();
        registry.AddManifest("models/vad", "1.1", System.Text.Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:" + new string('0', 64) + "\",\"size\":1},\"layers\":[]}"));
        registry.Server.Intercept = r => r.Path.EndsWith("/tags/list", StringComparison.Ordinal)
            ? link is null ? TestSupport.Http.LoopbackResponse.Json(body) : TestSupport.Http.LoopbackResponse.Json(body).WithHeader("Link", link)
            : null;
        using var test = new SourceTestContext();

        var e = await Assert.ThrowsAsync<Core.Diagnostics.ModelRefsException>(() =>
            Source().GetVersionsAsync(ModelHandle.Parse($"oci:{registry.Authority}/models/vad:1.1", test.Temp.Path), test.Context()));

        Assert.Equal("MR0065", e.Diagnostic.Id);
        Assert.Contains(expected, e.Message);
    }

    private static FetchContext Pinned(SourceTestContext test, string resolved) => new(test.Cache, new HttpClient()) { PinnedResolved = resolved };

    private async Task<string> PushAsync(string tag, string variant) =>
        await _client.PushModelPackAsync("models/vad", tag, [TestLayer.Raw("vad.onnx", Restore.RestoreFixture.Model(variant))], ["MIT"]);

    [Fact]
    public async Task NewerVersionTags_AreListedInVersionOrder_WithoutPrereleases_AndAMovedTagIsNoted()
    {
        var locked = await PushAsync("1.2", "a");
        foreach (var tag in new[] { "1.0", "1.10", "1.9", "2.0-rc1", "v1.9-rc1", "latest" })
            await PushAsync(tag, tag);
        using var test = new SourceTestContext();
        var handle = ModelHandle.Parse($"oci:{_registry.Authority}/models/vad:1.2", test.Temp.Path);
        var context = Pinned(test, ((OciModelHandle)handle).AtDigest(locked, "vad.onnx"));

        var versions = await Source().GetVersionsAsync(handle, context);

        Assert.Equal("1.2", versions.Current);
        Assert.Equal(["1.9", "1.10"], versions.Newer);
        Assert.Equal("1.10", versions.Latest);
        Assert.Null(versions.Note);

        // The same tag pushed again with other content: still the same versions, and a note that it moved.
        var moved = await PushAsync("1.2", "b");
        var again = await Source().GetVersionsAsync(handle, context);
        Assert.Equal(["1.9", "1.10"], again.Newer);
        Assert.Contains(moved, again.Note);

        // A prerelease tag sees the newer prereleases and releases.
        var rc = await Source().GetVersionsAsync(ModelHandle.Parse($"oci:{_registry.Authority}/models/vad:v1.9-rc1", test.Temp.Path), test.Context());
        Assert.Equal(["1.9", "1.10", "2.0-rc1"], rc.Newer);
    }

    [Fact]
    public async Task ANonVersionTag_IsOutdatedWhenItNamesAnotherManifestThanTheLock_AndADigestHandleHasNoVersions()
    {
        var first = await PushAsync("latest", "a");
        using var test = new SourceTestContext();
        var handle = ModelHandle.Parse($"oci:{_registry.Authority}/models/vad:latest", test.Temp.Path);
        var context = Pinned(test, ((OciModelHandle)handle).AtDigest(first, "vad.onnx"));

        var same = await Source().GetVersionsAsync(handle, context);
        Assert.False(same.IsOutdated);
        Assert.Equal(first, same.Current);

        var second = await PushAsync("latest", "b");
        var moved = await Source().GetVersionsAsync(handle, context);
        Assert.True(moved.IsOutdated);
        Assert.Equal(first, moved.Current);
        Assert.Equal([second], moved.Newer);
        Assert.Contains("another manifest", moved.Note);

        var digest = await Source().GetVersionsAsync(ModelHandle.Parse($"oci:{_registry.Authority}/models/vad@{first}", test.Temp.Path), test.Context());
        Assert.False(digest.IsOutdated);
        Assert.Contains("digest", digest.Note);
    }
}
