using System.Security.Cryptography;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Tests.Sources;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.Https;

public class HttpsModelSourceTests
{
    private static readonly byte[] Model = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
    private const string Sha = NpmPackages.SileroVadV5Sha256;

    private static LoopbackHttpServer Serve(out string url, Func<LoopbackRequest, LoopbackResponse>? handler = null)
    {
        var server = LoopbackHttpServer.Start();
        server.Map("/models/silero_vad_v5.onnx", handler ?? (_ => LoopbackResponse.Bytes(Model)));
        url = server.Url + "models/silero_vad_v5.onnx";
        return server;
    }

    [Fact]
    public async Task Downloads_Verifies_AndCaches()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url);

        var artifact = await test.FetchAsync(url, test.Context(sha256: Sha));

        Assert.Equal(Sha, artifact.Sha256);
        Assert.Equal(url, artifact.Resolved);
        Assert.Equal(test.Cache.GetBlobPath(Sha), artifact.Path);
        Assert.Equal(Model, File.ReadAllBytes(artifact.Path));
        Assert.Equal(["GET /models/silero_vad_v5.onnx"], server.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public async Task PinnedSha256_InTheCache_IsServedWithoutARequest()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url);
        await test.FetchAsync(url, test.Context(sha256: Sha));
        server.ClearRequests();

        var again = await test.FetchAsync(url, test.Context(sha256: Sha));
        // Offline too: the pin names content the cache has.
        var offline = await test.FetchAsync(url, test.Context(sha256: Sha, offline: true));

        Assert.Equal(0, server.RequestCount);
        Assert.Equal(Sha, again.Sha256);
        Assert.Equal(url, again.Resolved);
        Assert.Equal(again, offline);
    }

    [Fact]
    public async Task PinnedSha256_FromAnotherSource_IsServedWithoutARequest()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url);
        await test.Cache.AddAsync(new MemoryStream(Model), Sha);

        var artifact = await test.FetchAsync(url, test.Context(sha256: Sha));

        Assert.Equal(0, server.RequestCount);
        Assert.Equal(Sha, artifact.Sha256);
    }

    [Fact]
    public async Task Unpinned_DownloadsEveryTime_OnlineAndUsesTheLastDownloadOffline()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url);
        await test.FetchAsync(url, test.Context());
        await test.FetchAsync(url, test.Context());
        Assert.Equal(2, server.RequestCount);

        var offline = await test.FetchAsync(url, test.Context(offline: true));
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(Sha, offline.Sha256);
    }

    [Fact]
    public async Task HashMismatch_IsMR0004_ShowsBothHashes_AndCachesNothing()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url);
        var wrong = Convert.ToHexString(SHA256.HashData("other"u8)).ToLowerInvariant();

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(sha256: wrong)));

        Assert.Equal("MR0004", e.Diagnostic.Id);
        Assert.Contains(url, e.Message);
        Assert.Contains(wrong, e.Message);
        Assert.Contains(Sha, e.Message);
        Assert.Contains("nothing was cached", e.Message);
        Assert.Empty(test.CacheFiles());
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(403)]
    public async Task HttpErrors_AreMR0003_WithStatusAndUrl(int status)
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, _ => LoopbackResponse.Status(status));

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context()));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains($"HTTP {status}", e.Message);
        Assert.Contains(url, e.Message);
        Assert.Empty(test.CacheFiles());
    }

    [Fact]
    public async Task ConnectionDroppedMidBody_IsMR0003_AndLeavesNoTempFile()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, _ => new LoopbackResponse { Body = Model, DropAfterBodyBytes = Model.Length / 2 });

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context()));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains(url, e.Message);
        Assert.Empty(test.CacheFiles());
    }

    [Fact]
    public async Task ShortBody_WithHonestPin_IsMR0004_NotCached()
    {
        using var test = new SourceTestContext();
        // The server claims a shorter length: the client reads a complete-looking, truncated body.
        using var server = Serve(out var url, _ => new LoopbackResponse { Body = Model, ContentLengthOverride = 1000 });

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(sha256: Sha)));

        Assert.Equal("MR0004", e.Diagnostic.Id);
        Assert.Empty(test.CacheFiles());
    }

    [Fact]
    public async Task NoServer_IsMR0003()
    {
        using var test = new SourceTestContext();
        int port;
        using (var server = LoopbackHttpServer.Start())
            port = server.Port;
        var url = $"http://127.0.0.1:{port}/m.onnx";

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context()));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains(url, e.Message);
    }

    [Fact]
    public async Task Redirect_ResolvesToTheFinalUrl()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url);
        server.Map("/latest.onnx", _ => LoopbackResponse.Redirect(url));

        var artifact = await test.FetchAsync(server.Url + "latest.onnx", test.Context(sha256: Sha));

        Assert.Equal(url, artifact.Resolved);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task Offline_NotCached_IsMR0010_SayingHowToFetch()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url);

        var pinned = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(sha256: Sha, offline: true)));
        var unpinned = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(offline: true)));

        foreach (var e in new[] { pinned, unpinned })
        {
            Assert.Equal("MR0010", e.Diagnostic.Id);
            Assert.Contains(url, e.Message);
            Assert.Contains("ModelRefsOffline", e.Message);
        }
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task Timeout_IsMR0003()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, _ => new LoopbackResponse { Body = Model, Delay = TimeSpan.FromSeconds(10) });
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(http: http)));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("timed out", e.Message);
    }
}
