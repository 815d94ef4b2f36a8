using ModelRefs.Core.Caching;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// How models reach bin/ and the publish folder (<c>ModelRefsDeploy</c>): a hard link to the
/// read-only cache blob by default, a writable copy on request, and always a real copy when published.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class DeployTests(PackedPackages packages)
{
    private const string SileroItem = """<ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx" Name="SileroVad" />""";

    [Fact]
    public void DefaultBuild_HardLinksTheReadOnlyBlob_CopyModeAndPublishCopy()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        app.WriteProject(SileroItem, $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>");
        app.WriteFile("Program.cs", SileroProgram.Source);
        var blob = new ModelCache(app.CacheRoot).GetBlobPath(NpmPackages.SileroVadV5Sha256);
        var deployed = Path.Combine(app.OutputDirectory, "models", "SileroVad.onnx");

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        // One file under two names: the cache's blob and bin/'s model.
        Assert.Equal(Stat(blob).Inode, Stat(deployed).Inode);
        Assert.Equal(2, Stat(deployed).Links);
        Assert.Equal("444", Stat(blob).Mode);
        var run = app.Run(RepoPaths.SpeechWav);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, SileroProgram.Value(run.Output, "sha256"));

        // A rebuild keeps the link (MSBuild's own copy of the None item finds it up to date).
        var rebuild = app.Build();
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Equal(Stat(blob).Inode, Stat(deployed).Inode);

        // Publish output is self-contained: its own writable file, not a name of the cache's.
        using var publishDir = new TempDirectory();
        var publish = app.Publish(publishDir.Path);
        Assert.True(publish.ExitCode == 0, publish.Output);
        var published = Stat(Path.Combine(publishDir.Path, "models", "SileroVad.onnx"));
        Assert.Equal(1, published.Links);
        Assert.NotEqual(Stat(blob).Inode, published.Inode);
        Assert.Equal("644", published.Mode);
        Assert.Equal(File.ReadAllBytes(blob), File.ReadAllBytes(Path.Combine(publishDir.Path, "models", "SileroVad.onnx")));
        Assert.Equal(2, Stat(blob).Links);

        // ModelRefsDeploy=copy replaces the link with a writable copy; the blob is alone again.
        var copy = app.Build("-p:ModelRefsDeploy=copy");
        Assert.True(copy.ExitCode == 0, copy.Output);
        Assert.Equal(1, Stat(deployed).Links);
        Assert.Equal("644", Stat(deployed).Mode);
        Assert.Equal(1, Stat(blob).Links);
    }

    [Fact]
    public void AnUnknownDeployMode_IsMR0014()
    {
        using var app = new ConsumerProject(packages);
        app.WriteFile("m.onnx", "");
        File.Copy(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path), Path.Combine(app.Directory, "m.onnx"), overwrite: true);
        app.WriteProject("""<ModelReference Include="m.onnx" />""", "<ModelRefsDeploy>symlink</ModelRefsDeploy>");
        app.WriteFile("Program.cs", "System.Console.WriteLine();");

        var build = app.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("MR0014", build.Output);
        Assert.Contains("ModelRefsDeploy='symlink'", build.Output);
    }

    private static (string Inode, int Links, string Mode) Stat(string path)
    {
        var result = ProcessRunner.Run("stat", ["-c", "%i %h %a", path], Path.GetDirectoryName(path)!, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.Output);
        var fields = result.Output.Trim().Split(' ');
        return (fields[0], int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), fields[2]);
    }
}
