using System.Text.RegularExpressions;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// What a user sees and waits for in real builds: an IDE's design-time build restores from the
/// lock and the cache only, and a long download shows its progress at the default verbosity.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class DesignTimeAndProgressTests(PackedPackages packages)
{
    private const string SileroItem = """<ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx" Name="SileroVad" License="MIT" />""";
    private const string NewItem = """<ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v6.onnx" Name="SileroVadV6" License="MIT" />""";

    [Fact]
    public void DesignTimeBuild_AsksNoServer_WritesNoLock_WarnsForTheNewModel_AndStillGeneratesTheRestoredOne()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        var registryProperty = $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>";
        app.WriteProject(SileroItem, registryProperty);
        app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.Sha256);");
        Assert.True(app.Build() is { ExitCode: 0 } first, "first build failed");
        var lockBytes = File.ReadAllBytes(app.LockFile);

        // The user adds a model in the IDE; its design-time build runs before any real build.
        app.WriteProject(SileroItem + "\n" + NewItem, registryProperty);
        registry.ClearRequests();
        var designTime = app.Build("-p:DesignTimeBuild=true");

        Assert.True(designTime.ExitCode == 0, designTime.Output);
        Assert.Equal(0, registry.RequestCount);
        Assert.Equal(lockBytes, File.ReadAllBytes(app.LockFile));
        var line = Array.FindIndex(File.ReadAllLines(app.ProjectFile), l => l.Contains("silero_vad_v6.onnx", StringComparison.Ordinal)) + 1;
        Assert.True(designTime.Output.Contains($"Consumer.csproj({line}): warning MR0015", StringComparison.Ordinal), designTime.Output);
        Assert.Matches(new Regex(@"warning MR0015: Model 'npm:@ricky0123/vad-web@0\.0\.31/dist/silero_vad_v6\.onnx' is not restored yet.*build once"), designTime.Output);
        // The restored model's class is generated: Program.cs, which uses it, compiled.
        var manifests = Path.Combine(app.Directory, "obj", "Release", "net10.0", "modelrefs");
        Assert.True(File.Exists(Path.Combine(manifests, "SileroVad.modelref.json")));
        Assert.False(File.Exists(Path.Combine(manifests, "SileroVadV6.modelref.json")));

        // The next real build restores the new model and writes it into the lock.
        var real = app.Build();
        Assert.True(real.ExitCode == 0, real.Output);
        Assert.DoesNotContain("MR0015", real.Output);
        Assert.Contains("silero_vad_v6.onnx", File.ReadAllText(app.LockFile));
    }

    [Fact]
    public void DesignTimeBuild_WithTheRegistryStopped_DoesNotWaitForIt()
    {
        string registryUrl;
        using var app = new ConsumerProject(packages);
        using (var registry = LoopbackNpmRegistry.Start())
        {
            registry.AddPackage(NpmPackages.SileroVad);
            registryUrl = registry.Url;
            app.WriteProject(SileroItem, $"<ModelRefsNpmRegistry>{registryUrl}</ModelRefsNpmRegistry>");
            app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.Sha256);");
            Assert.True(app.Build() is { ExitCode: 0 }, "first build failed");
        }
        Directory.Delete(Path.Combine(app.Directory, "obj", "Release", "net10.0", "modelrefs"), recursive: true);
        app.WriteProject(SileroItem + "\n" + NewItem, $"<ModelRefsNpmRegistry>{registryUrl}</ModelRefsNpmRegistry>");

        var designTime = app.Build("-p:DesignTimeBuild=true");

        Assert.True(designTime.ExitCode == 0, designTime.Output);
        Assert.Contains("warning MR0015", designTime.Output);
        Assert.DoesNotContain("MR0003", designTime.Output); // nothing tried the stopped registry
        Assert.True(File.Exists(Path.Combine(app.Directory, "obj", "Release", "net10.0", "modelrefs", "SileroVad.modelref.json")));
    }

    [Fact]
    public void ALongDownload_ShowsItsModelSizeAndProgress_AtTheDefaultVerbosity_AndAShortOneShowsNothing()
    {
        var silero = NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path);
        using var server = LoopbackHttpServer.Start();
        // ~2.2 MB in 64 KiB chunks 200 ms apart: about 7 s.
        server.Map("/slow/vad.onnx", _ => new LoopbackResponse { BodyFile = silero, ChunkDelay = TimeSpan.FromMilliseconds(200) });
        server.Map("/fast/vad.onnx", _ => LoopbackResponse.File(silero));
        var slowUrl = server.Url + "slow/vad.onnx";
        var item = $"""<ModelReference Include="{slowUrl}" Name="SlowVad" Sha256="{NpmPackages.SileroVadV5Sha256}" License="MIT" />""";

        // The console logger (what CI and any redirected build get) prints high-importance messages at
        // the default verbosity; the terminal logger of SDK 10 prints messages only from -v:d on (its
        // live line shows the running target, _ModelRefsRestoreModels, and its time), so it is checked there.
        foreach (var logger in new[] { "-tl:off", "-tl:on -v:d" })
        {
            using var app = new ConsumerProject(packages);
            app.WriteProject(item);
            app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SlowVad.Info.Sha256);");
            var build = app.Build(logger.Split(' '));
            Assert.True(build.ExitCode == 0, build.Output);
            // Without the terminal logger's escapes (CSI sequences, and OSC ended by BEL or ST).
            var output = Regex.Replace(build.Output, @"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)", "");
            AssertMatches($@"ModelRefs: downloading {Regex.Escape(slowUrl)} \(2\.\d MB\): ", output, logger);
            AssertMatches($@"ModelRefs: downloading {Regex.Escape(slowUrl)}: [\d.]+ (KB|MB) of 2\.\d MB \(\d+ %\)", output, logger);
            AssertMatches($@"ModelRefs: downloaded {Regex.Escape(slowUrl)}: 2\.\d MB in [\d.]+ s", output, logger);
        }

        using var quick = new ConsumerProject(packages);
        quick.WriteProject($"""<ModelReference Include="{server.Url}fast/vad.onnx" Name="FastVad" Sha256="{NpmPackages.SileroVadV5Sha256}" License="MIT" />""");
        quick.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.FastVad.Info.Sha256);");
        var fast = quick.Build();
        Assert.True(fast.ExitCode == 0, fast.Output);
        Assert.DoesNotContain("ModelRefs: download", fast.Output);
    }

    private static void AssertMatches(string pattern, string output, string logger) =>
        Assert.True(Regex.IsMatch(output, pattern), $"{logger}: expected /{pattern}/ in the build output:\n{output}");
}
