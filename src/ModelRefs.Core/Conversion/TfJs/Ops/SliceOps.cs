using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>Slice, StridedSlice (all masks), Gather, GatherNd and Split; slices and splits of NCHW values stay NCHW.</summary>
internal static class SliceOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["Slice"] = Slice;
        r["StridedSlice"] = StridedSlice;
        r["GatherV2"] = (c, n) => Gather(c, n, c.ConstInput(n, 2, "axis").ToInt64().Single());
        r["Gather"] = (c, n) => Gather(c, n, 0);
        r["GatherNd"] = GatherNd;
        r["SparseToDense"] = SparseToDense;
        r["Split"] = (c, n) => Split(c, n, valueInput: 1, axisInput: 0, sizes: null);
        r["SplitV"] = (c, n) => Split(c, n, valueInput: 0, axisInput: 2, sizes: c.ConstInput(n, 1, "size_splits").ToInt64());
    }

    private static long SliceLength(long dim, long start, long end, long step)
    {
        if (dim < 0)
            return -1;
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
            return Math.Max(0, (end - start + step - 1) / step);
        }
        start = Math.Clamp(start, -1, dim - 1);
        end = Math.Clamp(end, -1, dim - 1);
        return Math.Max(0, (start - end + (-step) - 1) / -step);
    }

    /// <summary>Emits an ONNX Slice over TF axes (remapped when <paramref name="x"/> is NCHW); returns the stored output name.</summary>
    private static string EmitSlice(ConversionContext c, TfNode n, TfValue x, bool nchw, List<(int axis, long start, long end, long step)> slices, string output)
    {
        var input = nchw ? x.OnnxName! : c.Native(x, n.Name + "/input");
        if (slices.Count == 0)
            return c.Emit("Identity", [input], output);
        var axes = slices.Select(s => (long)(nchw ? ConversionContext.StoredAxis(x, s.axis) : s.axis)).ToArray();
        return c.Emit("Slice",
        [
            input, c.Int64s(n.Name + "/starts", slices.Select(s => s.start).ToArray()), c.Int64s(n.Name + "/ends", slices.Select(s => s.end).ToArray()),
            c.Int64s(n.Name + "/axes", axes), c.Int64s(n.Name + "/steps", slices.Select(s => s.step).ToArray()),
        ], output);
    }

    private static void Slice(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        if (c.Input(n, 1).Constant == null || c.Input(n, 2).Constant == null)
        {
            RuntimeSlice(c, n, x);
            return;
        }
        var begin = c.ConstInput(n, 1, "begin").ToInt64();
        var size = c.ConstInput(n, 2, "size").ToInt64();
        var slices = new List<(int, long, long, long)>();
        var shape = x.Shape?.ToArray() ?? (begin.Length > 0 ? Enumerable.Repeat(-1L, begin.Length).ToArray() : null);
        for (var i = 0; i < begin.Length; i++)
        {
            var end = size[i] < 0 ? long.MaxValue : begin[i] + size[i];
            slices.Add((i, begin[i], end, 1));
            if (shape != null)
                shape[i] = size[i] >= 0 ? size[i] : shape[i] < 0 ? -1 : shape[i] - begin[i];
        }
        var output = EmitSlice(c, n, x, x.Nchw, slices, n.Name);
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape, x.Nchw));
    }

    /// <summary>Slice with run-time begin or size (in TF layout): ends = begin + size, or the end of the axis where size is -1.</summary>
    private static void RuntimeSlice(ConversionContext c, TfNode n, TfValue x)
    {
        var begin = ShapeOps.ToInt64(c, c.Input(n, 1), n.Name + "/begin");
        var size = ShapeOps.ToInt64(c, c.Input(n, 2), n.Name + "/size");
        var toEnd = c.Emit("Equal", [size, c.Int64Scalar(n.Name + "/minus_one", -1)], n.Name + "/to_end");
        var ends = c.Emit("Where", [toEnd, c.Int64Scalar(n.Name + "/max", long.MaxValue), c.Emit("Add", [begin, size], n.Name + "/begin_plus_size")], n.Name + "/ends");
        var output = c.Emit("Slice", [c.Native(x, n.Name + "/input"), begin, ends], n.Name);
        var known = c.Input(n, 2).KnownInts;
        var shape = x.Rank < 0 ? null : Enumerable.Range(0, x.Rank).Select(i => known != null && i < known.Length && known[i] >= 0 ? known[i] : -1L).ToArray();
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape));
    }

    private static void StridedSlice(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        if (x.Rank < 0)
            throw TfJsConversionException.ForNode(n, "the rank of its input is unknown.");
        var begin = c.ConstInput(n, 1, "begin").ToInt64();
        var end = c.ConstInput(n, 2, "end").ToInt64();
        var strides = c.ConstInput(n, 3, "strides").ToInt64();
        long beginMask = n.GetInt("begin_mask", 0), endMask = n.GetInt("end_mask", 0), ellipsisMask = n.GetInt("ellipsis_mask", 0);
        long newAxisMask = n.GetInt("new_axis_mask", 0), shrinkMask = n.GetInt("shrink_axis_mask", 0);
        bool Bit(long mask, int i) => ((mask >> i) & 1) != 0;
        var m = begin.Length;
        if (strides.Any(s => s == 0))
            throw TfJsConversionException.ForNode(n, "a stride of 0 is invalid.");

        var realSparse = Enumerable.Range(0, m).Count(i => !Bit(ellipsisMask, i) && !Bit(newAxisMask, i));
        var slices = new List<(int axis, long start, long end, long step)>();
        var shrinkAxes = new List<long>();
        var outDims = new List<long>();        // final TF output dims
        var newAxisPositions = new List<long>(); // positions in the final output
        var dense = 0;
        var sawEllipsis = false;
        void Full(int count)
        {
            for (var k = 0; k < count; k++, dense++)
                outDims.Add(x.Shape![dense]);
        }
        for (var i = 0; i < m; i++)
        {
            if (Bit(ellipsisMask, i) && !sawEllipsis)
            {
                sawEllipsis = true;
                Full(x.Rank - realSparse);
                continue;
            }
            if (Bit(newAxisMask, i))
            {
                newAxisPositions.Add(outDims.Count);
                outDims.Add(1);
                continue;
            }
            if (dense >= x.Rank)
                throw TfJsConversionException.ForNode(n, "the slice spec has more dimensions than the input.");
            var dim = x.Shape![dense];
            if (Bit(shrinkMask, i))
            {
                slices.Add((dense, begin[i], begin[i] == -1 ? long.MaxValue : begin[i] + 1, 1));
                shrinkAxes.Add(dense);
            }
            else
            {
                var s = strides[i];
                var start = Bit(beginMask, i) ? (s > 0 ? 0 : long.MaxValue) : begin[i];
                var stop = Bit(endMask, i) ? (s > 0 ? long.MaxValue : long.MinValue) : end[i];
                if (!(Bit(beginMask, i) && Bit(endMask, i) && s == 1))
                    slices.Add((dense, start, stop, s));
                outDims.Add(SliceLength(dim, start, stop, s));
            }
            dense++;
        }
        if (!sawEllipsis)
            Full(x.Rank - dense);

        var simple = shrinkAxes.Count == 0 && newAxisPositions.Count == 0;
        var nchw = x.Nchw && simple;
        var last = simple;
        var output = EmitSlice(c, n, x, nchw, slices, last ? n.Name : n.Name + "/slice");
        if (shrinkAxes.Count > 0)
            output = c.Emit("Squeeze", [output, c.Int64s(n.Name + "/shrink", shrinkAxes.ToArray())], newAxisPositions.Count == 0 ? n.Name : n.Name + "/squeeze");
        if (newAxisPositions.Count > 0)
            output = c.Emit("Unsqueeze", [output, c.Int64s(n.Name + "/new_axes", newAxisPositions.ToArray())], n.Name);
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, outDims.ToArray(), nchw));
    }

    private static void Gather(ConversionContext c, TfNode n, long axisValue)
    {
        var x = c.Input(n, 0);
        var indices = c.Input(n, 1);
        if (n.GetInt("batch_dims", 0) != 0)
            throw TfJsConversionException.ForNode(n, "batch_dims other than 0 is not supported.");
        var axis = ConversionContext.NormalizeAxis(n, axisValue, x.Rank);
        var output = c.Emit("Gather", [c.Native(x, n.Name + "/params"), c.Native(indices, n.Name + "/indices")], n.Name, OnnxAttribute.Int("axis", axis));
        long[]? shape = x.Shape == null || indices.Shape == null ? null
            : [.. x.Shape.Take(axis), .. indices.Shape, .. x.Shape.Skip(axis + 1)];
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape));
    }

    private static void GatherNd(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var indices = c.Input(n, 1);
        var output = c.Emit("GatherND", [c.Native(x, n.Name + "/params"), ShapeOps.ToInt64(c, indices, n.Name + "/indices")], n.Name);
        long[]? shape = null;
        if (x.Shape != null && indices.Shape is { Length: > 0 } s && s[^1] >= 0)
            shape = [.. s.Take(s.Length - 1), .. x.Shape.Skip((int)s[^1])];
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape));
    }

    private static void Split(ConversionContext c, TfNode n, int valueInput, int axisInput, long[]? sizes)
    {
        var x = c.Input(n, valueInput);
        var axis = ConversionContext.NormalizeAxis(n, c.ConstInput(n, axisInput, "axis").ToInt64().Single(), x.Rank);
        var dim = x.Shape![axis];
        if (sizes == null)
        {
            var num = (int)n.GetInt("num_split", 1);
            if (dim >= 0 && dim % num != 0)
                throw TfJsConversionException.ForNode(n, $"cannot split {dim} into {num} equal parts.");
            sizes = Enumerable.Repeat(dim < 0 ? -1L : dim / num, num).ToArray();
        }
        else if (sizes.Contains(-1))
        {
            if (dim < 0)
                throw TfJsConversionException.ForNode(n, "size_splits has -1 and the split dimension is unknown.");
            sizes = sizes.ToArray();
            sizes[Array.IndexOf(sizes, -1L)] = dim - sizes.Where(s => s >= 0).Sum();
        }
        var nchw = x.Nchw;
        var input = nchw ? x.OnnxName! : c.Native(x, n.Name + "/input");
        var storedAxis = nchw ? ConversionContext.StoredAxis(x, axis) : axis;
        var names = Enumerable.Range(0, sizes.Length).Select(i => ConversionContext.TensorKey(n.Name, i)).ToArray();
        var inputs = new List<string> { input };
        if (sizes.All(s => s >= 0))
            inputs.Add(c.Int64s(n.Name + "/split", sizes));
        var outs = sizes.Length == 1 ? [c.Emit("Identity", [input], names[0])] : c.EmitMulti("Split", inputs, names, OnnxAttribute.Int("axis", storedAxis));
        for (var i = 0; i < outs.Length; i++)
        {
            var shape = x.Shape.ToArray();
            shape[axis] = sizes[i];
            c.SetOutput(n, i, TfValue.Stored(outs[i], x.DataType, shape, nchw));
        }
    }

    /// <summary>
    /// SparseToDense as ScatterND into the default value expanded to the output shape. Indices are
    /// a scalar, a vector (rank-1 output) or [N, rank]; values a scalar or one per index.
    /// </summary>
    private static void SparseToDense(ConversionContext c, TfNode n)
    {
        var indices = c.Input(n, 0);
        var shape = c.Input(n, 1);
        var values = c.Input(n, 2);
        var fallback = c.Input(n, 3);
        var rank = shape.Shape is { Length: 1 } sr ? sr[0] : -1;
        var dims = ShapeOps.ToInt64(c, shape, n.Name + "/shape");
        var dense = c.Emit("Expand", [c.Native(fallback, n.Name + "/default"), dims], n.Name + "/dense");
        var idx = ShapeOps.ToInt64(c, indices, n.Name + "/indices");
        // ScatterND wants [N, rank]: a scalar index is one entry, a vector is N entries of a rank-1 output.
        idx = indices.Rank switch
        {
            0 => c.Emit("Reshape", [idx, c.Int64s(n.Name + "/one_entry", 1, -1)], n.Name + "/indices2d"),
            1 => c.Emit("Unsqueeze", [idx, c.Int64s(n.Name + "/last", 1)], n.Name + "/indices2d"),
            2 => idx,
            _ => throw TfJsConversionException.ForNode(n, $"sparse_indices of rank {indices.Rank} are not supported (0, 1 or 2)."),
        };
        var updates = c.Native(values, n.Name + "/values");
        if (values.Rank != 1)
            updates = c.Emit("Expand", [updates, c.Emit("Shape", [idx], n.Name + "/count", OnnxAttribute.Int("end", 1))], n.Name + "/updates");
        var output = c.Emit("ScatterND", [dense, idx, updates], n.Name);
        var outShape = shape.KnownInts ?? (rank >= 0 ? Enumerable.Repeat(-1L, (int)rank).ToArray() : null);
        c.SetOutput(n, 0, TfValue.Stored(output, values.DataType, outShape));
    }
}
