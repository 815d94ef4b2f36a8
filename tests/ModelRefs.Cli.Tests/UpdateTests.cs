using ModelRefs.Cli.Tests.Infrastructure;
using ModelRefs.Core.Locking;
using ModelRefs.EndToEnd.Tests;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Cli.Tests;

/// <summary><c>outdated</c> and <c>update</c> against a loopback registry serving two real versions of the package.</summary>
[Collection(PackedToolCollection.Name)]
public sealed class UpdateTests(PackedTool tool)
{
    private const string OldVersion = "@ricky0123/vad-web@0.0.30";
    private const string OldHandle = "npm:@ricky0123/vad-web@0.0.30/dist/silero_vad_v5.onnx";
    private const string NewHandle = "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx";

    [Fact]
    public void Outdated_ShowsTheNewerVersion_UpdateMovesTheItemKeepingItsFormatting_AndRefreshesTheLock()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(OldVersion);
        registry.AddPackage(NpmPackages.SileroVad);
        using var dir = new TempDirectory("modelrefs-cli-update-");
        File.WriteAllText(dir.Combine("nuget.config"), tool.NuGetConfig);
        var project = dir.Combine("App", "App.csproj");
        // Odd spacing, a comment and attribute order the edit must keep.
        Consumer.Write(project, Consumer.Project(tool, dir.Combine("cache"), registry.Url, $"""
                <!-- the VAD model -->
                <ModelReference   Name="SileroVad"
                                  Include="{OldHandle}"   />
                <ModelReference Include="models/local.onnx" License="MIT" />
            """));
        Directory.CreateDirectory(dir.Combine("App", "models"));
        File.Copy(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadLegacyPath), dir.Combine("App", "models", "local.onnx"));
        var build = DotNet.Run(dir.Path, TimeSpan.FromMinutes(10), "build", project, "-c", "Release");
        Assert.True(build.ExitCode == 0, build.Output);
        var lockFile = dir.Combine("App", "models.lock.json");
        Assert.NotNull(LockFileFormat.Read(lockFile)!.Find(OldHandle));

        var outdated = Modelref.Run(tool, dir.Path, "outdated", project, "--format", "json");
        Assert.True(outdated.ExitCode == 0, outdated.ToString());
        var models = outdated.Json["models"]!.AsArray();
        var silero = models.Single(m => (string?)m!["name"] == "SileroVad")!;
        Assert.Equal("0.0.30", (string?)silero["current"]);
        Assert.Equal("0.0.31", (string?)silero["latest"]);
        Assert.Equal(["0.0.31"], silero["newer"]!.AsArray().Select(v => (string)v!));
        Assert.True((bool)silero["outdated"]!);
        Assert.Contains("no versions", (string?)models.Single(m => (string?)m!["name"] != "SileroVad")!["note"]);

        var before = File.ReadAllText(project);
        var lockBefore = File.ReadAllBytes(lockFile);
        // A version the registry does not have: the restore fails and every file is put back.
        var missing = Modelref.Run(tool, dir.Path, "update", "SileroVad", "--version", "9.9.9", "--project", project);
        Assert.True(missing.ExitCode == 4, missing.ToString());
        Assert.Contains("9.9.9", missing.Stderr);
        Assert.Equal(before, File.ReadAllText(project));
        Assert.Equal(lockBefore, File.ReadAllBytes(lockFile));

        // In a terminal, the download of the new version (slowed to last ~4 s) draws a progress bar
        // from the child build's progress lines: frames part-way, then the finished bar.
        registry.TarballChunkDelay = TimeSpan.FromMilliseconds(4000.0 / Math.Max(1, registry.Get("@ricky0123/vad-web", "0.0.31").Tarball.Length / 65536));
        var update = Modelref.RunInTerminal(tool, dir.Path, "update", "--all", "--project", project);
        Assert.True(update.ExitCode == 0, update.ToString());
        var screen = System.Text.RegularExpressions.Regex.Replace(update.Stdout, @"\x1b(\[[0-9;?]*[A-Za-z]|=)", "");
        Assert.Matches(@"silero_vad_v5\.onnx ━+\s+([1-9]|[1-9][0-9])% ", screen);
        Assert.Matches(@"silero_vad_v5\.onnx ━+\s+100% ", screen);
        Assert.Contains(NewHandle, screen);
        registry.TarballChunkDelay = TimeSpan.Zero;
        // Only the version inside the Include changed; the rest of the file is as written.
        Assert.Equal(before.Replace(OldHandle, NewHandle), File.ReadAllText(project));
        var locked = LockFileFormat.Read(lockFile)!;
        Assert.Null(locked.Find(OldHandle));
        var entry = locked.Find(NewHandle)!;
        Assert.Equal(NpmPackages.SileroVadV5Sha256, entry.Sha256);
        Assert.Contains("vad-web-0.0.31.tgz", entry.Resolved);

        var nothing = Modelref.Run(tool, dir.Path, "update", "--all", "--project", project, "--format", "json");
        Assert.True(nothing.ExitCode == 0, nothing.ToString());
        Assert.Empty(nothing.Json["updated"]!.AsArray());

        var again = Modelref.Run(tool, dir.Path, "outdated", project);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Every model is up to date.", again.Stdout);
    }
}
