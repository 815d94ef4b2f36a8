using System.Collections.Concurrent;
using System.Diagnostics;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Locking;
using ModelRefs.TestSupport;
using ModelRefs.Core.Restore;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>Independent models restore side by side; what they share is fetched once; results and logs stay in item order.</summary>
public sealed class ConcurrentRestoreTests
{
    [Fact(Timeout = 60_000)]
    public async Task TwoStalledModels_WaitOutOneIdleTimeoutTogether_NotOneAfterTheOther()
    {
        using var f = new RestoreFixture();
        using var server = LoopbackHttpServer.Start();
        var models = new Dictionary<string, byte[]> { ["/a.onnx"] = RestoreFixture.Model("a"), ["/b.onnx"] = RestoreFixture.Model("b") };
        var attempts = new ConcurrentDictionary<string, int>();
        // Each file's first attempt stalls after a few bytes; its retry is served whole.
        server.MapPrefix("/", request => attempts.AddOrUpdate(request.Path, 1, (_, n) => n + 1) == 1
            ? new LoopbackResponse { Body = models[request.Path], StallAfterBodyBytes = 10 }
            : LoopbackResponse.Ranged(request, models[request.Path]));
        var idle = TimeSpan.FromSeconds(3);
        var request = f.Request() with { Settings = new SettingValues { [RestoreSettings.DownloadIdleTimeout] = idle.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) } };

