using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Onnx;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>The generated API in a real consumer build (issue 11): sequence outputs, renamed members, required inputs.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class GeneratedApiTests(PackedPackages packages)
{
    [Fact]
    public void A_zipmap_classifier_gets_typed_maps_renamed_members_and_required_inputs()
    {
        using var app = new ConsumerProject(packages);
        ZipMapClassifier.Write(Path.Combine(app.Directory, "classifier.onnx"));
        app.WriteProject("""
            <ModelReference Include="classifier.onnx" Name="Classifier" License="MIT" InputNames="Rows" OutputNames="Label,ByLabel,ByName" />
            """);
        app.WriteFile("Program.cs", """
            using Consumer.Models;
            using ModelRefs.Runtime;

            using var classifier = new Classifier();
            ClassifierOutput o = classifier.Run(new ClassifierInput { Rows = new TensorData<float>([0f, 0f, 3f], 1, 3) });
            IReadOnlyList<IReadOnlyDictionary<long, float>> byLabel = o.ByLabel;
            Console.WriteLine($"label={o.Label.Data[0]}");
            Console.WriteLine($"p30={byLabel[0][30]:F4}");
            Console.WriteLine($"eel={o.ByName[0]["eel"]:F4}");
            Console.WriteLine($"rows={o.Rows.Count}");
            """);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        string expected = ZipMapClassifier.Probabilities([0, 0, 3])[2].ToString("F4", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("30", SileroProgram.Value(run.Output, "label"));
        Assert.Equal(expected, SileroProgram.Value(run.Output, "p30"));
        Assert.Equal(expected, SileroProgram.Value(run.Output, "eel"));
        Assert.Equal("2", SileroProgram.Value(run.Output, "rows"));

        // Forgetting the input does not compile (the consumer's default LangVersion has required members).
        app.WriteFile("Program.cs", """
            using var classifier = new Consumer.Models.Classifier();
            classifier.Run(new Consumer.Models.ClassifierInput());
            """);
        var forgotten = app.Build();
        Assert.NotEqual(0, forgotten.ExitCode);
        Assert.Contains("error CS9035", forgotten.Output, StringComparison.Ordinal);
        Assert.Contains("ClassifierInput.Rows", forgotten.Output, StringComparison.Ordinal);
    }
}
