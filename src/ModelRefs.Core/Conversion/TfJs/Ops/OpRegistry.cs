namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>Converts one TF node: reads its inputs from the context, emits ONNX nodes, sets its outputs.</summary>
internal delegate void OpConverter(ConversionContext context, TfNode node);

/// <summary>
/// The table of supported TF operators. Each family lives in its own file and registers its ops
/// here; adding an op is adding one entry (and a small converter) to one family.
/// </summary>
internal static class OpRegistry
{
    private static readonly Dictionary<string, OpConverter> Table = Build();

    public static bool TryGet(string op, out OpConverter converter) => Table.TryGetValue(op, out converter!);

    /// <summary>Every TF operator name the converter accepts (besides Const and Placeholder), sorted.</summary>
    public static IReadOnlyList<string> SupportedOps { get; } = Table.Keys.Append("Const").Append("Placeholder").Order(StringComparer.Ordinal).ToArray();

    private static Dictionary<string, OpConverter> Build()
    {
        var table = new Dictionary<string, OpConverter>(StringComparer.Ordinal);
        ElementwiseOps.Register(table);
        ConvolutionOps.Register(table);
        ImageOps.Register(table);
        ReductionOps.Register(table);
        ShapeOps.Register(table);
        SliceOps.Register(table);
        MatMulOps.Register(table);
        DetectionOps.Register(table);
        ControlFlowOps.Register(table);
        TensorListOps.Register(table);
        return table;
    }
}