        var clock = Stopwatch.StartNew();
        var result = await f.RestoreAsync(request, RestoreFixture.Item(server.Url + "a.onnx"), RestoreFixture.Item(server.Url + "b.onnx"));
        var elapsed = clock.Elapsed;

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Equal(["A", "B"], result.Models.Select(m => m.Name));
        var requests = server.Requests;
        Assert.Equal(4, requests.Count);
        // Both stalls were under way before either retry: the two idle timeouts overlapped.
        Assert.Equal(["/a.onnx", "/b.onnx"], requests.Take(2).Select(r => r.Path).Order());
        Assert.True(elapsed < 2 * idle, $"two stalled downloads took {elapsed.TotalSeconds:0.0} s, two idle timeouts are {2 * idle.TotalSeconds} s");
    }

    [Fact(Timeout = 60_000)]
    public async Task SixteenModelsOfOnePackage_FetchItsTarballOnce_AndReportInItemOrder()
    {
        using var f = new RestoreFixture();
        var files = Enumerable.Range(0, 16).Select(i => ($"m/model{i}.onnx", RestoreFixture.Model("v" + i))).ToArray();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/many", "1.0.0", "MIT", files));
        var items = Enumerable.Range(0, 16).Select(i => RestoreFixture.Item($"npm:@test/many@1.0.0/m/model{i}.onnx", ("Name", $"M{i:00}"))).ToArray();

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Equal(items.Select(i => i.Name), result.Models.Select(m => m.Name));
        Assert.Single(registry.Requests, r => r.Path.EndsWith(".tgz", StringComparison.Ordinal));
        Assert.Single(registry.Requests, r => r.DecodedPath.TrimEnd('/').EndsWith("many/1.0.0", StringComparison.Ordinal));
        // Log lines come in item order, whichever item finished first.
        var restoredLines = f.Log.Where(l => l.Contains(" → ", StringComparison.Ordinal)).ToList();
        Assert.Equal(items.Select(i => $"→ {i.Name} "), restoredLines.Select(l => l[l.IndexOf('→')..l.IndexOf('(')]));
    }

    [Fact(Timeout = 60_000)]
    public async Task AThirdPackage_StartsWhileTheFirstTwoDownload_NotAfterThem()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        // Slow tarballs: 1 MB of incompressible filler in 64 KB chunks, 200 ms apart (over 3 s each).
        var filler = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 20);
        string[] packages = ["a", "b", "c"];
        foreach (var p in packages)
            registry.AddTarball(f.WriteTarball($"@test/{p}", "1.0.0", "MIT",
                ("m/one.onnx", RestoreFixture.Model(p + "1")), ("m/two.onnx", RestoreFixture.Model(p + "2")), ("m/filler.bin", filler)));
        registry.TarballChunkDelay = TimeSpan.FromMilliseconds(200);
        // In item order the four slots would hold a/one, a/two, b/one, b/two, the second of each only
        // waiting for the first's fetch, and c would start when one of them ended.
        var items = packages.SelectMany(p => new[]
        {
            RestoreFixture.Item($"npm:@test/{p}@1.0.0/m/one.onnx", ("Name", p.ToUpperInvariant() + "One"), ("License", "MIT")),
            RestoreFixture.Item($"npm:@test/{p}@1.0.0/m/two.onnx", ("Name", p.ToUpperInvariant() + "Two"), ("License", "MIT")),
        }).ToArray();

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Equal(items.Select(i => i.Name), result.Models.Select(m => m.Name));
        var first = registry.Requests.Min(r => r.Received);
        var third = registry.Requests.Single(r => r.DecodedPath.EndsWith("@test/c/1.0.0", StringComparison.Ordinal));
        Assert.True(third.Received - first < TimeSpan.FromSeconds(1.5),
            $"the third package's version document was asked for {(third.Received - first).TotalSeconds:0.00} s after the first request");
        Assert.Equal(3, registry.Requests.Count(r => r.Path.EndsWith(".tgz", StringComparison.Ordinal)));
    }

    [Fact(Timeout = 60_000)]
    public async Task DamageFoundByConcurrentItems_IsReportedAtTheItemThatFoundIt()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/a", "1.0.0", "MIT", ("m.onnx", RestoreFixture.Model("a"))));
        registry.AddTarball(f.WriteTarball("@test/b", "1.0.0", "MIT", ("m.onnx", RestoreFixture.Model("b"))));
        var items = new[] { RestoreFixture.Item("npm:@test/a@1.0.0/m.onnx", ("Name", "A")), RestoreFixture.Item("npm:@test/b@1.0.0/m.onnx", ("Name", "B")) };
        Assert.True((await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items)).Succeeded);
        var lockFile = LockFileFormat.Read(f.LockPath)!;
        var cache = new ModelCache(f.CacheRoot);
        var shas = items.Select(i => lockFile.Find(i.Include)!.Sha256).ToArray();
        foreach (var sha in shas)
            CacheDamage.Write(cache.GetBlobPath(sha), []);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        // Besides MR0017 (the test packages' own licence is all they declare), one damage warning per item.
        var damage = result.Problems.Where(p => p.Diagnostic.Id != "MR0017").ToList();
        Assert.Equal(2, damage.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("MR0013", damage[i].Diagnostic.Id);
            Assert.Same(items[i], damage[i].Item);
            Assert.Contains(shas[i], damage[i].Message);
            Assert.DoesNotContain(shas[1 - i], damage[i].Message);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task OneItemFailing_LeavesTheOthersRestored_AndProblemsStayInItemOrder()
    {
        using var f = new RestoreFixture();
        f.WriteModel("good1.onnx", "1");
        f.WriteModel("good2.onnx", "2");
        File.WriteAllText(Path.Combine(f.ProjectDirectory, "bad.onnx"), "not a model");

        var result = await f.RestoreAsync(f.Request(),
            RestoreFixture.Item("missing.onnx"), RestoreFixture.Item("good1.onnx"), RestoreFixture.Item("bad.onnx"), RestoreFixture.Item("good2.onnx"));

        Assert.Equal(["Good1", "Good2"], result.Models.Select(m => m.Name));
        Assert.Equal(2, result.Problems.Count);
        Assert.Contains("missing.onnx", result.Problems[0].Message);
        Assert.Contains("bad.onnx", result.Problems[1].Message);
    }
}
