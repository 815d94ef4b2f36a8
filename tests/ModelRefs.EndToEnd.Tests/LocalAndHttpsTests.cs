using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

[Collection(PackedPackagesCollection.Name)]
public sealed class LocalAndHttpsTests(PackedPackages packages)
{
    [Fact]
    public void LocalPathAndPinnedHttpsModels_BuildAndRun()
    {
        var silero = NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path);
        using var server = LoopbackHttpServer.Start();
        server.Map("/models/vad.onnx", _ => LoopbackResponse.File(silero));

        using var app = new ConsumerProject(packages);
        app.CopyFile(silero, "models-src/silero_vad_v5.onnx");
        app.WriteProject($"""
            <ModelReference Include="models-src/silero_vad_v5.onnx" Name="SileroVad" />
            <ModelReference Include="{server.Url}models/vad.onnx" Name="RemoteVad" Sha256="{NpmPackages.SileroVadV5Sha256}" />
            """);
        app.WriteFile("Program.cs", SileroProgram.Source + """

            using var remote = new RemoteVad();
            Console.WriteLine($"remote-inputs={string.Join(",", RemoteVad.Info.Inputs.Select(i => i.Name))}");
            """);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Equal(1, server.RequestCount);

        var run = app.Run(RepoPaths.SpeechWav);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(SileroProgram.Number(run.Output, "speech-mean") > 0.6, run.Output);
        Assert.Equal("input,state,sr", SileroProgram.Value(run.Output, "remote-inputs"));

        // The pinned download is in the cache: a rebuild after a clean obj/ asks no server.
        Directory.Delete(Path.Combine(app.Directory, "obj"), recursive: true);
        server.ClearRequests();
        var rebuild = app.Build();
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public void BadItems_FailTheBuild_WithOneErrorEach_AtTheItemsLine()
    {
        var silero = NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path);
        using var app = new ConsumerProject(packages);
        app.CopyFile(silero, "vad.onnx");
        app.WriteFile("not-a-model.onnx", "this is text, not a protobuf model");
        app.WriteProject("""
            <ModelReference Include="vad.onnx" Sha256="0000000000000000000000000000000000000000000000000000000000000000" />
            <ModelReference Include="ftp://example.invalid/model.onnx" />
            <ModelReference Include="missing/model.onnx" />
            <ModelReference Include="not-a-model.onnx" />
            """);
        app.WriteFile("Program.cs", "System.Console.WriteLine();");

        var build = app.Build();
        Assert.NotEqual(0, build.ExitCode);
        var lines = File.ReadAllLines(app.ProjectFile);
        int LineOf(string text) => Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal)) + 1;

        AssertError(build.Output, app.ProjectFile, LineOf("vad.onnx\" Sha256"), "MR0004", "vad.onnx");
        AssertError(build.Output, app.ProjectFile, LineOf("ftp://"), "MR0001", "ftp://example.invalid/model.onnx");
        AssertError(build.Output, app.ProjectFile, LineOf("missing/model.onnx"), "MR0002", "missing/model.onnx");
        AssertError(build.Output, app.ProjectFile, LineOf("not-a-model.onnx"), "MR0007", "not-a-model.onnx");
    }

    private static void AssertError(string output, string projectFile, int line, string code, string handle)
    {
        Assert.True(line > 0);
        var match = output.Split('\n').FirstOrDefault(l => l.Contains($"{projectFile}({line}", StringComparison.Ordinal) && l.Contains($"error {code}:", StringComparison.Ordinal));
        Assert.True(match != null, $"no {code} error at {projectFile}({line}) in:\n{output}");
        Assert.Contains(handle, match);
    }
}
