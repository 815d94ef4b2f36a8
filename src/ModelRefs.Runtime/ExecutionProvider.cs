namespace ModelRefs.Runtime;

/// <summary>The ONNX Runtime execution provider a <see cref="ModelSession"/> runs on.</summary>
public enum ExecutionProvider
{
    /// <summary>The default CPU provider, always available.</summary>
    Cpu,
    /// <summary>NVIDIA CUDA; needs the <c>Microsoft.ML.OnnxRuntime.Gpu</c> package and CUDA on the machine.</summary>
    Cuda,
    /// <summary>DirectML on Windows; needs the <c>Microsoft.ML.OnnxRuntime.DirectML</c> package.</summary>
    DirectML,
    /// <summary>Core ML on Apple platforms.</summary>
    CoreML,
}
