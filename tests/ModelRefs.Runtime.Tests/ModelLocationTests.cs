using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelRefs.Runtime.Tests;

public class ModelLocationTests
{
    private const string ResourceName = "VoiceActivity.Models.SileroVad.onnx";

    /// <summary>A real assembly, compiled here, that embeds the Silero model as a manifest resource, as Embed="true" does.</summary>
    private static readonly Lazy<Assembly> EmbeddingAssembly = new(() =>
    {
        var compilation = CSharpCompilation.Create(
            "ModelRefs.Runtime.Tests.Embedded",
            [CSharpSyntaxTree.ParseText("namespace VoiceActivity { public sealed class Marker { } }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe, manifestResources:
            [new ResourceDescription(ResourceName, () => File.OpenRead(SileroVad.ModelPath), isPublic: true)]);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        pe.Position = 0;
        return new AssemblyLoadContext("embedded-model").LoadFromStream(pe);
    });

    private static (float Probability, float[] StateN) OneStep(ModelSession session)
    {
        session.SetInput<float>(SileroVad.Input, SileroVad.Noise(7), [1, 512]);
        session.SetInput<float>(SileroVad.State, new float[256], [2, 1, 128]);
        session.SetInput(SileroVad.Sr, [SileroVad.SampleRate], ReadOnlySpan<long>.Empty);
        session.Run();
        return (session.GetOutput<float>(SileroVad.Output)[0], session.GetOutput<float>(SileroVad.StateN).ToArray());
    }

    [Fact]
    public void EmbeddedResource_RunsLikeTheFile()
    {
        using var fromFile = SileroVad.Open();
        using var fromResource = ModelSession.Open(SileroVad.Info, ModelLocation.EmbeddedResource(EmbeddingAssembly.Value, ResourceName), null);
        var expected = OneStep(fromFile);
        var actual = OneStep(fromResource);
        Assert.Equal(expected.Probability, actual.Probability);
        Assert.Equal(expected.StateN, actual.StateN);
    }

    [Fact]
    public void EmbeddedResource_SharesBySessionKey()
    {
        var options = new ModelOptions { ShareSession = true };
        using var a = ModelSession.Open(SileroVad.Info, ModelLocation.EmbeddedResource(EmbeddingAssembly.Value, ResourceName), options);
        using var b = ModelSession.Open(SileroVad.Info, ModelLocation.EmbeddedResource(EmbeddingAssembly.Value, ResourceName), options);
        using var file = ModelSession.Open(SileroVad.Info, ModelLocation.File(SileroVad.ModelPath), options);
        Assert.Same(a.InferenceSession, b.InferenceSession);
        Assert.NotSame(a.InferenceSession, file.InferenceSession);
    }

    [Fact]
    public void MissingResource_NamesModelAssemblyAndResource()
    {
        var e = Assert.Throws<FileNotFoundException>(() =>
            ModelSession.Open(SileroVad.Info, ModelLocation.EmbeddedResource(EmbeddingAssembly.Value, "VoiceActivity.Models.Other.onnx"), null));
        Assert.Contains("'SileroVad'", e.Message);
        Assert.Contains("VoiceActivity.Models.Other.onnx", e.Message);
        Assert.Contains("ModelRefs.Runtime.Tests.Embedded", e.Message);
        Assert.Contains(ResourceName, e.Message);   // lists what is there
        Assert.Contains("Embed", e.Message);
    }

    [Fact]
    public void MissingFile_NamesModelPathAndDeployment()
    {
        var e = Assert.Throws<FileNotFoundException>(() =>
            ModelSession.Open(SileroVad.Info, ModelLocation.File("models/NotDeployed.onnx"), null));
        var expectedPath = Path.Combine(AppContext.BaseDirectory, "models", "NotDeployed.onnx");
        Assert.Equal(expectedPath, e.FileName);
        Assert.Contains(expectedPath, e.Message);
        Assert.Contains("'SileroVad'", e.Message);
        Assert.Contains(SileroVad.Info.Handle, e.Message);
        Assert.Contains("next to the app", e.Message);
    }

    [Fact]
    public void File_RelativePathIsRelativeToTheAppNotTheCurrentDirectory()
    {
        var relative = Path.Combine("models", $"silero-{Guid.NewGuid():N}.onnx");
        var deployed = Path.Combine(AppContext.BaseDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(deployed)!);
        File.Copy(SileroVad.ModelPath, deployed);
        try
        {
            using var session = ModelSession.Open(SileroVad.Info, ModelLocation.File(relative), null);
            Assert.InRange(OneStep(session).Probability, 0f, 1f);
        }
        finally
        {
            File.Delete(deployed);
        }
    }

    [Fact]
    public void Arguments_AreChecked()
    {
        Assert.Throws<ArgumentException>(() => ModelLocation.File(""));
        Assert.Throws<ArgumentNullException>(() => ModelLocation.EmbeddedResource(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => ModelSession.Open(null!, ModelLocation.File("x.onnx"), null));
        Assert.Throws<ArgumentNullException>(() => ModelSession.Open(SileroVad.Info, null!, null));
    }
}
