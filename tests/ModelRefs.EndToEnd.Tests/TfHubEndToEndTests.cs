using System.Globalization;
using System.Text.Json;
using ModelRefs.Conversion.Tests.TfJs;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// A fresh project references MoveNet through <c>tfhub:</c> with Format="tfjs"; a loopback TF Hub
/// serves the real TF.js MoveNet (the copy in @vladmandic/human@3.3.6) behind a redirect. The build
/// restores, converts and generates; the app's keypoints match @tensorflow/tfjs's for the same input.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class TfHubEndToEndTests(PackedPackages packages)
{
    private const string Human = "@vladmandic/human@3.3.6";

    private const string Program = """
        using System.Globalization;
        using Consumer.Models;

        var input = new int[1 * 192 * 192 * 3];
        for (var y = 0; y < 192; y++)
            for (var x = 0; x < 192; x++)
                for (var c = 0; c < 3; c++)
                    input[(y * 192 + x) * 3 + c] = (x * 3 + y * 5 + c * 70 + (x * y) % 31) % 256;

        using var movenet = new MoveNet();
        var result = movenet.Run((ReadOnlySpan<int>)input);
        var keypoints = result.Identity;
        Console.WriteLine("count=" + keypoints.Length);
        for (var i = 0; i < keypoints.Length; i++)
            Console.WriteLine($"k{i}=" + keypoints[i].ToString("R", CultureInfo.InvariantCulture));
        Console.WriteLine("license=" + MoveNet.Info.License);
        """;

    internal static int[] Input()
    {
        var input = new int[1 * 192 * 192 * 3];
        for (var y = 0; y < 192; y++)
            for (var x = 0; x < 192; x++)
                for (var c = 0; c < 3; c++)
                    input[(y * 192 + x) * 3 + c] = (x * 3 + y * 5 + c * 70 + (x * y) % 31) % 256;
        return input;
    }

    [Fact]
    public void TfHubMoveNet_TfJs_BuildsRuns_MatchesTfJs_AndIsLocked()
    {
        var modelJson = NpmPackages.GetFile(Human, "models/movenet-lightning.json");
        using var hub = LoopbackTfHub.Start();
        hub.Add("google/movenet/singlepose/lightning", 4, "tfjs-format=compressed", LoopbackTfHub.TfJsTarGz(modelJson), license: "Apache-2.0");
        using var app = new ConsumerProject(packages);
        app.WriteProject("""<ModelReference Include="tfhub:google/movenet/singlepose/lightning/4" Format="tfjs" Name="MoveNet" />""",
            $"<ModelRefsTfHubUrl>{hub.Url}</ModelRefsTfHubUrl>");
        app.WriteFile("Program.cs", Program);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.True(File.Exists(Path.Combine(app.OutputDirectory, "models", "MoveNet.onnx")));

        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        var values = run.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('k') && l.Contains('='))
            .Select(l => float.Parse(l[(l.IndexOf('=') + 1)..], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(17 * 3, values.Length);
        Assert.Contains("license=Apache-2.0", run.Output);

        using var work = new TempDirectory();
        var reference = TfJsReference.Run([new TfJsJob(modelJson, [TestTensor.Int("input", [1, 192, 192, 3], Input())], ["Identity"])], work.Path);
        Assert.Null(reference[0].Error);
        var expected = reference[0].Outputs[0].AsDoubles();
        Assert.Equal(values.Length, expected.Length);
        var worst = values.Select((v, i) => Math.Abs(v - expected[i])).Max();
        Assert.True(worst <= 1e-4, $"max |ONNX - tfjs| = {worst}\n{run.Output}");

        using var lockFile = JsonDocument.Parse(File.ReadAllText(app.LockFile));
        var text = lockFile.RootElement.ToString();
        Assert.Contains("tfhub:google/movenet/singlepose/lightning/4", text);
        Assert.Contains($"{hub.Url}google/movenet/singlepose/lightning/4?tfjs-format=compressed", text);
        Assert.Contains("modelrefs-tfjs2onnx/", text);
        Assert.Contains("onnxSha256", text);
        Assert.Contains("Apache-2.0", text);

        // Nothing changed: no network, and nothing converted again.
        hub.Server.ClearRequests();
        var rebuild = app.Build();
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Equal(0, hub.Server.RequestCount);
    }
}
