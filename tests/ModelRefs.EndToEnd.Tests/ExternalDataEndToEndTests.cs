using System.Globalization;
using ModelRefs.Core.Tests.Onnx;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>A model whose weights are in two external data files: restored over https, deployed beside it, run in ONNX Runtime, published.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class ExternalDataEndToEndTests(PackedPackages packages)
{
    [Fact]
    public void AModelWithTwoExternalFiles_BuildsRunsOnItsExternalWeights_AndIsPublishedWithThem()
    {
        var model = ExternalDataModel.MatMulAdd(scale: 1.5f);
        using var server = LoopbackHttpServer.Start();
        server.Map("/models/matmul_add.onnx", _ => LoopbackResponse.Bytes(model.Model));
        foreach (var (location, content) in model.Files)
            server.Map("/models/" + location, _ => LoopbackResponse.Bytes(content));

        using var app = new ConsumerProject(packages);
        app.WriteProject($"""<ModelReference Include="{server.Url}models/matmul_add.onnx" Name="MatMulAdd" />""");
        app.WriteFile("Program.cs", """
            using Consumer.Models;

            using var model = new MatMulAdd();
            ReadOnlySpan<float> x = [1f, 2f, 3f, 4f]; // the shape [1, 4] is fixed
            var y = model.Run(x).Y;
            Console.WriteLine("y=" + string.Join(",", y.ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
            """);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Equal(3, server.RequestCount);
        Assert.Contains("\"externalData\"", File.ReadAllText(app.LockFile));
        foreach (var (location, content) in model.Files)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(app.OutputDirectory, "models", location)));

        // x·W + b with the external W and b: only the right bytes give these numbers.
        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        var expected = string.Join(",", model.Expected.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        Assert.Contains("y=" + expected, run.Output);

        var publishDirectory = Path.Combine(app.Directory, "publish");
        var publish = app.Publish(publishDirectory);
        Assert.True(publish.ExitCode == 0, publish.Output);
        Assert.True(File.Exists(Path.Combine(publishDirectory, "models", "MatMulAdd.onnx")));
        foreach (var (location, content) in model.Files)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(publishDirectory, "models", location)));
    }
}
