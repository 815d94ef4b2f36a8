using System.Text.Json.Nodes;
using ModelRefs.Cli.Tests.Infrastructure;
using ModelRefs.Core.Caching;
using ModelRefs.EndToEnd.Tests;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Cli.Tests;

/// <summary><c>verify</c> and <c>cache</c> on caches of their own (they change what they look at).</summary>
[Collection(PackedToolCollection.Name)]
public sealed class CacheTests(PackedTool tool)
{
    [Fact]
    public void Verify_AFlippedByte_IsReportedAndEvicted_AndTheRestStaysIntact()
    {
        // A copy of the restored App project and of its cache, so the flip harms nothing else.
        using var dir = new TempDirectory("modelrefs-cli-verify-");
        var cacheCopy = dir.Combine("cache");
        CopyDirectory(tool.Solution.CacheRoot, cacheCopy);
        var project = dir.Combine("App", "App.csproj");
        CopyDirectory(Path.GetDirectoryName(tool.Solution.AppProject)!, dir.Combine("App"));
        File.WriteAllText(project, File.ReadAllText(project).Replace(tool.Solution.CacheRoot, cacheCopy));

        var blob = new ModelCache(cacheCopy).GetBlobPath(NpmPackages.SileroVadV5Sha256);
        var bytes = File.ReadAllBytes(blob);
        bytes[bytes.Length / 2] ^= 0x01;
        CacheDamage.Write(blob, bytes);

        var run = Modelref.Run(tool, dir.Path, "verify", project, "--format", "json");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(1, (int)run.Json["damaged"]!);
        var damaged = run.Json["files"]!.AsArray().Single(f => (string?)f!["status"] == "mismatch")!;
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (string?)damaged["sha256"]);
        Assert.NotEqual(NpmPackages.SileroVadV5Sha256, (string?)damaged["actualSha256"]);
        Assert.True((bool)damaged["evicted"]!);
        Assert.False(File.Exists(blob), "the damaged blob is still in the cache");

        // What is left is intact; the evicted file is now simply not cached.
        var all = Modelref.Run(tool, dir.Path, "verify", "--all", "--cache-root", cacheCopy, "--format", "json");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.True((int)all.Json["checked"]! >= 1);
        var again = Modelref.Run(tool, dir.Path, "verify", project);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("not cached", again.Stdout);
    }

    [Fact]
    public async Task PruneAndClear_WhileARestoreDownloads_LeaveItsFetchAlone_AndTheRestoreSucceeds()
    {
        using var dir = new TempDirectory("modelrefs-cli-prune-");
        var cacheRoot = dir.Combine("cache");
        var cache = new ModelCache(cacheRoot);
        var unused = await cache.AddAsync(new MemoryStream(RandomBytes(1000)));
        var recentlyUsed = await cache.AddAsync(new MemoryStream(RandomBytes(2000)));
        var longAgo = DateTime.UtcNow.AddDays(-40);
        File.SetLastWriteTimeUtc(unused.Path, longAgo);
        File.SetLastAccessTimeUtc(unused.Path, longAgo);
        File.SetLastWriteTimeUtc(recentlyUsed.Path, longAgo);
        Assert.NotNull(cache.TryGetBlob(recentlyUsed.Sha256)); // a restore takes it from the cache: a use

        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var tarballRequested = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        registry.Server.Intercept = request =>
        {
            // Hold the tarball's response: the restore is mid-fetch, holding its cache lock.
            if (request.Path.EndsWith(".tgz", StringComparison.Ordinal))
            {
                tarballRequested.Set();
                release.Wait(TimeSpan.FromSeconds(25));
            }
            return null;
        };
        File.WriteAllText(dir.Combine("nuget.config"), tool.NuGetConfig);
        var project = dir.Combine("App", "App.csproj");
        Consumer.Write(project, Consumer.Project(tool, cacheRoot, registry.Url, $"""    <ModelReference Include="{Consumer.SileroV5}" Name="SileroVad" />"""));

        var build = Task.Run(() => DotNet.Run(dir.Path, TimeSpan.FromMinutes(10), "build", project, "-c", "Release"));
        var started = await Task.Run(() => tarballRequested.Wait(TimeSpan.FromMinutes(5)));
        if (!started)
            Assert.Fail("the restore never asked for the tarball:\n" + (build.IsCompleted ? (await build).Output : "(still running)"));

        var prune = Modelref.Run(tool, dir.Path, "cache", "prune", "--older-than", "30d", "--cache-root", cacheRoot, "--format", "json");
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Equal([unused.Sha256], prune.Json["deleted"]!.AsArray().Select(d => (string)d!["sha256"]!));
        var busy = Assert.Single(prune.Json["inUse"]!.AsArray());
        Assert.Contains("pid", (string)busy!);
        Assert.True(File.Exists(recentlyUsed.Path), "a file a restore used recently was pruned");

        var clear = Modelref.Run(tool, dir.Path, "cache", "clear", "--cache-root", cacheRoot, "--format", "json");
        Assert.True(clear.ExitCode == 0, clear.ToString());
        Assert.NotEmpty(clear.Json["inUse"]!.AsArray());
        Assert.False(File.Exists(recentlyUsed.Path));

        release.Set();
        var result = await build;
        Assert.True(result.ExitCode == 0, "the restore failed after prune and clear ran beside it:\n" + result.Output);
        var verify = Modelref.Run(tool, dir.Path, "verify", project, "--format", "json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains(verify.Json["files"]!.AsArray(), f => (string?)f!["sha256"] == NpmPackages.SileroVadV5Sha256 && (string?)f["status"] == "intact");

        var list = Modelref.Run(tool, dir.Path, "cache", "list", "--cache-root", cacheRoot, "--format", "json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var listed = list.Json["blobs"]!.AsArray().Single(b => (string?)b!["sha256"] == NpmPackages.SileroVadV5Sha256)!;
        Assert.Equal(2327524, (long)listed["size"]!);
        Assert.Contains(listed["models"]!.AsArray(), m => ((string?)m!["resolved"] ?? "").EndsWith("#dist/silero_vad_v5.onnx", StringComparison.Ordinal));
        Assert.Equal(cacheRoot, (string?)Modelref.Run(tool, dir.Path, "cache", "path", "--cache-root", cacheRoot, "--format", "json").Json["root"]);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}
