using System.Diagnostics;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Tests.Sources;
using ModelRefs.TestSupport.Http;
using static ModelRefs.Core.Tests.Sources.Downloads.DownloadTest;

namespace ModelRefs.Core.Tests.Sources.Downloads;

/// <summary>Several real processes sharing one cache.</summary>
public class MultiProcessTests
{
    [Fact(Timeout = 90_000)]
    public async Task SameModel_FromThreeProcesses_IsDownloadedOnce()
    {
        using var test = new SourceTestContext();
        using var server = LoopbackHttpServer.Start();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first download is held until the other processes are seen waiting for its lock.
        server.MapAsync(r => r.Path == "/shared.onnx", async (r, ct) =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(45), ct);
            return LoopbackResponse.Ranged(r, Content);
        });
        var url = server.Url + "shared.onnx";

        var children = Enumerable.Range(0, 3).Select(_ => ChildProcess.Fetch(test.Cache.Root, url, ContentSha)).ToArray();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (children.Count(c => c.Output.Contains("waiting for another restore", StringComparison.Ordinal)) < 2
                   && deadline.Elapsed < TimeSpan.FromSeconds(45))
                await Task.Delay(50);
            var waiting = children.Count(c => c.Output.Contains("waiting for another restore", StringComparison.Ordinal));
            release.TrySetResult();

            foreach (var child in children)
            {
                Assert.True(await child.WaitForExitAsync(TimeSpan.FromSeconds(45)) == 0, child.Output);
                Assert.Contains("OK " + ContentSha, child.Output);
            }
            Assert.Equal(2, waiting);
            Assert.Single(server.Requests, r => r.Path == "/shared.onnx");
            Assert.Equal(2, children.Count(c => c.Output.Contains("another restore downloaded it", StringComparison.Ordinal)));
            AssertOnlyBlob(test, ContentSha);
        }
        finally
        {
            release.TrySetResult();
            foreach (var child in children)
                child.Dispose();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task LockOfAKilledProcess_DoesNotBlockTheNext()
    {
        using var test = new SourceTestContext();
        const string key = "https|http://example.invalid/model.onnx";
        using var holder = ChildProcess.HoldLock(test.Cache.Root, key);
        await holder.WaitForOutputAsync("LOCKED", TimeSpan.FromSeconds(30));

        var log = new List<string>();
        var clock = Stopwatch.StartNew();
        var acquiring = test.Cache.AcquireLockAsync(key, line => { lock (log) log.Add(line); }, TimeSpan.FromSeconds(30), "the model");
        while (!HasWaitingLine())
        {
            Assert.False(acquiring.IsCompleted, "acquired a lock another process holds");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "no 'waiting' message");
            await Task.Delay(20);
        }
        Assert.False(acquiring.IsCompleted);

        holder.Kill();
        await using var acquired = await acquiring.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(acquired.Waited);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25));
        bool HasWaitingLine()
        {
            lock (log)
                return log.Any(l => l.Contains("waiting for another restore of the model", StringComparison.Ordinal)
                                    && l.Contains($"pid {holder.Id}", StringComparison.Ordinal));
        }
    }
}
