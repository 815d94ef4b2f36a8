using Microsoft.ML.OnnxRuntime;

namespace ModelRefs.Runtime;

/// <summary>How a model is loaded and run. Every member is optional; the defaults run on the CPU.</summary>
public sealed class ModelOptions
{
    /// <summary>Threads used inside one operator; <see langword="null"/> lets ONNX Runtime choose.</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Threads used to run independent operators in parallel; <see langword="null"/> lets ONNX Runtime choose.</summary>
    public int? InterOpThreads { get; set; }

    /// <summary>The execution provider; <see cref="Runtime.ExecutionProvider.Cpu"/> by default.</summary>
    public ExecutionProvider ExecutionProvider { get; set; }

    /// <summary>The device of a GPU execution provider.</summary>
    public int DeviceId { get; set; }

    /// <summary>
    /// When <see langword="true"/>, every <see cref="ModelSession"/> of the same model with equal options
    /// in the process shares one ONNX Runtime session (ref-counted; the last dispose releases it).
    /// Each instance still has its own buffers, so instances may run on different threads.
    /// </summary>
    public bool ShareSession { get; set; }

    /// <summary>The graph optimization level; <see langword="null"/> keeps ONNX Runtime's default.</summary>
    public GraphOptimizationLevel? OptimizationLevel { get; set; }

    /// <summary>
    /// The least severe ONNX Runtime message the session writes to the process's console
    /// (<see cref="SessionOptions.LogSeverityLevel"/>). By default errors only: ONNX Runtime's warnings
    /// (such as "Removing initializer …" for a model with unused weights) are about the model file,
    /// not the app, and would otherwise reach the app's console.
    /// </summary>
    public OrtLoggingLevel LogLevel { get; set; } = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;

    /// <summary>Called last on the session options before the session is created, for anything else ONNX Runtime offers.</summary>
    public Action<SessionOptions>? ConfigureSession { get; set; }
}
