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
        r["SpaceToBatchND"] = SpaceToBatch;
        r["BatchToSpaceND"] = BatchToSpace;
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

    private static (long h, long w, long[] pads) BlockArgs(ConversionContext c, TfNode n, string what)
    {
        var block = c.ConstInput(n, 1, "block shape").ToInt64();
        var pads = c.ConstInput(n, 2, what).ToInt64();
        if (block.Length != 2 || pads.Length != 4)
            throw TfJsConversionException.ForNode(n, "only 2 spatial dimensions (a rank-4 NHWC input) are supported.");
        return (block[0], block[1], pads);
    }

    /// <summary>
    /// SpaceToBatchND on the NCHW value (TF uses it around a convolution for dilation):
    /// pad, [N,C,H/bh,bh,W/bw,bw] → [bh,bw,N,C,H/bh,W/bw] → [bh·bw·N, C, H/bh, W/bw], staying NCHW.
    /// </summary>
    private static void SpaceToBatch(ConversionContext c, TfNode n)
    {
        var x = ConvolutionOps.Rank4Input(c, n);
        var (bh, bw, p) = BlockArgs(c, n, "paddings");
        long h = x.Shape![1], w = x.Shape[2], ch = x.Shape[3];
        if (h < 0 || w < 0 || ch < 0)
            throw TfJsConversionException.ForNode(n, "height, width and channels of its input must be known at conversion time.");
        long ph = h + p[0] + p[1], pw = w + p[2] + p[3];
        if (ph % bh != 0 || pw % bw != 0)
            throw TfJsConversionException.ForNode(n, $"padded size {ph}x{pw} is not a multiple of the block {bh}x{bw}.");
        var input = c.Nchw(x, n.Name + "/input");
        if (p.Any(v => v != 0))
            input = c.Emit("Pad", [input, c.Int64s(n.Name + "/pads", 0, 0, p[0], p[2], 0, 0, p[1], p[3])], n.Name + "/pad");
        var split = c.Emit("Reshape", [input, c.Int64s(n.Name + "/split", 0, ch, ph / bh, bh, pw / bw, bw)], n.Name + "/split");
        var moved = c.Emit("Transpose", [split], n.Name + "/blocks", OnnxAttribute.Ints("perm", 3, 5, 0, 1, 2, 4));
        var output = c.Emit("Reshape", [moved, c.Int64s(n.Name + "/shape", -1, ch, ph / bh, pw / bw)], n.Name);
        var batch = x.Shape[0] < 0 ? -1 : x.Shape[0] * bh * bw;
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, [batch, ph / bh, pw / bw, ch], nchw: true));
    }

    /// <summary>BatchToSpaceND, the inverse of <see cref="SpaceToBatch"/>, on the NCHW value, then the crops.</summary>
    private static void BatchToSpace(ConversionContext c, TfNode n)
    {
        var x = ConvolutionOps.Rank4Input(c, n);
        var (bh, bw, crops) = BlockArgs(c, n, "crops");
        long h = x.Shape![1], w = x.Shape[2], ch = x.Shape[3];
        if (h < 0 || w < 0 || ch < 0)
            throw TfJsConversionException.ForNode(n, "height, width and channels of its input must be known at conversion time.");
        var input = c.Nchw(x, n.Name + "/input");
        var split = c.Emit("Reshape", [input, c.Int64s(n.Name + "/split", bh, bw, -1, ch, h, w)], n.Name + "/split");
        var moved = c.Emit("Transpose", [split], n.Name + "/blocks", OnnxAttribute.Ints("perm", 2, 3, 4, 0, 5, 1));
        var output = c.Emit("Reshape", [moved, c.Int64s(n.Name + "/joined_shape", -1, ch, h * bh, w * bw)], crops.Any(v => v != 0) ? n.Name + "/joined" : n.Name);
        long outH = h * bh - crops[0] - crops[1], outW = w * bw - crops[2] - crops[3];
        if (crops.Any(v => v != 0))
            output = c.Emit("Slice", [output, c.Int64s(n.Name + "/starts", crops[0], crops[2]), c.Int64s(n.Name + "/ends", crops[0] + outH, crops[2] + outW),
                c.Int64s(n.Name + "/axes", 2, 3)], n.Name);
        var batch = x.Shape[0] < 0 ? -1 : x.Shape[0] / (bh * bw);
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, [batch, outH, outW, ch], nchw: true));
    }

    private static void Pad(ConversionContext c, TfNode n, string mode)
    {
        var x = c.Input(n, 0);
        if (c.Input(n, 1).Constant == null)
        {
            // Run-time paddings [rank, 2] → ONNX's [begins…, ends…], in TF layout.
            var p = ShapeOps.ToInt64(c, c.Input(n, 1), n.Name + "/paddings");
            var flat = c.Emit("Reshape", [c.Emit("Transpose", [p], n.Name + "/by_side", OnnxAttribute.Ints("perm", 1, 0)), c.Int64s(n.Name + "/flat", -1)], n.Name + "/pads");
            var ins = new List<string> { c.Native(x, n.Name + "/input"), flat };
            if (n.Op == "PadV2")
                ins.Add(c.Native(c.Input(n, 2), n.Name + "/value"));
            var padded = c.Emit("Pad", ins, n.Name, OnnxAttribute.String("mode", mode));
            c.SetOutput(n, 0, TfValue.Stored(padded, x.DataType, x.Rank < 0 ? null : Enumerable.Repeat(-1L, x.Rank).ToArray()));
            return;
        }
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
