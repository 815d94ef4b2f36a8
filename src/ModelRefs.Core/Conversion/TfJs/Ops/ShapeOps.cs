using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>
/// Reshape, squeeze/expand, transpose, concat/pack/unpack, shape, fill, tile, range and identities.
/// Transpose and Concat work on NCHW inputs by rewriting perm and axis; Shape gathers the dims
/// back into TF order; the others take TF's layout.
/// </summary>
internal static class ShapeOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["Identity"] = r["StopGradient"] = r["Snapshot"] = r["PreventGradient"] = (c, n) => c.SetOutput(n, 0, c.Input(n, 0));
        r["IdentityN"] = (c, n) =>
        {
            for (var i = 0; i < n.Inputs.Count; i++)
                c.SetOutput(n, i, c.Input(n, i));
        };
        r["NoOp"] = (_, _) => { };
        r["Reshape"] = Reshape;
        r["Squeeze"] = Squeeze;
        r["ExpandDims"] = ExpandDims;
        r["Transpose"] = Transpose;
        r["ConcatV2"] = (c, n) => Concat(c, n, axisInput: n.Inputs.Count - 1, first: 0);
        r["Concat"] = (c, n) => Concat(c, n, axisInput: 0, first: 1);
        r["Pack"] = Pack;
        r["Unpack"] = Unpack;
        r["Shape"] = Shape;
        r["Size"] = (c, n) =>
        {
            var x = c.Input(n, 0);
            var outType = n.GetType("out_type", TfDataType.Int32);
            // Size does not depend on the layout: an NCHW value is counted as stored.
            var size = c.Emit("Size", [x.OnnxName ?? c.Native(x, n.Name + "/input")], n.Name + "/i64");
            var output = outType == TfDataType.Int64 ? size : c.Emit("Cast", [size], n.Name, OnnxAttribute.Int("to", (long)outType.ToOnnx()));
            c.SetOutput(n, 0, TfValue.Stored(output, outType, []));
        };
        r["Fill"] = Fill;
        r["BroadcastTo"] = BroadcastTo;
        r["Tile"] = Tile;
        r["Range"] = (c, n) =>
        {
            var ins = Enumerable.Range(0, 3).Select(i => c.Input(n, i)).ToArray();
            long length = -1;
            if (ins.All(v => v.Constant != null))
            {
                var (s, l, d) = (ins[0].Constant!.ToFloats()[0], ins[1].Constant!.ToFloats()[0], ins[2].Constant!.ToFloats()[0]);
                length = Math.Max(0, (long)Math.Ceiling((l - s) / d));
            }
            var output = c.Emit("Range", ins.Select((v, i) => c.Native(v, $"{n.Name}/in{i}")).ToArray(), n.Name);
            c.SetOutput(n, 0, TfValue.Stored(output, ins[0].DataType, [length]));
        };
        r["ZerosLike"] = (c, n) => FilledLike(c, n, 0);
        r["OnesLike"] = (c, n) => FilledLike(c, n, 1);
    }

    internal static string ToInt64(ConversionContext c, TfValue v, string hint)
        => v.Constant != null
            ? c.Initializer(TfConstant.FromLongs(v.Constant.Shape, v.Constant.ToInt64()), hint)
            : v.DataType == TfDataType.Int64 ? c.Native(v) : c.Emit("Cast", [c.Native(v)], hint, OnnxAttribute.Int("to", (long)OnnxElementType.Int64));

    private static void Reshape(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var shapeValue = c.Input(n, 1);
        long[]? shape = null;
        var attrs = Array.Empty<OnnxAttribute>();
        if (shapeValue.Constant != null)
        {
            shape = shapeValue.Constant.ToInt64();
            if (shape.Contains(0))
                attrs = [OnnxAttribute.Int("allowzero", 1)]; // TF's 0 is a zero-size dimension, not ONNX's "copy"
            var unknown = Array.IndexOf(shape, -1L);
            if (unknown >= 0 && x.Shape != null && x.Shape.All(d => d >= 0))
            {
                var total = x.Shape.Aggregate(1L, (a, d) => a * d);
                var known = shape.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
                shape = shape.ToArray();
                shape[unknown] = known == 0 ? 0 : total / known;
            }
        }
        else if (shapeValue.Shape is { Length: 1 } s && s[0] >= 0)
            shape = Enumerable.Repeat(-1L, (int)s[0]).ToArray();
        var output = c.Emit("Reshape", [c.Native(x, n.Name + "/input"), ToInt64(c, shapeValue, n.Name + "/shape")], n.Name, attrs);
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape));
    }

    private static void Squeeze(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var dims = n.GetInts("squeeze_dims");
        if (dims.Count == 0)
            dims = n.GetInts("axis");
        int[] axes;
        if (dims.Count > 0)
            axes = dims.Select(d => ConversionContext.NormalizeAxis(n, d, x.Rank)).Distinct().Order().ToArray();
        else
        {
            if (x.Shape == null || x.Shape.Any(d => d < 0))
                throw TfJsConversionException.ForNode(n, "squeezing every size-1 axis needs a fully known input shape.");
            axes = x.Shape.Select((d, i) => (d, i)).Where(t => t.d == 1).Select(t => t.i).ToArray();
        }
        var output = axes.Length == 0
            ? c.Emit("Identity", [c.Native(x, n.Name + "/input")], n.Name)
            : c.Emit("Squeeze", [c.Native(x, n.Name + "/input"), c.Int64s(n.Name + "/axes", axes.Select(a => (long)a).ToArray())], n.Name);
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, x.Shape?.Where((_, i) => !axes.Contains(i)).ToArray()));
    }

    private static void ExpandDims(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var dim = c.ConstInput(n, 1, "dim").ToInt64().Single();
        var axis = ConversionContext.NormalizeAxis(n, dim, x.Rank + 1);
        var output = c.Emit("Unsqueeze", [c.Native(x, n.Name + "/input"), c.Int64s(n.Name + "/axes", axis)], n.Name);
        long[]? shape = null;
        if (x.Shape != null)
        {
            var list = x.Shape.ToList();
            list.Insert(axis, 1);
            shape = list.ToArray();
        }
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape));
    }

    private static void Transpose(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var perm = c.ConstInput(n, 1, "perm").ToInt64().Select(p => ConversionContext.NormalizeAxis(n, p, x.Rank)).ToArray();
        var shape = x.Shape == null ? null : perm.Select(p => x.Shape[p]).ToArray();
        // On an NCHW input, compose: output axis j is TF axis perm[j], held at stored axis StoredAxis(perm[j]).
        var stored = perm.Select(p => (long)ConversionContext.StoredAxis(x, p)).ToArray();
        var input = x.Nchw ? x.OnnxName! : c.Native(x, n.Name + "/input");
        if (stored.Select((p, i) => p == i).All(b => b))
        {
            c.SetOutput(n, 0, TfValue.Stored(c.Emit("Identity", [input], n.Name), x.DataType, shape));
            return;
        }
        var output = c.Emit("Transpose", [input], n.Name, OnnxAttribute.Ints("perm", stored));
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, shape));
    }

    private static void Concat(ConversionContext c, TfNode n, int axisInput, int first)
    {
        var ins = Enumerable.Range(first, n.Inputs.Count - 1).Select(i => c.Input(n, i)).ToArray();
        var rank = ins.Select(v => v.Rank).FirstOrDefault(r => r >= 0, -1);
        var axis = ConversionContext.NormalizeAxis(n, c.ConstInput(n, axisInput, "axis").ToInt64().Single(), rank);
        var nchw = rank == 4 && ins.Any(v => v.Nchw) && ins.All(v => v.Rank == 4);
        var names = ins.Select((v, i) => nchw ? c.Nchw(v, $"{n.Name}/in{i}") : c.Native(v, $"{n.Name}/in{i}")).ToArray();
        var storedAxis = nchw ? Array.IndexOf(ConversionContext.ToNchw, axis) : axis;
        var output = names.Length == 1 ? c.Emit("Identity", names, n.Name) : c.Emit("Concat", names, n.Name, OnnxAttribute.Int("axis", storedAxis));
        long[]? shape = null;
        if (ins.All(v => v.Shape != null))
        {
            shape = ins[0].Shape!.ToArray();
            shape[axis] = ins.Any(v => v.Shape![axis] < 0) ? -1 : ins.Sum(v => v.Shape![axis]);
            for (var d = 0; d < rank; d++)
                if (d != axis && shape[d] < 0)
                    shape[d] = ins.Select(v => v.Shape![d]).FirstOrDefault(s => s >= 0, -1);
        }
        c.SetOutput(n, 0, TfValue.Stored(output, ins[0].DataType, shape, nchw));
    }

    private static void Pack(ConversionContext c, TfNode n)
    {
        var ins = Enumerable.Range(0, n.Inputs.Count).Select(i => c.Input(n, i)).ToArray();
        var rank = ins.Select(v => v.Rank).FirstOrDefault(r => r >= 0, -1);
        var axis = ConversionContext.NormalizeAxis(n, n.GetInt("axis", 0), rank + 1);
        var axes = c.Int64s(n.Name + "/axes", axis);
        var parts = ins.Select((v, i) => c.Emit("Unsqueeze", [c.Native(v, $"{n.Name}/in{i}"), axes], $"{n.Name}/unsqueeze{i}")).ToArray();
        var output = parts.Length == 1 ? c.Emit("Identity", parts, n.Name) : c.Emit("Concat", parts, n.Name, OnnxAttribute.Int("axis", axis));
        long[]? shape = null;
        if (rank >= 0)
        {
            var list = Enumerable.Range(0, rank).Select(d => ins.Select(v => v.Shape?[d] ?? -1).FirstOrDefault(s => s >= 0, -1)).ToList();
            list.Insert(axis, ins.Length);
            shape = list.ToArray();
        }
        // Packed scalars (an output size [batch, 64, 64, 3]) stay partly known for ops that need sizes at conversion time.
        long[]? known = ins.All(v => v.Rank == 0) && ins.Any(v => v.Constant != null) && !ins[0].DataType.IsFloat()
            ? ins.Select(v => v.Constant?.ToInt64()[0] ?? -1).ToArray() : null;
        c.SetOutput(n, 0, new TfValue(ins[0].DataType, shape) { OnnxName = output, KnownValues = known });
    }

    private static void Unpack(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var axis = ConversionContext.NormalizeAxis(n, n.GetInt("axis", 0), x.Rank);
        var num = (int)n.GetInt("num", x.Shape![axis]);
        if (num <= 0)
            throw TfJsConversionException.ForNode(n, "the number of outputs is unknown.");
        var input = c.Native(x, n.Name + "/input");
        var parts = num == 1
            ? [input]
            : c.EmitMulti("Split", [input], Enumerable.Range(0, num).Select(i => $"{n.Name}/split{i}").ToArray(), OnnxAttribute.Int("axis", axis));
        var axes = c.Int64s(n.Name + "/axes", axis);
        var shape = x.Shape.Where((_, i) => i != axis).ToArray();
        for (var i = 0; i < num; i++)
        {
            var output = c.Emit("Squeeze", [parts[i], axes], ConversionContext.TensorKey(n.Name, i));
            c.SetOutput(n, i, TfValue.Stored(output, x.DataType, shape));
        }
    }

    private static void Shape(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var outType = n.GetType("out_type", TfDataType.Int32);
        var shape = x.Nchw
            ? c.Emit("Gather", [c.Emit("Shape", [x.OnnxName!], n.Name + "/nchw"), c.Int64s(n.Name + "/perm", 0, 2, 3, 1)], n.Name + "/i64", OnnxAttribute.Int("axis", 0))
            : c.Emit("Shape", [c.Native(x, n.Name + "/input")], n.Name + "/i64");
        var output = outType == TfDataType.Int64 ? shape : c.Emit("Cast", [shape], n.Name, OnnxAttribute.Int("to", (long)outType.ToOnnx()));
        c.SetOutput(n, 0, TfValue.Stored(output, outType, [x.Rank]));
    }

    private static void Fill(ConversionContext c, TfNode n)
    {
        var dims = c.Input(n, 0);
        var value = c.Input(n, 1);
        var output = c.Emit("Expand", [c.Native(value, n.Name + "/value"), ToInt64(c, dims, n.Name + "/dims")], n.Name);
        c.SetOutput(n, 0, TfValue.Stored(output, value.DataType, dims.Constant?.ToInt64() ?? (dims.Shape is { Length: 1 } s && s[0] >= 0 ? Enumerable.Repeat(-1L, (int)s[0]).ToArray() : null)));
    }

    private static void BroadcastTo(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var dims = c.Input(n, 1);
        var output = c.Emit("Expand", [c.Native(x, n.Name + "/input"), ToInt64(c, dims, n.Name + "/dims")], n.Name);
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, dims.Constant?.ToInt64()));
    }

    private static void Tile(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var multiples = c.Input(n, 1);
        var output = c.Emit("Tile", [c.Native(x, n.Name + "/input"), ToInt64(c, multiples, n.Name + "/multiples")], n.Name);
        var m = multiples.Constant?.ToInt64();
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, m == null ? (x.Rank >= 0 ? Enumerable.Repeat(-1L, x.Rank).ToArray() : null)
            : x.Shape?.Select((d, i) => d < 0 ? -1 : d * m[i]).ToArray()));
    }

    private static void FilledLike(ConversionContext c, TfNode n, double value)
    {
        var x = c.Input(n, 0);
        var scalar = x.DataType switch
        {
            TfDataType.Float32 => TfConstant.FromFloats([1], [(float)value]),
            TfDataType.Int32 => TfConstant.FromInts([1], [(int)value]),
            TfDataType.Bool => TfConstant.FromBools([1], [(byte)value]),
            _ => throw TfJsConversionException.ForNode(n, $"type {x.DataType} is not supported."),
        };
        var stored = x.Nchw ? x.OnnxName! : c.Native(x, n.Name + "/input");
        var output = c.Emit("ConstantOfShape", [c.Emit("Shape", [stored], n.Name + "/shape")], n.Name,
            OnnxAttribute.Tensor("value", scalar.ToOnnx("value")));
        c.SetOutput(n, 0, TfValue.Stored(output, x.DataType, x.Shape, x.Nchw));
    }
}
