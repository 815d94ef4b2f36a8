namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>
/// A TensorFlow tensor during conversion: its TF (logical) shape and type, and how the ONNX graph
/// holds it. A rank-4 value produced by a layout-aware op may be stored in NCHW order
/// (<see cref="Nchw"/>): its <see cref="Shape"/> stays the TF NHWC shape, the ONNX tensor is that
/// shape permuted by [0,3,1,2]. Constants are kept as data until an op needs them, so they can be
/// permuted at conversion time.
/// </summary>
internal sealed class TfValue
{
    public TfValue(TfDataType dataType, long[]? shape)
    {
        DataType = dataType;
        Shape = shape;
    }

    /// <summary>ONNX name of the stored tensor; null for a constant no op has used yet.</summary>
    public string? OnnxName { get; set; }
    public TfDataType DataType { get; }
    /// <summary>TF shape (-1 for unknown sizes); null when even the rank is unknown.</summary>
    public long[]? Shape { get; }
    public bool Nchw { get; init; }
    public TfConstant? Constant { get; init; }
    public int Rank => Shape?.Length ?? -1;

    /// <summary>
    /// For a rank-1 integer value computed at run time but partly known at conversion time (a
    /// <c>Pack</c> of constants and a run-time batch size): each element, -1 where unknown.
    /// </summary>
    public long[]? KnownValues { get; init; }

    /// <summary>The constant's values, else <see cref="KnownValues"/>, else null.</summary>
    public long[]? KnownInts => Constant?.ToInt64() ?? KnownValues;

    internal string? NativeCache { get; set; }
    internal string? NchwCache { get; set; }

    public static TfValue Stored(string onnxName, TfDataType type, long[]? shape, bool nchw = false)
        => new(type, shape) { OnnxName = onnxName, Nchw = nchw };

    public static TfValue Const(TfConstant constant) => new(constant.DataType, constant.Shape) { Constant = constant };
}
