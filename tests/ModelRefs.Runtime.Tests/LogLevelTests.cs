using Microsoft.ML.OnnxRuntime;
using ModelRefs.Core.Onnx;

namespace ModelRefs.Runtime.Tests;

/// <summary>ONNX Runtime's own messages reach the console only from <see cref="ModelOptions.LogLevel"/> up; errors only by default.</summary>
public sealed class LogLevelTests : IDisposable
{
    private readonly BuiltModels _models = new();

    public void Dispose() => _models.Dispose();

    // An initializer no node uses: ONNX Runtime warns "Removing initializer 'unused'" while loading (as for Silero VAD v6).
    private string ModelWithUnusedWeights() => _models.Save(new OnnxModelBuilder()
        .IrVersion(8)
        .Opset(13)
        .Input("x", OnnxElementType.Float, 1)
        .Output("y", OnnxElementType.Float, 1)
        .Initializer(OnnxTensor.Create("unused", [2], 1f, 2f))
        .Node("Identity", ["x"], ["y"]));

    private static readonly ModelInfo Info = BuiltModels.Info("Unused",
        [new("x", TensorElementKind.Float, [1], [null], null)],
        [new("y", TensorElementKind.Float, [1], [null], null)]);

    private static string LoadAndRun(string path, ModelOptions? options) => NativeStderr.Capture(() =>
    {
        using var session = ModelSession.Open(Info, ModelLocation.File(path), options);
        session.SetInput<float>(0, [3f], [1]);
        session.Run();
        Assert.Equal(3f, session.GetOutput<float>(0)[0]);
    });

    [Fact]
    public void The_default_shows_errors_only()
    {
        Assert.Equal(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, new ModelOptions().LogLevel);
        string path = ModelWithUnusedWeights();
        Assert.DoesNotContain("unused", LoadAndRun(path, null), StringComparison.Ordinal);
        Assert.DoesNotContain("unused", LoadAndRun(path, new ModelOptions()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lower_level_lets_the_warnings_through()
    {
        string path = ModelWithUnusedWeights();
        string stderr = LoadAndRun(path, new ModelOptions { LogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING });
        Assert.Contains("Removing initializer 'unused'", stderr, StringComparison.Ordinal);
    }
}
