using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>
/// Element-wise arithmetic, comparisons, logic, activations and Cast. These keep the layout of
/// their inputs: a chain of them after a convolution stays NCHW, with constant operands permuted
/// at conversion time.
/// </summary>
internal static class ElementwiseOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        foreach (var (tf, onnx) in new[]
        {
            ("Add", "Add"), ("AddV2", "Add"), ("BiasAdd", "Add"), ("Sub", "Sub"), ("Mul", "Mul"), ("RealDiv", "Div"),
            ("Maximum", "Max"), ("Minimum", "Min"), ("Pow", "Pow"), ("Prelu", "PRelu"),
        })
            r[tf] = (c, n) => Simple(c, n, onnx, 2, null);
        foreach (var (tf, onnx) in new[]
        {
            ("Equal", "Equal"), ("Less", "Less"), ("LessEqual", "LessOrEqual"), ("Greater", "Greater"),
            ("GreaterEqual", "GreaterOrEqual"), ("LogicalAnd", "And"), ("LogicalOr", "Or"),
        })
            r[tf] = (c, n) => Simple(c, n, onnx, 2, TfDataType.Bool);
        r["NotEqual"] = (c, n) => Apply(c, n, 2, TfDataType.Bool, (names, o) => c.Emit("Not", [c.Emit("Equal", names, o + "/eq")], o));
        r["LogicalNot"] = (c, n) => Simple(c, n, "Not", 1, TfDataType.Bool);
        r["Select"] = r["SelectV2"] = (c, n) => Apply(c, n, 3, c.Input(n, 1).DataType, (names, o) => c.Emit("Where", names, o));
        r["AddN"] = (c, n) => Apply(c, n, n.Inputs.Count, null, (names, o) => names.Length == 1 ? c.Emit("Identity", names, o) : c.Emit("Sum", names, o));
        r["Div"] = (c, n) =>
        {
            if (c.Input(n, 0).DataType.IsFloat()) Simple(c, n, "Div", 2, null);
            else FloorDiv(c, n);
        };
        r["FloorDiv"] = FloorDiv;
        r["FloorMod"] = (c, n) => Apply(c, n, 2, null, (x, o) => c.Input(n, 0).DataType.IsFloat()
            ? c.Emit("Sub", [x[0], c.Emit("Mul", [c.Emit("Floor", [c.Emit("Div", x, o + "/div")], o + "/floor"), x[1]], o + "/mul")], o)
            : c.Emit("Mod", x, o, OnnxAttribute.Int("fmod", 0)));
        r["SquaredDifference"] = (c, n) => Apply(c, n, 2, null, (x, o) =>
        {
            var d = c.Emit("Sub", x, o + "/diff");
            return c.Emit("Mul", [d, d], o);
        });
        r["DivNoNan"] = (c, n) => Apply(c, n, 2, null, (x, o) =>
        {
            var t = c.Input(n, 0).DataType;
            var zero = c.Scalar(o + "/zero", t, 0);
            var isZero = c.Emit("Equal", [x[1], zero], o + "/is_zero");
            return c.Emit("Where", [isZero, zero, c.Emit("Div", x, o + "/div")], o);
        });

        foreach (var (tf, onnx) in new[]
        {
            ("Abs", "Abs"), ("Neg", "Neg"), ("Exp", "Exp"), ("Log", "Log"), ("Sqrt", "Sqrt"), ("Floor", "Floor"),
            ("Ceil", "Ceil"), ("Round", "Round"), ("Sign", "Sign"), ("Sin", "Sin"), ("Cos", "Cos"), ("Tan", "Tan"),
            ("Asin", "Asin"), ("Acos", "Acos"), ("Atan", "Atan"), ("Sinh", "Sinh"), ("Cosh", "Cosh"),
            ("Tanh", "Tanh"), ("Sigmoid", "Sigmoid"), ("Relu", "Relu"), ("Elu", "Elu"), ("Selu", "Selu"),
            ("Softplus", "Softplus"), ("Softsign", "Softsign"), ("Erf", "Erf"), ("Reciprocal", "Reciprocal"),
            ("Inv", "Reciprocal"),
        })
            r[tf] = (c, n) => Simple(c, n, onnx, 1, null);
        r["Atan2"] = (c, n) => Apply(c, n, 2, null, (x, o) => Atan2(c, x[0], x[1], c.Input(n, 0).DataType, o));
        r["IsNan"] = (c, n) => Simple(c, n, "IsNaN", 1, TfDataType.Bool);
        r["Rsqrt"] = (c, n) => Apply(c, n, 1, null, (x, o) => c.Emit("Reciprocal", [c.Emit("Sqrt", x, o + "/sqrt")], o));
        r["Square"] = (c, n) => Apply(c, n, 1, null, (x, o) => c.Emit("Mul", [x[0], x[0]], o));
        r["Log1p"] = (c, n) => Apply(c, n, 1, null, (x, o) => c.Emit("Log", [c.Emit("Add", [x[0], c.Scalar(o + "/one", TfDataType.Float32, 1)], o + "/add")], o));
        r["Expm1"] = (c, n) => Apply(c, n, 1, null, (x, o) => c.Emit("Sub", [c.Emit("Exp", x, o + "/exp"), c.Scalar(o + "/one", TfDataType.Float32, 1)], o));
        r["Relu6"] = (c, n) => Apply(c, n, 1, null, (x, o) => Activation(c, n, "Relu6", x[0], c.Input(n, 0).DataType, o, null));
        r["LeakyRelu"] = (c, n) => Apply(c, n, 1, null, (x, o) => c.Emit("LeakyRelu", x, o, OnnxAttribute.Float("alpha", n.GetFloat("alpha", 0.2f))));
        r["Cast"] = (c, n) =>
        {
            var to = n.GetType("DstT", TfDataType.Float32);
            if (to.ToOnnx() == OnnxElementType.Undefined)
                throw TfJsConversionException.ForNode(n, $"casting to {to} is not supported.");
            Apply(c, n, 1, to, (x, o) => c.Emit("Cast", x, o, OnnxAttribute.Int("to", (long)to.ToOnnx())));
        };
    }

    /// <summary>
    /// atan2(y, x) from Atan(y / x) and the quadrant: +π or −π (by the sign of y) where x &lt; 0, and
    /// 0 where both are 0 (as Math.atan2, which tfjs' CPU kernel calls); x = 0 gives ±π/2 through ±∞.
    /// </summary>
    private static string Atan2(ConversionContext c, string y, string x, TfDataType type, string o)
    {
        var zero = c.Scalar(o + "/zero", type, 0);
        var atan = c.Emit("Atan", [c.Emit("Div", [y, x], o + "/div")], o + "/atan");
        var turn = c.Emit("Where", [c.Emit("GreaterOrEqual", [y, zero], o + "/y_nonneg"), c.Scalar(o + "/pi", type, Math.PI), c.Scalar(o + "/minus_pi", type, -Math.PI)], o + "/turn");
        var quadrant = c.Emit("Where", [c.Emit("Less", [x, zero], o + "/x_neg"), c.Emit("Add", [atan, turn], o + "/turned"), atan], o + "/quadrant");
        var origin = c.Emit("And", [c.Emit("Equal", [x, zero], o + "/x_zero"), c.Emit("Equal", [y, zero], o + "/y_zero")], o + "/origin");
        return c.Emit("Where", [origin, zero, quadrant], o);
    }

    private static void FloorDiv(ConversionContext c, TfNode n) => Apply(c, n, 2, null, (x, o) =>
        c.Input(n, 0).DataType.IsFloat()
            ? c.Emit("Floor", [c.Emit("Div", x, o + "/div")], o)
            // a - mod(a, b) is an exact multiple of b, so the truncating division is exact: floor semantics.
            : c.Emit("Div", [c.Emit("Sub", [x[0], c.Emit("Mod", x, o + "/mod", OnnxAttribute.Int("fmod", 0))], o + "/sub"), x[1]], o));

    private static void Simple(ConversionContext c, TfNode n, string onnxOp, int arity, TfDataType? outType)
        => Apply(c, n, arity, outType, (names, o) => c.Emit(onnxOp, names, o));

    /// <summary>
    /// Converts an element-wise node: chooses the layout (NCHW when an input is NCHW and every
    /// operand can follow without a run-time reshape, otherwise TF's own), emits the ops through
    /// <paramref name="emit"/> (operand names, output name hint → output name) and records the output.
    /// </summary>
    public static void Apply(ConversionContext c, TfNode n, int arity, TfDataType? outType, Func<string[], string, string> emit)
    {
        var ins = Enumerable.Range(0, arity).Select(i => c.Input(n, i)).ToArray();
        var shape = ConversionContext.Broadcast(ins.Select(v => v.Shape));
        var nchw = ins.Any(v => v.Nchw) && shape?.Length == 4
            && ins.All(v => v.Nchw || v.Rank == 4 || v.Rank == 0 || (v.Constant != null && v.Rank is > 0 and < 4));
        var names = ins.Select((v, i) => nchw ? c.BroadcastNchw(v, $"{n.Name}/in{i}")! : c.Native(v, $"{n.Name}/in{i}")).ToArray();
        var output = emit(names, n.Name);
        c.SetOutput(n, 0, TfValue.Stored(output, outType ?? ins[0].DataType, shape, nchw));
    }

    /// <summary>A fused activation by its TF name (for _FusedConv2D, _FusedMatMul and the plain ops).</summary>
    public static string Activation(ConversionContext c, TfNode n, string activation, string input, TfDataType type, string output, string? preluAlpha)
    {
        switch (activation)
        {
            case "Relu": return c.Emit("Relu", [input], output);
            case "Relu6": return c.Emit("Clip", [input, c.Scalar(output + "/min", type, 0), c.Scalar(output + "/max", type, 6)], output);
            case "Elu": return c.Emit("Elu", [input], output);
            case "Selu": return c.Emit("Selu", [input], output);
            case "Sigmoid": return c.Emit("Sigmoid", [input], output);
            case "Tanh": return c.Emit("Tanh", [input], output);
            case "LeakyRelu": return c.Emit("LeakyRelu", [input], output, OnnxAttribute.Float("alpha", n.GetFloat("leakyrelu_alpha", 0.2f)));
            case "Prelu":
                return c.Emit("PRelu", [input, preluAlpha ?? throw TfJsConversionException.ForNode(n, "fused Prelu has no alpha input.")], output);
            default:
                throw new TfJsConversionException(
                    $"TF.js node '{n.Name}' ({n.Op}): fused activation '{activation}' is not supported by the ONNX converter.", n.Op, n.Name)
                { IsUnsupportedOperator = true };
        }
    }
}
