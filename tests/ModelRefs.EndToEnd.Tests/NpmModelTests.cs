using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// A fresh project references the packed ModelRefs package and the real Silero VAD model through
/// <c>npm:</c>, served by a loopback npm registry from the real package tarball.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class NpmModelTests(PackedPackages packages)
{
    private const string SileroItem = """<ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx" Name="SileroVad" />""";

    [Fact]
    public void NpmModel_BuildsRunsDetectsSpeech_RebuildsWithoutNetwork_AndPublishesTheModel()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        app.WriteProject(SileroItem, $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>");
        app.WriteFile("Program.cs", SileroProgram.Source);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.True(registry.RequestCount >= 2, "the registry was not asked for the package: " + registry.RequestCount);
        Assert.True(File.Exists(Path.Combine(app.OutputDirectory, "models", "SileroVad.onnx")));

        var run = app.Run(RepoPaths.SpeechWav);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, SileroProgram.Value(run.Output, "sha256"));
        Assert.Equal("ISC", SileroProgram.Value(run.Output, "license"));
        Assert.True(SileroProgram.Number(run.Output, "speech-mean") > 0.6, run.Output);
        Assert.True(SileroProgram.Number(run.Output, "silence-max") < 0.2, run.Output);

        // Nothing changed: the second build must not touch the registry.
        registry.ClearRequests();
        var rebuild = app.Build();
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Equal(0, registry.RequestCount);

        using var publishDir = new TempDirectory();
        var publish = app.Publish(publishDir.Path);
        Assert.True(publish.ExitCode == 0, publish.Output);
        Assert.True(File.Exists(Path.Combine(publishDir.Path, "models", "SileroVad.onnx")), "model missing from publish output");
    }

    [Fact]
    public void EmbeddedModel_RunsFromTheAssembly_WithNoFileDeployed()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        app.WriteProject(SileroItem.Replace("/>", "Embed=\"true\" />"), $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>");
        // No ModelFile member names a file that is not deployed; ModelResource names the resource.
        app.WriteFile("Program.cs", SileroProgram.Source + """

            Console.WriteLine($"resource={SileroVad.ModelResource}");
            Console.WriteLine($"model-file-member={typeof(SileroVad).GetField("ModelFile") is not null}");
            """);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.False(Directory.Exists(Path.Combine(app.OutputDirectory, "models")), "an embedded model must not be deployed as a file");

        var run = app.Run(RepoPaths.SpeechWav);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(SileroProgram.Number(run.Output, "speech-mean") > 0.6, run.Output);
        Assert.EndsWith("SileroVad.onnx", SileroProgram.Value(run.Output, "resource"), StringComparison.Ordinal);
        Assert.Equal("False", SileroProgram.Value(run.Output, "model-file-member"));
    }

    [Fact]
    public void ATfJsModelJsonWithoutFormat_IsConvertedAndRuns_WithItsSignatureNames_AndATfLiteFile_FailsWithWhatItIsAtItsLine()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.Human);
        registry.AddPackage(NpmPackages.SelfieSegmentation);
        var registryProperty = $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>";
        using var app = new ConsumerProject(packages);
        const string models = """
            <ModelReference Include="npm:@vladmandic/human@3.3.6/models/movenet-lightning.json" Name="MoveNet" />
            <ModelReference Include="npm:@vladmandic/human@3.3.6/models/facemesh.json" Name="FaceMesh" />
            """;
        app.WriteProject(models, registryProperty);
        // facemesh.json's signature names its outputs output_mesh (tensor Identity_2:0), output_faceflag (Identity_1:0)
        // and output_contours (Identity:0): the members are named after those, not Identity2, Identity1, Identity.
        app.WriteFile("Program.cs", """
            using var movenet = new Consumer.Models.MoveNet();
            var input = Consumer.Models.MoveNet.Info.Inputs[0];
            movenet.Run((System.ReadOnlySpan<int>)new int[192 * 192 * 3]);
            System.Console.WriteLine($"input={input.Name} {input.ElementType} outputs={Consumer.Models.MoveNet.Info.Outputs.Count}");

            using var faceMesh = new Consumer.Models.FaceMesh();
            var face = faceMesh.Run(new Consumer.Models.FaceMeshInput { Input1 = new ModelRefs.Runtime.TensorData<float>(new float[192 * 192 * 3], 1, 192, 192, 3) });
            System.Console.WriteLine($"mesh={face.OutputMesh.Data.Length} faceflag={face.OutputFaceflag.Data.Length} contours={face.OutputContours.Data.Length}");
            System.Console.WriteLine("face-outputs=" + string.Join(",", System.Linq.Enumerable.Select(Consumer.Models.FaceMesh.Info.Outputs, o => o.Name)));
            """);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.True(File.Exists(Path.Combine(app.OutputDirectory, "models", "MoveNet.onnx")));
        Assert.Contains($"\"converter\": \"{ModelRefs.Core.Conversion.TfJs.TfJsToOnnxConverter.Identity}\"", File.ReadAllText(app.LockFile));
        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("input=input Int32 outputs=1", run.Output);
        Assert.Contains("mesh=1404 faceflag=1 contours=266", run.Output);
        Assert.Contains("face-outputs=output_mesh,output_faceflag,output_contours", run.Output);

        const string tflite = "npm:@mediapipe/selfie_segmentation@0.1.1675465747/selfie_segmentation.tflite";
        app.WriteProject($"""
            {models}
            <ModelReference Include="{tflite}" Name="Selfie" />
            """, registryProperty);
        var failed = app.Build();
        Assert.NotEqual(0, failed.ExitCode);
        var line = Array.FindIndex(File.ReadAllLines(app.ProjectFile), l => l.Contains(tflite, StringComparison.Ordinal)) + 1;
        var error = failed.Output.Split('\n').FirstOrDefault(l => l.Contains($"{app.ProjectFile}({line}", StringComparison.Ordinal) && l.Contains("error MR0035:", StringComparison.Ordinal));
        Assert.True(error is not null, failed.Output);
        Assert.Contains("is a TensorFlow Lite flatbuffer", error);
        Assert.Contains("tf2onnx", error);
        Assert.DoesNotContain("protobuf", failed.Output, StringComparison.OrdinalIgnoreCase);
    }
}
