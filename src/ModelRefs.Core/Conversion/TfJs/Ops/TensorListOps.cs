using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>
/// TF2's TensorList ops (what <c>tf.map_fn</c> and TensorArrays become). A list made from a tensor
/// or reserved with a known element shape is one dense tensor [count, …element] (GetItem gathers,
/// SetItem scatters, Stack is the tensor). A list reserved with an unknown element shape is an
/// ONNX sequence that starts empty, SetItem(i) inserting at i: TF's result when items are written
/// in index order, as map_fn does.
/// </summary>
internal static class TensorListOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["TensorListReserve"] = Reserve;
        r["TensorListFromTensor"] = FromTensor;
        r["TensorListGetItem"] = GetItem;
        r["TensorListSetItem"] = SetItem;
        r["TensorListStack"] = Stack;
        // TF1 TensorArrays: output 1 (the flow) carries the list, so it follows the data through
        // loops as a loop variable; the handle (output 0, a loop invariant) is not read.
        r["TensorArrayV3"] = TensorArray;
        r["TensorArrayWriteV3"] = (c, n) => c.SetOutput(n, 0, Write(c, n, List(c, n, 3), c.Input(n, 1), c.Input(n, 2)));
        r["TensorArrayReadV3"] = (c, n) =>
        {
            var list = List(c, n, 2);
            c.SetOutput(n, 0, Read(c, n, list, c.Input(n, 1), list.Shape));
        };
        r["TensorArrayGatherV3"] = (c, n) =>
        {
            var list = List(c, n, 2);
            var indices = c.Input(n, 1);
            var output = c.Emit("Gather", [Dense(c, n, list), c.Native(indices, n.Name + "/indices")], n.Name, OnnxAttribute.Int("axis", 0));
            var shape = list.Shape ?? n.Attr("element_shape")?.Shape;
            c.SetOutput(n, 0, TfValue.Stored(output, list.DataType, shape == null ? null : [indices.Shape?[0] ?? -1, .. shape]));
        };
        r["TensorArrayScatterV3"] = Scatter;
        r["TensorArraySizeV3"] = (c, n) =>
        {
            var list = List(c, n, 1);
            var size = list.ListSize != null ? c.Emit("Squeeze", [list.ListSize], n.Name + "/i64")
                : list.List == TensorListKind.Dense
                    ? c.Emit("Squeeze", [c.Emit("Shape", [list.OnnxName!], n.Name + "/shape", OnnxAttribute.Int("end", 1))], n.Name + "/i64")
                    : c.Emit("SequenceLength", [list.OnnxName!], n.Name + "/i64");
            c.SetOutput(n, 0, TfValue.Stored(c.Emit("Cast", [size], n.Name, OnnxAttribute.Int("to", (long)OnnxElementType.Int32)), TfDataType.Int32, []));
        };
        r["TensorArrayCloseV3"] = (_, _) => { };
        r["TensorListLength"] = (c, n) =>
        {
            var list = List(c, n, 0);
            var length = list.List == TensorListKind.Dense
                ? c.Emit("Squeeze", [c.Emit("Shape", [list.OnnxName!], n.Name + "/shape", OnnxAttribute.Int("end", 1))], n.Name + "/i64")
                : c.Emit("SequenceLength", [list.OnnxName!], n.Name + "/i64");
            c.SetOutput(n, 0, TfValue.Stored(c.Emit("Cast", [length], n.Name, OnnxAttribute.Int("to", (long)OnnxElementType.Int32)), TfDataType.Int32, []));
        };
    }

    private static TfValue List(ConversionContext c, TfNode n, int index)
    {
        var v = c.Input(n, index);
        return v.List != TensorListKind.None ? v
            : throw TfJsConversionException.ForNode(n, $"input {index} ('{n.Inputs[index]}') is not a TensorList the converter made.");
    }

    /// <summary>The element shape argument: null when unknown (-1 scalar, or any -1).</summary>
    private static long[]? ElementShape(TfValue v) => v.Constant is { } k && k.Shape.Length == 1 && k.ToInt64().All(d => d >= 0) ? k.ToInt64() : null;

    private static void Reserve(ConversionContext c, TfNode n)
    {
        var type = n.GetType("element_dtype", TfDataType.Float32);
        var shape = ElementShape(c.Input(n, 0));
        var count = c.Input(n, 1);
        if (shape != null)
        {
            // Zeros [count, …shape] split into count elements.
            var dims = c.Emit("Concat", [c.Emit("Reshape", [ShapeOps.ToInt64(c, count, n.Name + "/count"), c.Int64s(n.Name + "/one", 1)], n.Name + "/count1"),
                c.Int64s(n.Name + "/element_shape", shape)], n.Name + "/dims", OnnxAttribute.Int("axis", 0));
            var zeros = c.Emit("Expand", [c.Scalar(n.Name + "/zero", type, 0), dims], n.Name);
            c.SetOutput(n, 0, new TfValue(type, shape) { OnnxName = zeros, List = TensorListKind.Dense });
            return;
        }
        var empty = c.Emit("SequenceEmpty", [], n.Name, OnnxAttribute.Int("dtype", (long)type.ToOnnx()));
        c.SetOutput(n, 0, new TfValue(type, null) { OnnxName = empty, List = TensorListKind.Growing });
    }

    private static void TensorArray(ConversionContext c, TfNode n)
    {
        var type = n.GetType("dtype", TfDataType.Float32);
        var shape = n.Attr("element_shape")?.Shape;
        var size = c.Emit("Reshape", [ShapeOps.ToInt64(c, c.Input(n, 0), n.Name + "/size64"), c.Int64s(n.Name + "/one", 1)], n.Name + "/size");
        TfValue list;
        if (shape != null && shape.All(d => d >= 0))
        {
            var dims = c.Emit("Concat", [size, c.Int64s(n.Name + "/element_shape", shape)], n.Name + "/dims", OnnxAttribute.Int("axis", 0));
            list = new TfValue(type, shape) { OnnxName = c.Emit("Expand", [c.Scalar(n.Name + "/zero", type, 0), dims], n.Name + "/flow"), List = TensorListKind.Dense };
        }
        else
            list = new TfValue(type, shape) { OnnxName = c.Emit("SequenceEmpty", [], n.Name + "/flow", OnnxAttribute.Int("dtype", (long)type.ToOnnx())), List = TensorListKind.Growing, ListSize = size };
        c.SetOutput(n, 0, list);
        c.SetOutput(n, 1, list);
    }

    /// <summary>Scatter rows of a tensor into the array (TensorArray.unstack): ScatterND into the dense array, zeros where not written.</summary>
    private static void Scatter(ConversionContext c, TfNode n)
    {
        var list = List(c, n, 3);
        var value = c.Input(n, 2);
        var rows = c.Native(value, n.Name + "/value");
        var at = c.Emit("Unsqueeze", [ShapeOps.ToInt64(c, c.Input(n, 1), n.Name + "/indices64"), c.Int64s(n.Name + "/last", -1)], n.Name + "/at");
        string target;
        if (list.List == TensorListKind.Dense)
            target = list.OnnxName!;
        else
        {
            var size = list.ListSize ?? throw TfJsConversionException.ForNode(n, "scattering into a TensorArray of unknown size is not supported.");
            var element = c.Emit("Shape", [rows], n.Name + "/element_shape", OnnxAttribute.Int("start", 1));
            var dims = c.Emit("Concat", [size, element], n.Name + "/dims", OnnxAttribute.Int("axis", 0));
            target = c.Emit("Expand", [c.Scalar(n.Name + "/zero", list.DataType, 0), dims], n.Name + "/zeros");
        }
        var output = c.Emit("ScatterND", [target, at, rows], n.Name);
        c.SetOutput(n, 0, new TfValue(list.DataType, list.Shape ?? value.Shape?[1..]) { OnnxName = output, List = TensorListKind.Dense });
    }

    private static void FromTensor(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var list = c.Emit("Identity", [c.Native(x, n.Name + "/input")], n.Name);
        c.SetOutput(n, 0, new TfValue(x.DataType, x.Shape?[1..]) { OnnxName = list, List = TensorListKind.Dense });
    }

    private static void GetItem(ConversionContext c, TfNode n)
    {
        var list = List(c, n, 0);
        c.SetOutput(n, 0, Read(c, n, list, c.Input(n, 1), list.Shape ?? ElementShape(c.Input(n, 2))));
    }

    private static TfValue Read(ConversionContext c, TfNode n, TfValue list, TfValue indexValue, long[]? shape)
    {
        var index = c.Native(indexValue, n.Name + "/index");
        var item = list.List == TensorListKind.Dense
            ? c.Emit("Gather", [list.OnnxName!, index], n.Name, OnnxAttribute.Int("axis", 0))
            : c.Emit("SequenceAt", [list.OnnxName!, index], n.Name);
        return TfValue.Stored(item, list.DataType, shape);
    }

    private static void SetItem(ConversionContext c, TfNode n)
        => c.SetOutput(n, 0, Write(c, n, List(c, n, 0), c.Input(n, 1), c.Input(n, 2)));

    private static TfValue Write(ConversionContext c, TfNode n, TfValue list, TfValue indexValue, TfValue item)
    {
        string output;
        if (list.List == TensorListKind.Dense)
        {
            // ScatterND with one index [[i]] and the item as its one update.
            var at = c.Emit("Reshape", [ShapeOps.ToInt64(c, indexValue, n.Name + "/index64"), c.Int64s(n.Name + "/one_by_one", 1, 1)], n.Name + "/at");
            var update = c.Emit("Unsqueeze", [c.Native(item, n.Name + "/item"), c.Int64s(n.Name + "/axis0", 0)], n.Name + "/update");
            output = c.Emit("ScatterND", [list.OnnxName!, at, update], n.Name);
        }
        else
            output = c.Emit("SequenceInsert", [list.OnnxName!, c.Native(item, n.Name + "/item"), c.Native(indexValue, n.Name + "/index")], n.Name);
        return new TfValue(list.DataType, list.Shape ?? item.Shape) { OnnxName = output, List = list.List, ListSize = list.ListSize };
    }

    /// <summary>Every element as one tensor [count, …element].</summary>
    private static string Dense(ConversionContext c, TfNode n, TfValue list)
        => list.List == TensorListKind.Dense ? list.OnnxName!
            : c.Emit("ConcatFromSequence", [list.OnnxName!], n.Name + "/dense", OnnxAttribute.Int("axis", 0), OnnxAttribute.Int("new_axis", 1));

    private static void Stack(ConversionContext c, TfNode n)
    {
        var list = List(c, n, 0);
        var shape = ElementShape(c.Input(n, 1)) ?? list.Shape;
        var output = c.Emit("Identity", [Dense(c, n, list)], n.Name);
        var count = n.GetInt("num_elements", -1);
        c.SetOutput(n, 0, TfValue.Stored(output, list.DataType, shape == null ? null : [count, .. shape]));
    }
}
