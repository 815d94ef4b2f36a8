using ModelRefs.Core.Onnx;
using ModelRefs.TestSupport;

namespace ModelRefs.Runtime.Tests;

/// <summary>Small models written with <see cref="OnnxModelBuilder"/> into a folder that lives as long as the test class.</summary>
public sealed class BuiltModels : IDisposable
{
    private readonly TempDirectory _folder = new("modelrefs-runtime-tests");
    private int _count;

    public string Save(OnnxModelBuilder builder)
    {
        var path = _folder.Combine($"model{Interlocked.Increment(ref _count)}.onnx");
        builder.Save(path);
        return path;
    }

    public ModelSession Open(OnnxModelBuilder builder, ModelInfo info, ModelOptions? options = null) =>
        ModelSession.Open(info, ModelLocation.File(Save(builder)), options);

    public static ModelInfo Info(string name, TensorSignature[] inputs, TensorSignature[] outputs) =>
        new(name, "test:" + name, null, "0", "0", null, null, "ModelRefs.Runtime.Tests", inputs, outputs);

    public void Dispose() => _folder.Dispose();
}
