using System.Diagnostics;
using System.Net;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Tests.Sources;
using ModelRefs.TestSupport.Http;
using static ModelRefs.Core.Tests.Sources.Downloads.DownloadTest;

namespace ModelRefs.Core.Tests.Sources.Downloads;

/// <summary>The https source against a loopback server that breaks in every way a real one does.</summary>
public class DownloadFaultTests
{
    private const string Path = "/models/big.onnx";

    /// <summary>Serves <see cref="DownloadTest.Content"/>; <paramref name="handler"/> gets the request's 0-based index.</summary>
    private static LoopbackHttpServer Serve(out string url, Func<int, LoopbackRequest, LoopbackResponse> handler)
    {
        var server = LoopbackHttpServer.Start();
        var count = 0;
        server.Map(Path, request => handler(Interlocked.Increment(ref count) - 1, request));
        url = server.Url + Path.TrimStart('/');
        return server;
    }

    [Fact(Timeout = 30_000)]
    public async Task DroppedMidBody_Resumes_WithRange()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (i, r) =>
        {
            var response = LoopbackResponse.Ranged(r, Content);
            if (i == 0)
                response.DropAfterBodyBytes = 600_000;
            return response;
        });

        var artifact = await test.FetchAsync(url, test.Context(sha256: ContentSha, http: NoAutoRedirect));

        Assert.Equal(ContentSha, artifact.Sha256);
        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Header("Range"));
        var range = requests[1].Header("Range");
        Assert.NotNull(range);
        Assert.Matches(@"^bytes=[1-9][0-9]*-$", range);
        Assert.Equal("\"v1\"", requests[1].Header("If-Range"));
        Assert.True(server.BodyBytesSent < 2L * Content.Length, $"served {server.BodyBytesSent} bytes for a {Content.Length}-byte file");
        Assert.Contains(test.Log, l => l.Contains("resuming at byte", StringComparison.Ordinal));
        AssertOnlyBlob(test, ContentSha);
    }

    [Fact(Timeout = 30_000)]
    public async Task DroppedMidBody_ServerIgnoresRange_StartsAgain()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (i, _) =>
        {
            // A server that sends validators but answers every request with the whole file.
            var response = LoopbackResponse.Bytes(Content).WithHeader("ETag", "\"v1\"");
            if (i == 0)
                response.DropAfterBodyBytes = 600_000;
            return response;
        });

        var artifact = await test.FetchAsync(url, test.Context(http: NoAutoRedirect));

        Assert.Equal(ContentSha, artifact.Sha256);
        Assert.Equal(2, server.RequestCount);
        Assert.NotNull(server.Requests[1].Header("Range"));
        Assert.Contains(test.Log, l => l.Contains("starting again from byte 0", StringComparison.Ordinal));
        AssertOnlyBlob(test, ContentSha);
    }

    [Fact(Timeout = 30_000)]
    public async Task TruncatedBody_WithTheTrueContentLength_IsRetried()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (i, r) => i == 0
            // The connection closes cleanly after half the bytes; the header announced them all.
            ? new LoopbackResponse { Body = Content[..(Content.Length / 2)], ContentLengthOverride = Content.Length }.WithHeader("ETag", "\"v1\"")
            : LoopbackResponse.Ranged(r, Content));

        var artifact = await test.FetchAsync(url, test.Context(http: NoAutoRedirect));

        Assert.Equal(ContentSha, artifact.Sha256);
        Assert.Equal(2, server.RequestCount);
        Assert.Equal($"bytes={Content.Length / 2}-", server.Requests[1].Header("Range"));
        Assert.Contains(test.Log, l => l.Contains("attempt 1 of 4 failed", StringComparison.Ordinal));
        AssertOnlyBlob(test, ContentSha);
    }

    [Fact(Timeout = 30_000)]
    public async Task ContentLength_LargerThanTheBody_FailsEveryAttempt_MR0003()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (_, _) => new LoopbackResponse { Body = Content, ContentLengthOverride = Content.Length + 1000 });

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(http: NoAutoRedirect, download: Fast(maxAttempts: 3))));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains(url, e.Message);
        Assert.Contains("gave up after 3 attempts", e.Message);
        Assert.Equal(3, server.RequestCount);
        AssertNoBlobs(test);
    }

    [Fact(Timeout = 30_000)]
    public async Task ContentLength_SmallerThanTheBody_PinnedHash_MR0004()
    {
        using var test = new SourceTestContext();
        // HTTP/1.1 stops reading at Content-Length: the client sees a shorter file; the pin catches it.
        using var server = Serve(out var url, (_, _) => new LoopbackResponse { Body = Content, ContentLengthOverride = Content.Length - 1000 });

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(sha256: ContentSha, http: NoAutoRedirect)));

        Assert.Equal("MR0004", e.Diagnostic.Id);
        AssertNoBlobs(test);
    }

    [Fact(Timeout = 30_000)]
    public async Task ContentLength_SmallerThanWhatTheHandlerDelivers_FailsTheAttempt()
    {
        using var test = new SourceTestContext();
        var calls = 0;
        using var http = new HttpClient(new FakeHandler(_ =>
        {
            Interlocked.Increment(ref calls);
            var content = new StreamContent(new MemoryStream(Content));
            content.Headers.ContentLength = Content.Length - 1000;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        }));

        var e = await Assert.ThrowsAsync<ModelRefsException>(() =>
            test.FetchAsync("https://models.example/big.onnx", test.Context(http: http, download: Fast(maxAttempts: 2))));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("longer than the", e.Message);
        Assert.Equal(2, calls);
        AssertNoBlobs(test);
    }

    [Fact(Timeout = 30_000)]
    public async Task Status500_ThenSuccess()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (i, r) => i == 0 ? LoopbackResponse.Status(500) : LoopbackResponse.Ranged(r, Content));

        var artifact = await test.FetchAsync(url, test.Context(sha256: ContentSha, http: NoAutoRedirect));

        Assert.Equal(ContentSha, artifact.Sha256);
        Assert.Equal(2, server.RequestCount);
        Assert.Contains(test.Log, l => l.Contains("HTTP 500", StringComparison.Ordinal) && l.Contains("retrying", StringComparison.Ordinal));
        AssertOnlyBlob(test, ContentSha);
    }

    [Fact(Timeout = 30_000)]
    public async Task Status503_RetryAfterSeconds_IsHonoured()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (i, r) => i == 0
            ? LoopbackResponse.Status(503).WithHeader("Retry-After", "1")
            : LoopbackResponse.Ranged(r, Content));

        await test.FetchAsync(url, test.Context(sha256: ContentSha, http: NoAutoRedirect));

        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        var waited = requests[1].Received - requests[0].Received;
        // The backoff alone would be ~20 ms (FastRetries); the server asked for a second.
        Assert.True(waited >= TimeSpan.FromMilliseconds(900), $"waited only {waited}");
        Assert.True(waited < TimeSpan.FromSeconds(5), $"waited {waited}");
        Assert.Contains(test.Log, l => l.Contains("retrying in 1.0 s", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task Status429_RetryAfterDate_IsHonoured_AndCapped()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (i, r) => i switch
        {
            0 => LoopbackResponse.Status(429).WithHeader("Retry-After", DateTimeOffset.UtcNow.AddSeconds(2).ToString("r")),
            // An hour: capped by MaxRetryDelay (2 s in FastRetries).
            1 => LoopbackResponse.Status(429).WithHeader("Retry-After", "3600"),
            _ => LoopbackResponse.Ranged(r, Content),
        });
        var clock = Stopwatch.StartNew();

        await test.FetchAsync(url, test.Context(sha256: ContentSha, http: NoAutoRedirect));

        var requests = server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.True(requests[1].Received - requests[0].Received >= TimeSpan.FromMilliseconds(500), "the HTTP-date Retry-After was not honoured");
        Assert.True(requests[2].Received - requests[1].Received >= TimeSpan.FromMilliseconds(1900), "the capped Retry-After was not honoured");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}: Retry-After not capped");
    }

    [Fact(Timeout = 30_000)]
    public async Task MaxAttempts_Exhausted_MR0003_WithTheLastError()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (_, _) => LoopbackResponse.Status(502));

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(http: NoAutoRedirect, download: Fast(maxAttempts: 3))));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("HTTP 502", e.Message);
        Assert.Contains("gave up after 3 attempts", e.Message);
        Assert.Contains(url, e.Message);
        Assert.Equal(3, server.RequestCount);
        AssertNoBlobs(test);
    }

    [Fact(Timeout = 30_000)]
    public async Task ClientErrors_AreNotRetried()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (_, _) => LoopbackResponse.Status(404));

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(http: NoAutoRedirect)));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task StalledBody_IdleTimeout_RetriesThenMR0003_InBoundedTime()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (_, r) =>
        {
            var response = LoopbackResponse.Ranged(r, Content);
            response.StallAfterBodyBytes = 100_000;
            return response;
        });
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ModelRefsException>(() =>
            test.FetchAsync(url, test.Context(http: NoAutoRedirect, download: Fast(maxAttempts: 3, idleSeconds: 1))));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("no data for 1 s", e.Message);
        Assert.Equal(3, server.RequestCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        // Each retry resumed after the bytes that did arrive.
        Assert.NotNull(server.Requests[1].Header("Range"));
        AssertNoBlobs(test);
    }

    [Fact(Timeout = 30_000)]
    public async Task StalledHeaders_ConnectTimeout_MR0003()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (_, _) => new LoopbackResponse { Body = Content, Delay = TimeSpan.FromSeconds(30) });
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ModelRefsException>(() =>
            test.FetchAsync(url, test.Context(http: NoAutoRedirect, download: Fast(maxAttempts: 2, connectSeconds: 1))));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("no answer within 1 s", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        AssertNoBlobs(test);
    }

    [Fact(Timeout = 30_000)]
    public async Task WrongContent_MR0004_NoBlob_NoTempFile()
    {
        using var test = new SourceTestContext();
        var other = Random(300_000, seed: 99);
        using var server = Serve(out var url, (_, r) => LoopbackResponse.Ranged(r, other));

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(sha256: ContentSha, http: NoAutoRedirect)));

        Assert.Equal("MR0004", e.Diagnostic.Id);
        Assert.Contains(ContentSha, e.Message);
        Assert.Contains(Sha(other), e.Message);
        Assert.Equal(1, server.RequestCount); // a changed file is not retried
        AssertNoBlobs(test);
        Assert.Null(test.Cache.TryGetBlob(Sha(other)));
    }

    [Fact(Timeout = 30_000)]
    public async Task ResumedDownload_OfAChangedFile_IsDownloadedAgainInFull()
    {
        using var test = new SourceTestContext();
        var old = Random(Content.Length, seed: 3);
        // The first response is the old file (broken off), then the file changes but keeps its ETag
        // (a misconfigured CDN): the stitched bytes do not verify, one full download does.
        using var server = Serve(out var url, (i, r) =>
        {
            if (i == 0)
                return new LoopbackResponse { Body = old, DropAfterBodyBytes = 500_000 }.WithHeader("ETag", "\"same\"");
            return LoopbackResponse.Ranged(r, Content, etag: "\"same\"");
        });

        var artifact = await test.FetchAsync(url, test.Context(sha256: ContentSha, http: NoAutoRedirect));

        Assert.Equal(ContentSha, artifact.Sha256);
        Assert.Equal(3, server.RequestCount);
        Assert.NotNull(server.Requests[1].Header("Range"));
        Assert.Null(server.Requests[2].Header("Range"));
        AssertOnlyBlob(test, ContentSha);
    }

    [Fact(Timeout = 30_000)]
    public async Task Progress_IsReported_ThrottledAndReadable()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (_, r) =>
            new LoopbackResponse { Body = Content, ChunkDelay = TimeSpan.FromMilliseconds(40) });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await test.FetchAsync(url, test.Context(http: NoAutoRedirect,
            download: Fast() with { ProgressDelay = TimeSpan.FromMilliseconds(100), ProgressInterval = TimeSpan.FromMilliseconds(150) }));
        var elapsed = clock.Elapsed;

        var progress = test.Log.Where(l => l.StartsWith("ModelRefs: download", StringComparison.Ordinal) && l.Contains(url, StringComparison.Ordinal)).ToArray();
        // First the model and its size, then how far it is, then how it ended.
        Assert.True(progress.Length >= 2, string.Join("\n", test.Log));
        Assert.Matches(@"^ModelRefs: downloading .* \(1\.0 MB\): \d+ KB of 1\.0 MB \(\d+ %\), ", progress[0]);
        Assert.All(progress[1..^1], l => Assert.Matches(@": (\d+ KB|1\.0 MB) of 1\.0 MB \(\d+ %\), [\d.]+ (KB|MB)/s$", l));
        Assert.Matches(@"^ModelRefs: downloaded .*: 1\.0 MB in [\d.]+ s$", progress[^1]);
        // Hosts that see only the build's output (modelref update) read the same lines back.
        var read = progress.Select(l => DownloadProgressLine.TryParse("  " + l)!).ToArray();
        Assert.All(read, r => Assert.Equal(url, r.Model));
        Assert.All(read[..^1], r => Assert.InRange(r.Percent!.Value, 0, 100));
        Assert.Equal(read[..^1].Select(r => r.Percent), read[..^1].Select(r => r.Percent).Order());
        Assert.True(read[^1].Done);
        Assert.Equal(100, read[^1].Percent);
        Assert.Null(DownloadProgressLine.TryParse("ModelRefs: models are up to date (no-op restore)."));
        // 16 chunks 40 ms apart take ~640 ms (more on a busy machine): at most one line per 150 ms after the first 100 ms, and the last.
        Assert.True(progress.Length <= 2 + elapsed.TotalMilliseconds / 150 / 0.8, $"{elapsed}:\n" + string.Join("\n", progress));
    }

    [Fact(Timeout = 30_000)]
    public async Task Progress_SaysNothing_ForADownloadThatEndsBeforeItsDelay()
    {
        using var test = new SourceTestContext();
        using var server = Serve(out var url, (_, r) => new LoopbackResponse { Body = Content });

        await test.FetchAsync(url, test.Context(http: NoAutoRedirect, download: Fast() with { ProgressDelay = TimeSpan.FromSeconds(5) }));

        Assert.DoesNotContain(test.Log, l => l.StartsWith("ModelRefs: download", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancellation_IsNotRetried_AndLeavesNoTempFile()
    {
        using var test = new SourceTestContext();
        // Cancelled while the body stalls: timed from the request's arrival, not from the test's
        // start, so that a slow machine cannot cancel before the request is made.
        using var cts = new CancellationTokenSource();
        using var server = Serve(out var url, (_, r) =>
        {
            cts.CancelAfter(TimeSpan.FromMilliseconds(300));
            var response = LoopbackResponse.Ranged(r, Content);
            response.StallAfterBodyBytes = 100_000;
            return response;
        });
        var handle = ModelRefs.Core.Sources.ModelHandle.Parse(url, test.Temp.Path);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ModelSources.Default.FetchAsync(handle, test.Context(http: NoAutoRedirect), cts.Token));

        Assert.Equal(1, server.RequestCount);
        AssertNoBlobs(test);
    }
}

/// <summary>An HttpMessageHandler that answers from a function (for what a socket server cannot do).</summary>
internal sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests) Requests.Add(request);
        var response = answer(request);
        response.RequestMessage ??= request;
        return Task.FromResult(response);
    }
}
