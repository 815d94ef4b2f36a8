using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>MatMul, BatchMatMul and _FusedMatMul (bias and activation); transposed constant operands are transposed at conversion time.</summary>
internal static class MatMulOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["MatMul"] = (c, n) => MatMul(c, n, "transpose_a", "transpose_b");
        r["_FusedMatMul"] = (c, n) => MatMul(c, n, "transpose_a", "transpose_b");
        r["BatchMatMul"] = r["BatchMatMulV2"] = (c, n) => MatMul(c, n, "adj_x", "adj_y");
    }

    private static (string name, long[]? shape) Operand(ConversionContext c, TfNode n, int index, bool transpose)
    {
        var v = c.Input(n, index);
        if (!transpose)
            return (c.Native(v, $"{n.Name}/in{index}"), v.Shape);
        if (v.Rank < 2)
            throw TfJsConversionException.ForNode(n, "a transposed operand needs a known rank of at least 2.");
        var perm = Enumerable.Range(0, v.Rank).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        var shape = perm.Select(p => v.Shape![p]).ToArray();
        if (v.Constant != null)
            return (c.Initializer(v.Constant.Transpose(perm), $"{n.Name}/in{index}T"), shape);
        return (c.Emit("Transpose", [c.Native(v)], $"{n.Name}/in{index}T", OnnxAttribute.Ints("perm", perm.Select(p => (long)p).ToArray())), shape);
    }

    private static void MatMul(ConversionContext c, TfNode n, string transposeA, string transposeB)
    {
        var (a, sa) = Operand(c, n, 0, n.GetBool(transposeA, false));
        var (b, sb) = Operand(c, n, 1, n.GetBool(transposeB, false));
        var fused = n.GetStrings("fused_ops");
        var output = c.Emit("MatMul", [a, b], fused.Count == 0 ? n.Name : n.Name + "/matmul");
        var type = c.Input(n, 0).DataType;
        var next = 0;
        if (fused.Count > 0 && fused[0] == "BiasAdd")
        {
            next = 1;
            output = c.Emit("Add", [output, c.Native(c.Input(n, 2), n.Name + "/bias")], fused.Count == 1 ? n.Name : n.Name + "/bias_add");
        }
        if (next < fused.Count)
        {
            var activation = fused[next++];
            var alpha = activation == "Prelu" ? c.Native(c.Input(n, 3), n.Name + "/alpha") : null;
            output = ElementwiseOps.Activation(c, n, activation, output, type, n.Name, alpha);
        }
        if (next < fused.Count)
            throw TfJsConversionException.ForNode(n, $"fused_ops [{string.Join(", ", fused)}] is not supported.");
        long[]? shape = null;
        if (sa is { Length: >= 2 } && sb is { Length: >= 2 })
        {
            var batch = ConversionContext.Broadcast([sa[..^2], sb[..^2]])!;
            shape = [.. batch, sa[^2], sb[^1]];
        }
        c.SetOutput(n, 0, TfValue.Stored(output, type, shape));
    }
}
