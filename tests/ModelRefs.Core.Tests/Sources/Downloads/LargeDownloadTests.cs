using System.Diagnostics;
using ModelRefs.Core.Tests.Sources;
using ModelRefs.TestSupport.Http;
using static ModelRefs.Core.Tests.Sources.Downloads.DownloadTest;

namespace ModelRefs.Core.Tests.Sources.Downloads;

/// <summary>Runs alone: the allocation count is process-wide.</summary>
[CollectionDefinition(nameof(LargeDownloadTests), DisableParallelization = true)]
public sealed class LargeDownloadCollection;

[Collection(nameof(LargeDownloadTests))]
public class LargeDownloadTests
{
    private const long Size = 1L << 30;
    private const int Seed = 2024;

    /// <summary>SHA-256 of <c>new GeneratedContentStream(1 GiB, 2024)</c>, computed once and pinned.</summary>
    private const string Sha = "2f388a1cc65c1b7574246e0ec328915bddd510ef16e7fa5c2bea3cb322e82276";

    [Fact(Timeout = 120_000)]
    public async Task OneGigabyte_ThroughTheHttpsSource_WithBoundedMemory_AndResumed()
    {
        using var test = new SourceTestContext();
        using var server = LoopbackHttpServer.Start();
        var requests = 0;
        server.Map("/big.bin", r =>
        {
            var response = LoopbackResponse.Ranged(r, Size, from => new GeneratedContentStream(Size, Seed, from));
            if (Interlocked.Increment(ref requests) == 1)
                response.DropAfterBodyBytes = 300L << 20; // and resume the rest
            return response;
        });
        var url = server.Url + "big.bin";
        var context = test.Context(sha256: Sha, http: NoAutoRedirect,
            download: SourceTestContext.FastRetries with { ProgressDelay = TimeSpan.FromMilliseconds(100), ProgressInterval = TimeSpan.FromMilliseconds(200) });

        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var artifact = await test.FetchAsync(url, context);
        var elapsed = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal(Sha, artifact.Sha256);
        Assert.Equal(Size, new FileInfo(artifact.Path).Length);
        Assert.True(allocated < 64L << 20, $"allocated {allocated >> 20} MB to download 1 GB");
        Assert.Equal(2, server.RequestCount);
        Assert.NotNull(server.Requests[1].Header("Range"));
        Assert.True(server.BodyBytesSent < Size + (400L << 20), $"served {server.BodyBytesSent >> 20} MB");
        Assert.Contains(test.Log, l => l.StartsWith($"ModelRefs: downloading {url}", StringComparison.Ordinal) && l.Contains(" MB of 1.0 GB (", StringComparison.Ordinal));
        AssertOnlyBlob(test, Sha);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
    }
}
