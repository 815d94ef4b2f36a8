using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// A consumer project restores the real Silero VAD as an <c>hf:</c> model through the packed
/// package, from a loopback Hub that redirects the LFS download to a second server (the CDN).
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class HuggingFaceEndToEndTests(PackedPackages packages)
{
    private const string Handle = "hf:onnx-community/silero-vad/onnx/model.onnx";

    [Fact]
    public void HfModel_PinnedToItsCommit_RunsInference_AndItsNonCommercialCardWarnsAtTheUse()
    {
        using var hub = LoopbackHuggingFace.Start();
        var silero = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
        var commit = hub.AddRepo("onnx-community/silero-vad").Commit(new()
        {
            ["onnx/model.onnx"] = silero,
            ["README.md"] = "---\nlicense: cc-by-nc-4.0\n---\n# Silero VAD\n"u8.ToArray(),
        }, cardData: new { license = "cc-by-nc-4.0" });
        using var app = new ConsumerProject(packages);
        app.WriteProject($"""<ModelReference Include="{Handle}" Name="SileroVad" />""",
            $"<ModelRefsHuggingFaceUrl>{hub.Url}</ModelRefsHuggingFaceUrl>");
        app.WriteFile("Program.cs", SileroProgram.Source);

        var build = app.Build();

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.NotEmpty(hub.Cdn.Requests); // the LFS file came through the CDN redirect
        var lockText = File.ReadAllText(app.LockFile);
        Assert.Contains($"\"resolved\": \"hf:onnx-community/silero-vad@{commit}/onnx/model.onnx\"", lockText);
        Assert.Contains("\"licenseSource\": \"huggingface card\"", lockText);
        var lines = SileroProgram.Source.Split('\n');
        var useLine = Array.FindIndex(lines, l => l.Contains("new SileroVad()", StringComparison.Ordinal));
        var use = $"Program.cs({useLine + 1},{lines[useLine].IndexOf("new SileroVad()", StringComparison.Ordinal) + 1}): warning MR1001: Model 'SileroVad'";
        Assert.True(build.Output.Contains(use, StringComparison.Ordinal), $"expected '{use}' in the build output:\n{build.Output}");
        Assert.Contains("CC-BY-NC-4.0", build.Output);

        var run = app.Run(RepoPaths.SpeechWav);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, SileroProgram.Value(run.Output, "sha256"));
        Assert.Equal("CC-BY-NC-4.0", SileroProgram.Value(run.Output, "license"));
        Assert.True(SileroProgram.Number(run.Output, "speech-mean") > 0.6, run.Output);
        Assert.True(SileroProgram.Number(run.Output, "silence-max") < 0.2, run.Output);
    }
}
