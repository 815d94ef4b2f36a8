using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>
/// TF's single-class non-max suppression (V3, V4, V5) as ONNX NonMaxSuppression on one batch and
/// one class, plus what turns ONNX's [K, 3] (batch, class, box) triples into TF's outputs: the
/// selected box indices (int32, in selection order), their scores (V5), the count (V4, V5) and,
/// with <c>pad_to_max_output_size</c>, zeros up to max_output_size.
/// </summary>
internal static class DetectionOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["NonMaxSuppressionV3"] = (c, n) => NonMaxSuppression(c, n, version: 3);
        r["NonMaxSuppressionV4"] = (c, n) => NonMaxSuppression(c, n, version: 4);
        r["NonMaxSuppressionV5"] = (c, n) => NonMaxSuppression(c, n, version: 5);
    }

    private static string Float1(ConversionContext c, TfValue v, string hint)
    {
        var name = c.Native(v, hint);
        if (v.DataType != TfDataType.Float32)
            name = c.Emit("Cast", [name], hint + "/f32", OnnxAttribute.Int("to", (long)OnnxElementType.Float));
        return c.Emit("Reshape", [name, c.Int64s(hint + "/one", 1)], hint + "/1d");
    }

    private static void NonMaxSuppression(ConversionContext c, TfNode n, int version)
    {
        var boxes = c.Input(n, 0);
        var scores = c.Input(n, 1);
        var maxOutput = c.Input(n, 2);
        if (version == 5)
        {
            // Soft-NMS (sigma > 0) re-scores boxes instead of dropping them; ONNX has no such mode.
            var sigma = c.ConstInput(n, 5, "soft_nms_sigma").ToFloats();
            if (sigma.Any(s => s != 0))
                throw TfJsConversionException.ForNode(n, $"soft-NMS (soft_nms_sigma {sigma[0]}) is not supported; only 0 (hard NMS).");
        }
        var o = n.Name;
        var boxes3 = c.Emit("Unsqueeze", [c.Native(boxes, o + "/boxes"), c.Int64s(o + "/axis0", 0)], o + "/boxes3");
        var scores3 = c.Emit("Unsqueeze", [c.Native(scores, o + "/scores"), c.Int64s(o + "/axes01", 0, 1)], o + "/scores3");
        var max = c.Emit("Reshape", [ShapeOps.ToInt64(c, maxOutput, o + "/max"), c.Int64s(o + "/one", 1)], o + "/max1d");
        var selected = c.Emit("NonMaxSuppression",
            [boxes3, scores3, max, Float1(c, c.Input(n, 3), o + "/iou"), Float1(c, c.Input(n, 4), o + "/score_threshold")], o + "/selected");
        var indices = c.Emit("Squeeze", [c.Emit("Slice", [selected, c.Int64s(o + "/col2", 2), c.Int64s(o + "/col3", 3), c.Int64s(o + "/axis1", 1)], o + "/box_col"),
            c.Int64s(o + "/squeeze_axis", 1)], o + "/indices64");
        var count = c.Emit("Shape", [indices], o + "/count");
        var pad = version >= 4 && n.GetBool("pad_to_max_output_size", false);
        var maxSize = maxOutput.Constant?.ToInt64()[0] ?? -1;
        // TF pads the selection with zeros up to max_output_size.
        string Padded(string value, string hint)
        {
            if (!pad)
                return value;
            var amount = c.Emit("Concat", [c.Int64s(hint + "/begin", 0), c.Emit("Sub", [max, count], hint + "/missing")], hint + "/pads", OnnxAttribute.Int("axis", 0));
            return c.Emit("Pad", [value, amount], hint + "/padded");
        }
        long[] length = [pad ? maxSize : -1];
        var selectedIndices = c.Emit("Cast", [Padded(indices, o + "/indices")], o, OnnxAttribute.Int("to", (long)OnnxElementType.Int32));
        c.SetOutput(n, 0, TfValue.Stored(selectedIndices, TfDataType.Int32, length));
        var next = 1;
        if (version == 5)
        {
            var chosen = c.Emit("Gather", [c.Native(scores, o + "/scores"), indices], o + "/chosen_scores", OnnxAttribute.Int("axis", 0));
            c.SetOutput(n, next++, TfValue.Stored(Padded(chosen, o + "/scores_out"), scores.DataType, length));
        }
        if (version >= 4)
        {
            var valid = c.Emit("Cast", [c.Emit("Squeeze", [count, c.Int64s(o + "/count_axis", 0)], o + "/count0")], o + "/valid", OnnxAttribute.Int("to", (long)OnnxElementType.Int32));
            c.SetOutput(n, next, TfValue.Stored(valid, TfDataType.Int32, []));
        }
    }
}
