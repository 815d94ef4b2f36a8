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
    /// Set for a TensorList, held as an ONNX sequence or a dense tensor (<see cref="DataType"/> and
    /// <see cref="Shape"/> are then its elements').
    /// </summary>
    public TensorListKind List { get; init; }

    /// <summary>For a growing TensorArray: the ONNX name of its declared size ([1], int64), which Scatter and Size need.</summary>
    public string? ListSize { get; init; }

    /// <summary>A copy sharing the stored tensor and the layout caches made so far (a loop body's view of an outer value).</summary>
    internal TfValue Clone() => new(DataType, Shape)
    {
        OnnxName = OnnxName, Nchw = Nchw, Constant = Constant, KnownValues = KnownValues, List = List, ListSize = ListSize,
        NativeCache = NativeCache, NchwCache = NchwCache,
    };

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

/// <summary>How a TensorList's ONNX sequence relates to TF's list.</summary>
internal enum TensorListKind
{
    /// <summary>Not a list.</summary>
    None,
    /// <summary>Built by writes in index order (reserved with an unknown element shape): SetItem(i) appends at i.</summary>
    Growing,
    /// <summary>
    /// Holds every element as one dense tensor [count, …element] (a list from a tensor, or reserved
    /// with a known element shape): GetItem gathers, SetItem scatters, Stack is the tensor itself.
    /// </summary>
    Dense,
}
