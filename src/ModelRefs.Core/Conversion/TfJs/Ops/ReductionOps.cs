using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>
/// Reductions, arg max/min, top-k and softmax. On an NCHW input the axes are rewritten under the
/// permutation; a reduction that drops axes stays transpose-free when the kept axes are in TF order.
/// </summary>
internal static class ReductionOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["Mean"] = (c, n) => Reduce(c, n, "ReduceMean");
        r["Sum"] = (c, n) => Reduce(c, n, "ReduceSum");
        r["Max"] = (c, n) => Reduce(c, n, "ReduceMax");
        r["Min"] = (c, n) => Reduce(c, n, "ReduceMin");
        r["Prod"] = (c, n) => Reduce(c, n, "ReduceProd");
        r["All"] = (c, n) => Reduce(c, n, "ReduceMin");
        r["Any"] = (c, n) => Reduce(c, n, "ReduceMax");
        r["ArgMax"] = (c, n) => Arg(c, n, "ArgMax");
        r["ArgMin"] = (c, n) => Arg(c, n, "ArgMin");
        r["Softmax"] = (c, n) => Softmax(c, n, "Softmax");
        r["LogSoftmax"] = (c, n) => Softmax(c, n, "LogSoftmax");
        r["TopKV2"] = TopK;
    }

    /// <summary>
    /// Picks the layout for reducing <paramref name="axes"/> (TF axes) of <paramref name="x"/>: the
    /// stored input name, the stored axes, and whether the result is stored NCHW.
    /// </summary>
    private static (string input, long[] axes, bool nchw) Layout(ConversionContext c, TfNode n, TfValue x, int[] axes, bool keepDims)
    {
        if (x.Nchw)
        {
            var stored = axes.Select(a => (long)ConversionContext.StoredAxis(x, a)).ToArray();
            if (keepDims)
                return (x.OnnxName!, stored, true);
            var kept = Enumerable.Range(0, 4).Where(s => !stored.Contains(s)).Select(s => ConversionContext.ToNchw[s]).ToArray();
            if (kept.SequenceEqual(kept.Order()))
                return (x.OnnxName!, stored, false);
        }
        return (c.Native(x, n.Name + "/input"), axes.Select(a => (long)a).ToArray(), false);
    }

    private static long[]? ReducedShape(long[]? shape, int[] axes, bool keepDims)
        => shape?.Select((d, i) => (d, i)).Where(t => keepDims || !axes.Contains(t.i)).Select(t => axes.Contains(t.i) ? 1 : t.d).ToArray();

    private static void Reduce(ConversionContext c, TfNode n, string onnxOp)
    {
        var x = c.Input(n, 0);
        var keepDims = n.GetBool("keep_dims", false);
        var axes = c.ConstInput(n, 1, "reduction axes").ToInt64().Select(a => ConversionContext.NormalizeAxis(n, a, x.Rank)).Distinct().Order().ToArray();
        if (axes.Length == 0)
        {
            c.SetOutput(n, 0, x); // TF reduces nothing over an empty axis list
            return;
        }
        var (input, stored, nchw) = Layout(c, n, x, axes, keepDims);
        var logical = n.Op is "All" or "Any";
        if (logical)
            input = c.Emit("Cast", [input], n.Name + "/as_int", OnnxAttribute.Int("to", (long)OnnxElementType.Int32));
        var output = onnxOp == "ReduceSum"
            ? c.Emit(onnxOp, [input, c.Int64s(n.Name + "/axes", stored)], logical ? n.Name + "/int" : n.Name, OnnxAttribute.Int("keepdims", keepDims ? 1 : 0))
            : c.Emit(onnxOp, [input], logical ? n.Name + "/int" : n.Name, OnnxAttribute.Ints("axes", stored), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));
        if (logical)
            output = c.Emit("Cast", [output], n.Name, OnnxAttribute.Int("to", (long)OnnxElementType.Bool));
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, ReducedShape(x.Shape, axes, keepDims), nchw));
    }

    private static void Arg(ConversionContext c, TfNode n, string onnxOp)
    {
        var x = c.Input(n, 0);
        var axis = ConversionContext.NormalizeAxis(n, c.ConstInput(n, 1, "dimension").ToInt64().Single(), x.Rank);
        var (input, stored, _) = Layout(c, n, x, [axis], keepDims: false);
        var outType = n.GetType("output_type", TfDataType.Int64);
        var output = c.Emit(onnxOp, [input], outType == TfDataType.Int64 ? n.Name : n.Name + "/i64",
            OnnxAttribute.Int("axis", stored[0]), OnnxAttribute.Int("keepdims", 0));
        if (outType != TfDataType.Int64)
            output = c.Emit("Cast", [output], n.Name, OnnxAttribute.Int("to", (long)outType.ToOnnx()));
        c.SetOutput(n, 0, TfValue.Stored(output, outType, ReducedShape(x.Shape, [axis], false)));
    }

    private static void Softmax(ConversionContext c, TfNode n, string onnxOp)
    {
        var x = c.Input(n, 0);
        if (x.Rank < 1)
            throw TfJsConversionException.ForNode(n, "the rank of its input is unknown.");
        var axis = ConversionContext.StoredAxis(x, x.Rank - 1);
        var input = x.Nchw ? x.OnnxName! : c.Native(x, n.Name + "/input");
        var output = c.Emit(onnxOp, [input], n.Name, OnnxAttribute.Int("axis", axis));
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, x.Shape, x.Nchw));
    }

    private static void TopK(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var kValue = c.Input(n, 1);
        string k;
        long kSize = -1;
        if (kValue.Constant != null)
        {
            kSize = kValue.Constant.ToInt64().Single();
            k = c.Int64s(n.Name + "/k", kSize);
        }
        else
        {
            var k64 = c.Emit("Cast", [c.Native(kValue)], n.Name + "/k64", OnnxAttribute.Int("to", (long)OnnxElementType.Int64));
            k = c.Emit("Reshape", [k64, c.Int64s(n.Name + "/one", 1)], n.Name + "/k");
        }
        var outs = c.EmitMulti("TopK", [c.Native(x, n.Name + "/input"), k], [n.Name, n.Name + ":1/i64"],
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Int("largest", 1), OnnxAttribute.Int("sorted", 1));
        var shape = x.Shape?.ToArray();
        if (shape is { Length: > 0 })
            shape[^1] = kSize;
        c.SetOutput(n, 0, TfValue.Stored(outs[0], x.DataType, shape));
        var indices = c.Emit("Cast", [outs[1]], n.Name + ":1", OnnxAttribute.Int("to", (long)OnnxElementType.Int32));
        c.SetOutput(n, 1, TfValue.Stored(indices, TfDataType.Int32, shape));
    }
}
