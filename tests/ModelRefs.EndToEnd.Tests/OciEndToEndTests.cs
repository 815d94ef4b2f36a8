using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Oci;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// A consumer project restores the real Silero VAD as an <c>oci:</c> model through the packed
/// package, from a real registry (CNCF Distribution) that another client filled with a ModelPack
/// artifact; then the tag moves and a locked build on a fresh cache still gets the locked digest.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class OciEndToEndTests(PackedPackages packages)
{
    [Fact]
    public async Task OciModel_FromARealRegistry_RunsInference_AndALockedBuildKeepsItsDigestAfterTheTagMoved()
    {
        using var registry = DistributionRegistry.Start();
        using var client = new OciTestClient(registry.Url);
        var silero = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
        var digest = await client.PushModelPackAsync("models/silero-vad", "5", [TestLayer.Raw("silero_vad_v5.onnx", silero)], ["MIT"], "silero-vad");
        var handle = $"oci:{registry.Authority}/models/silero-vad:5";
        using var app = new ConsumerProject(packages);
        app.WriteProject($"""<ModelReference Include="{handle}" Name="SileroVad" />""");
        app.WriteFile("Program.cs", SileroProgram.Source);

        var build = app.Build();

        Assert.True(build.ExitCode == 0, build.Output);
        var lockText = File.ReadAllText(app.LockFile);
        Assert.Contains($"\"resolved\": \"oci:{registry.Authority}/models/silero-vad@{digest}#silero_vad_v5.onnx\"", lockText);
        Assert.Contains("\"licenseSource\": \"oci artifact\"", lockText);
        var run = app.Run(RepoPaths.SpeechWav);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, SileroProgram.Value(run.Output, "sha256"));
        Assert.Equal("MIT", SileroProgram.Value(run.Output, "license"));
        Assert.True(SileroProgram.Number(run.Output, "speech-mean") > 0.6, run.Output);
        Assert.True(SileroProgram.Number(run.Output, "silence-max") < 0.2, run.Output);

        // The tag moves to the legacy model; a locked build with an empty cache restores the locked digest.
        var legacy = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadLegacyPath));
        var moved = await client.PushModelPackAsync("models/silero-vad", "5", [TestLayer.Raw("silero_vad_v5.onnx", legacy)], ["MIT"], "silero-vad");
        Assert.NotEqual(digest, moved);
        Directory.Delete(app.CacheRoot, recursive: true);
        Directory.Delete(Path.Combine(app.Directory, "obj"), recursive: true);
        var locked = app.Build("-p:ModelRefsLockedMode=true");
        Assert.True(locked.ExitCode == 0, locked.Output);
        Assert.Equal(lockText, File.ReadAllText(app.LockFile));
        var again = app.Run(RepoPaths.SpeechWav);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, SileroProgram.Value(again.Output, "sha256"));
    }
}
