using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>Resize, padding, batch normalisation and depth/space rearrangement, in NCHW where the op is spatial.</summary>
internal static class ImageOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["ResizeBilinear"] = (c, n) => Resize(c, n, bilinear: true);
        r["ResizeNearestNeighbor"] = (c, n) => Resize(c, n, bilinear: false);
        r["Pad"] = (c, n) => Pad(c, n, "constant");
        r["PadV2"] = (c, n) => Pad(c, n, "constant");
        r["MirrorPad"] = (c, n) =>
        {
            var mode = n.GetString("mode") ?? "REFLECT";
            if (mode != "REFLECT")
                throw TfJsConversionException.ForNode(n, $"MirrorPad mode '{mode}' is not supported (only REFLECT).");
            Pad(c, n, "reflect");
        };
        r["FusedBatchNorm"] = r["FusedBatchNormV2"] = r["FusedBatchNormV3"] = BatchNorm;
        r["DepthToSpace"] = (c, n) => DepthSpace(c, n, toSpace: true);
    }

    private static void Resize(ConversionContext c, TfNode n, bool bilinear)
    {
        var x = ConvolutionOps.Rank4Input(c, n);
        var size = c.ConstInput(n, 1, "size").ToInt64();
        if (size.Length != 2)
            throw TfJsConversionException.ForNode(n, "size must hold 2 values.");
        var alignCorners = n.GetBool("align_corners", false);
        var halfPixel = n.GetBool("half_pixel_centers", false);
        var input = c.Nchw(x, n.Name + "/input");
        string sizes;
        if (x.Shape![0] > 0 && x.Shape[3] > 0)
            sizes = c.Int64s(n.Name + "/sizes", x.Shape[0], x.Shape[3], size[0], size[1]);
        else
        {
            var shape = c.Emit("Shape", [input], n.Name + "/shape", OnnxAttribute.Int("start", 0), OnnxAttribute.Int("end", 2));
            sizes = c.Emit("Concat", [shape, c.Int64s(n.Name + "/hw", size)], n.Name + "/sizes", OnnxAttribute.Int("axis", 0));
        }
        var attrs = new List<OnnxAttribute>();
        if (bilinear)
        {
            attrs.Add(OnnxAttribute.String("mode", "linear"));
            attrs.Add(OnnxAttribute.String("coordinate_transformation_mode", alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric"));
        }
        else
        {
            attrs.Add(OnnxAttribute.String("mode", "nearest"));
            // TF's half-pixel nearest is floor((x + 0.5)·in/out) = round_prefer_ceil(half_pixel source), without the deprecated tf_half_pixel_for_nn.
            attrs.Add(OnnxAttribute.String("coordinate_transformation_mode", alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric"));
            attrs.Add(OnnxAttribute.String("nearest_mode", alignCorners || halfPixel ? "round_prefer_ceil" : "floor"));
        }
        var output = c.Emit("Resize", [input, "", "", sizes], n.Name, attrs.ToArray());
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, [x.Shape[0], size[0], size[1], x.Shape[3]], nchw: true));
    }

    private static void Pad(ConversionContext c, TfNode n, string mode)
    {
        var x = c.Input(n, 0);
        var paddings = c.ConstInput(n, 1, "paddings").ToInt64();
        var rank = paddings.Length / 2;
        if (x.Rank >= 0 && x.Rank != rank)
            throw TfJsConversionException.ForNode(n, $"paddings are for rank {rank}, the input has rank {x.Rank}.");
        var nchw = x.Nchw;
        var order = nchw ? ConversionContext.ToNchw : Enumerable.Range(0, rank).ToArray();
        var pads = order.Select(a => paddings[a * 2]).Concat(order.Select(a => paddings[a * 2 + 1])).ToArray();
        var inputs = new List<string> { nchw ? c.Nchw(x) : c.Native(x, n.Name + "/input"), c.Int64s(n.Name + "/pads", pads) };
        if (n.Op == "PadV2")
            inputs.Add(c.Native(c.Input(n, 2), n.Name + "/value"));
        var output = c.Emit("Pad", inputs, n.Name, OnnxAttribute.String("mode", mode));
        var shape = x.Shape?.Select((d, i) => d < 0 ? -1 : d + paddings[i * 2] + paddings[i * 2 + 1]).ToArray();
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape, nchw));
    }

    private static void BatchNorm(ConversionContext c, TfNode n)
    {
        ConvolutionOps.CheckNhwc(n);
        var x = ConvolutionOps.Rank4Input(c, n);
        if (n.GetBool("is_training", false))
            throw TfJsConversionException.ForNode(n, "training-mode batch normalisation is not supported.");
        var inputs = new List<string> { c.Nchw(x, n.Name + "/input") };
        for (var i = 1; i <= 4; i++)
            inputs.Add(c.Native(c.Input(n, i), n.Name + "/bn"));
        var output = c.Emit("BatchNormalization", inputs, n.Name, OnnxAttribute.Float("epsilon", n.GetFloat("epsilon", 1e-3f)));
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, x.Shape, nchw: true));
    }

    private static void DepthSpace(ConversionContext c, TfNode n, bool toSpace)
    {
        ConvolutionOps.CheckNhwc(n);
        var x = ConvolutionOps.Rank4Input(c, n);
        var b = n.GetInt("block_size", 2);
        var s = x.Shape!;
        long[] shape = toSpace
            ? [s[0], s[1] < 0 ? -1 : s[1] * b, s[2] < 0 ? -1 : s[2] * b, s[3] < 0 ? -1 : s[3] / (b * b)]
            : [s[0], s[1] < 0 ? -1 : s[1] / b, s[2] < 0 ? -1 : s[2] / b, s[3] < 0 ? -1 : s[3] * b * b];
        var attrs = new List<OnnxAttribute> { OnnxAttribute.Int("blocksize", b) };
        if (toSpace)
            attrs.Add(OnnxAttribute.String("mode", "DCR")); // TF's channel order
        var output = c.Emit(toSpace ? "DepthToSpace" : "SpaceToDepth", [c.Nchw(x, n.Name + "/input")], n.Name, attrs.ToArray());
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape, nchw: true));
    }
}
