using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>
/// Conv2D, DepthwiseConv2dNative, their fused forms (bias, batch norm, activation), and pooling.
/// TF's NHWC inputs are taken in NCHW (the input is transposed at most once, and stays NCHW for
/// the next op); HWIO filters are permuted to OIHW at conversion time.
/// </summary>
internal static class ConvolutionOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["Conv2D"] = (c, n) => Conv(c, n, depthwise: false);
        r["_FusedConv2D"] = (c, n) => Conv(c, n, depthwise: false);
        r["DepthwiseConv2dNative"] = (c, n) => Conv(c, n, depthwise: true);
        r["FusedDepthwiseConv2dNative"] = (c, n) => Conv(c, n, depthwise: true);
        r["Conv2DBackpropInput"] = ConvTranspose;
        r["MaxPool"] = (c, n) => Pool(c, n, "MaxPool");
        r["AvgPool"] = (c, n) => Pool(c, n, "AveragePool");
    }

    internal static void CheckNhwc(TfNode n)
    {
        var format = n.GetString("data_format") ?? "NHWC";
        if (format != "NHWC")
            throw TfJsConversionException.ForNode(n, $"data_format '{format}' is not supported (only NHWC).");
    }

    internal static TfValue Rank4Input(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        if (x.Rank != 4)
            throw TfJsConversionException.ForNode(n, $"expects a rank-4 NHWC input, got shape {Format(x.Shape)}.");
        return x;
    }

    internal static string Format(long[]? shape) => shape == null ? "of unknown rank" : "[" + string.Join(",", shape) + "]";

    private static (long h, long w) Pair(TfNode n, string key, long fallback)
    {
        var v = n.GetInts(key);
        if (v.Count == 0)
            return (fallback, fallback);
        if (v.Count != 4)
            throw TfJsConversionException.ForNode(n, $"attribute '{key}' must have 4 values, has {v.Count}.");
        return (v[1], v[2]);
    }

    /// <summary>
    /// ONNX pads [top, left, bottom, right] and the output size for TF's padding: SAME (extra on
    /// the bottom/right, as SAME_UPPER), VALID, or EXPLICIT. Unknown input sizes fall back to auto_pad.
    /// </summary>
    private static (OnnxAttribute pads, long outH, long outW) Padding(TfNode n, long[] inShape, long kh, long kw, (long h, long w) s, (long h, long w) d)
    {
        var padding = n.GetString("padding") ?? "VALID";
        long inH = inShape[1], inW = inShape[2];
        long ek(long k, long dil) => (k - 1) * dil + 1;
        switch (padding)
        {
            case "VALID":
                return (OnnxAttribute.Ints("pads", 0, 0, 0, 0),
                    inH < 0 ? -1 : (inH - ek(kh, d.h)) / s.h + 1, inW < 0 ? -1 : (inW - ek(kw, d.w)) / s.w + 1);
            case "SAME":
            {
                if (inH < 0 || inW < 0)
                    return (OnnxAttribute.String("auto_pad", "SAME_UPPER"), inH < 0 ? -1 : (inH + s.h - 1) / s.h, inW < 0 ? -1 : (inW + s.w - 1) / s.w);
                long outH = (inH + s.h - 1) / s.h, outW = (inW + s.w - 1) / s.w;
                var ph = Math.Max((outH - 1) * s.h + ek(kh, d.h) - inH, 0);
                var pw = Math.Max((outW - 1) * s.w + ek(kw, d.w) - inW, 0);
                return (OnnxAttribute.Ints("pads", ph / 2, pw / 2, ph - ph / 2, pw - pw / 2), outH, outW);
            }
            case "EXPLICIT":
            {
                var p = n.GetInts("explicit_paddings");
                if (p.Count != 8)
                    throw TfJsConversionException.ForNode(n, "EXPLICIT padding needs 8 explicit_paddings.");
                return (OnnxAttribute.Ints("pads", p[2], p[4], p[3], p[5]),
                    inH < 0 ? -1 : (inH + p[2] + p[3] - ek(kh, d.h)) / s.h + 1, inW < 0 ? -1 : (inW + p[4] + p[5] - ek(kw, d.w)) / s.w + 1);
            }
            default:
                throw TfJsConversionException.ForNode(n, $"padding '{padding}' is not supported.");
        }
    }

    private static void Conv(ConversionContext c, TfNode n, bool depthwise)
    {
        CheckNhwc(n);
        var x = Rank4Input(c, n);
        var filter = c.Input(n, 1);
        if (filter.Rank != 4)
            throw TfJsConversionException.ForNode(n, $"expects a rank-4 filter, got {Format(filter.Shape)}.");
        long kh = filter.Shape![0], kw = filter.Shape[1], cin = filter.Shape[2], mult = filter.Shape[3];
        var strides = Pair(n, "strides", 1);
        var dilations = Pair(n, "dilations", 1);
        var (pads, outH, outW) = Padding(n, x.Shape!, kh, kw, strides, dilations);

        string weights;
        long group = 1, outC;
        if (depthwise)
        {
            var f = filter.Constant ?? throw TfJsConversionException.ForNode(n, "a depthwise filter computed at run time is not supported.");
            // [kh, kw, C, M] → [C, M, kh, kw] → [C·M, 1, kh, kw]: output channel c·M + m, as TF orders them.
            weights = c.Initializer(f.Transpose([2, 3, 0, 1]).Reshape([cin * mult, 1, kh, kw]), n.Name + "/weights");
            group = cin;
            outC = cin * mult;
        }
        else
        {
            weights = filter.Constant != null
                ? c.Initializer(filter.Constant.Transpose([3, 2, 0, 1]), n.Name + "/weights")
                : c.Emit("Transpose", [c.Native(filter)], n.Name + "/weights", OnnxAttribute.Ints("perm", 3, 2, 0, 1));
            outC = mult;
            var inC = x.Shape![3];
            if (inC > 0 && cin > 0 && inC != cin)
            {
                if (inC % cin != 0)
                    throw TfJsConversionException.ForNode(n, $"input has {inC} channels, the filter {cin}.");
                group = inC / cin; // grouped convolution
            }
        }

        var fused = n.GetStrings("fused_ops");
        var convInputs = new List<string> { c.Nchw(x, n.Name + "/input"), weights };
        var next = 0;
        var argIndex = 2;
        if (fused.Count > 0 && fused[0] == "BiasAdd")
        {
            convInputs.Add(c.Native(c.Input(n, argIndex++), n.Name + "/bias"));
            next = 1;
        }
        var attrs = new List<OnnxAttribute>
        {
            OnnxAttribute.Ints("kernel_shape", kh, kw),
            OnnxAttribute.Ints("strides", strides.h, strides.w),
            OnnxAttribute.Ints("dilations", dilations.h, dilations.w),
            OnnxAttribute.Int("group", group),
            pads,
        };
        var last = fused.Count == next;
        var output = c.Emit("Conv", convInputs, last ? n.Name : n.Name + "/conv", attrs.ToArray());

        // FusedBatchNorm inside fused_ops is rejected below, as TF.js itself rejects it.
        if (next < fused.Count)
        {
            var activation = fused[next++];
            string? alpha = null;
            if (activation == "Prelu")
            {
                var a = c.Input(n, argIndex);
                alpha = c.BroadcastNchw(a, n.Name + "/alpha")
                    ?? throw TfJsConversionException.ForNode(n, "a Prelu alpha computed at run time is not supported.");
            }
            output = ElementwiseOps.Activation(c, n, activation, output, x.DataType, n.Name, alpha);
        }
        if (next < fused.Count)
            throw TfJsConversionException.ForNode(n, $"fused_ops [{string.Join(", ", fused)}] is not supported.");

        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, [x.Shape![0], outH, outW, outC], nchw: true));
    }

    /// <summary>
    /// Conv2DBackpropInput (a transposed convolution: Keras' Conv2DTranspose) as ConvTranspose.
    /// TF gives the output size (input_sizes) and the forward convolution's padding; ONNX takes the
    /// pads that forward convolution used, and output_padding for rows/columns the forward
    /// convolution never read (they come out 0 on both sides).
    /// </summary>
    private static void ConvTranspose(ConversionContext c, TfNode n)
    {
        CheckNhwc(n);
        var sizes = c.Input(n, 0).KnownInts
            ?? throw TfJsConversionException.ForNode(n, $"its output size (input 0, '{n.Inputs[0]}') must be known at conversion time.");
        var filter = c.Input(n, 1);
        var dy = c.Input(n, 2);
        if (sizes.Length != 4 || sizes[1] < 0 || sizes[2] < 0)
            throw TfJsConversionException.ForNode(n, $"its output height and width (input 0, '{n.Inputs[0]}') must be known at conversion time.");
        if (dy.Rank != 4 || filter.Rank != 4)
            throw TfJsConversionException.ForNode(n, $"expects a rank-4 input and filter, got {Format(dy.Shape)} and {Format(filter.Shape)}.");
        if (dy.Shape![1] < 0 || dy.Shape[2] < 0)
            throw TfJsConversionException.ForNode(n, "the height and width of its input must be known at conversion time.");
        long kh = filter.Shape![0], kw = filter.Shape[1], outC = filter.Shape[2];
        var s = Pair(n, "strides", 1);
        var d = Pair(n, "dilations", 1);
        long ekh = (kh - 1) * d.h + 1, ekw = (kw - 1) * d.w + 1;
        long inH = dy.Shape[1], inW = dy.Shape[2], outH = sizes[1], outW = sizes[2];
        long top, left, bottom, right;
        switch (n.GetString("padding") ?? "VALID")
        {
            case "VALID":
                top = left = bottom = right = 0;
                break;
            case "SAME":
            {
                var ph = Math.Max((inH - 1) * s.h + ekh - outH, 0);
                var pw = Math.Max((inW - 1) * s.w + ekw - outW, 0);
                (top, bottom, left, right) = (ph / 2, ph - ph / 2, pw / 2, pw - pw / 2);
                break;
            }
            case "EXPLICIT":
            {
                var p = n.GetInts("explicit_paddings");
                if (p.Count != 8)
                    throw TfJsConversionException.ForNode(n, "EXPLICIT padding needs 8 explicit_paddings.");
                (top, bottom, left, right) = (p[2], p[3], p[4], p[5]);
                break;
            }
            default:
                throw TfJsConversionException.ForNode(n, $"padding '{n.GetString("padding")}' is not supported.");
        }
        var extraH = outH - ((inH - 1) * s.h + ekh - top - bottom);
        var extraW = outW - ((inW - 1) * s.w + ekw - left - right);
        if (extraH < 0 || extraW < 0)
            throw TfJsConversionException.ForNode(n, $"output size {outH}x{outW} does not fit its {inH}x{inW} input, filter and strides.");
        // HWOI (TF's [kh, kw, out, in]) → ONNX ConvTranspose's [in, out, kh, kw].
        var weights = filter.Constant != null
            ? c.Initializer(filter.Constant.Transpose([3, 2, 0, 1]), n.Name + "/weights")
            : c.Emit("Transpose", [c.Native(filter)], n.Name + "/weights", OnnxAttribute.Ints("perm", 3, 2, 0, 1));
        var output = c.Emit("ConvTranspose", [c.Nchw(dy, n.Name + "/input"), weights], n.Name,
            OnnxAttribute.Ints("kernel_shape", kh, kw), OnnxAttribute.Ints("strides", s.h, s.w), OnnxAttribute.Ints("dilations", d.h, d.w),
            OnnxAttribute.Ints("pads", top, left, bottom, right), OnnxAttribute.Ints("output_padding", extraH, extraW));
        c.SetOutput(n, 0, TfValue.Stored(output, dy.DataType, [dy.Shape[0], outH, outW, outC], nchw: true));
    }

    private static void Pool(ConversionContext c, TfNode n, string onnxOp)
    {
        CheckNhwc(n);
        var x = Rank4Input(c, n);
        var k = Pair(n, "ksize", 1);
        var s = Pair(n, "strides", 1);
        var (pads, outH, outW) = Padding(n, x.Shape!, k.h, k.w, s, (1, 1));
        var attrs = new List<OnnxAttribute> { OnnxAttribute.Ints("kernel_shape", k.h, k.w), OnnxAttribute.Ints("strides", s.h, s.w), pads };
        if (onnxOp == "AveragePool")
            attrs.Add(OnnxAttribute.Int("count_include_pad", 0)); // TF averages over the valid cells only
        var output = c.Emit(onnxOp, [c.Nchw(x, n.Name + "/input")], n.Name, attrs.ToArray());
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, [x.Shape![0], outH, outW, x.Shape[3]], nchw: true));
    }
}
