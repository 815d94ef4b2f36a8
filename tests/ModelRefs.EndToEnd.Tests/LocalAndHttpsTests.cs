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
    public void ASignedUrlsQueryValues_ReachOnlyItsServer_NeverALogLineFileOrAssembly()
    {
        var silero = NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path);
        using var server = LoopbackHttpServer.Start();
        server.Map("/signed/vad.onnx", _ => LoopbackResponse.File(silero));
        const string Token = "tok3n-5ecret-value", Signature = "s1gnature-5ecret-value";
        using var app = new ConsumerProject(packages);
        app.WriteProject($"""
            <ModelReference Include="{server.Url}signed/vad.onnx?token={Token}&amp;sig={Signature}" Name="SignedVad" />
            """);
        app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SignedVad.Info.Handle);");

        var build = app.Build("-v:n");
        Assert.True(build.ExitCode == 0, build.Output);
        var request = Assert.Single(server.Requests);
        Assert.Contains($"token={Token}", request.Query);

        var run = app.Run();
        Assert.Contains($"{server.Url}signed/vad.onnx?token=***&sig=***", run.Output);
        var places = new List<(string What, string Text)> { ("build output", build.Output), ("run output", run.Output) };
        foreach (var root in new[] { app.Directory, app.CacheRoot })
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                places.Add(("file name " + file, file));
                if (new FileInfo(file).Length < 64 << 20)
                    places.Add((file, System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file))));
            }
        foreach (var (what, text) in places.Where(p => !p.What.EndsWith("Consumer.csproj", StringComparison.Ordinal)))
        {
            Assert.False(text.Contains(Token, StringComparison.Ordinal), $"the token is in {what}");
            Assert.False(text.Contains(Signature, StringComparison.Ordinal), $"the signature is in {what}");
        }
        using (var lockJson = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(app.LockFile)))
            Assert.Equal($"{server.Url}signed/vad.onnx?token=***&sig=***", Assert.Single(lockJson.RootElement.GetProperty("models").EnumerateObject()).Name);
        // The assembly and the notices were among the files searched; make sure they were there.
        Assert.True(File.Exists(Path.Combine(app.OutputDirectory, "Consumer.dll")));
        Assert.True(File.Exists(Path.Combine(app.OutputDirectory, "THIRD-PARTY-NOTICES.models.txt")));
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
        // The page's link is in the text: console loggers drop MSBuild's HelpLink.
        Assert.Contains($"(https://github.com/modelrefs/modelrefs/blob/main/docs/diagnostics/{code}.md)", match);
    }
}
