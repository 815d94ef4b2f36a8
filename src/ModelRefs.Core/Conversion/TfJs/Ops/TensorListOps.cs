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

    private static void FromTensor(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        var list = c.Emit("Identity", [c.Native(x, n.Name + "/input")], n.Name);
        c.SetOutput(n, 0, new TfValue(x.DataType, x.Shape?[1..]) { OnnxName = list, List = TensorListKind.Dense });
    }

    private static void GetItem(ConversionContext c, TfNode n)
    {
        var list = List(c, n, 0);
        var index = c.Native(c.Input(n, 1), n.Name + "/index");
        var item = list.List == TensorListKind.Dense
            ? c.Emit("Gather", [list.OnnxName!, index], n.Name, OnnxAttribute.Int("axis", 0))
            : c.Emit("SequenceAt", [list.OnnxName!, index], n.Name);
        var shape = list.Shape ?? ElementShape(c.Input(n, 2));
        c.SetOutput(n, 0, TfValue.Stored(item, list.DataType, shape));
    }

    private static void SetItem(ConversionContext c, TfNode n)
    {
        var list = List(c, n, 0);
        var index = c.Native(c.Input(n, 1), n.Name + "/index");
        var item = c.Input(n, 2);
        string output;
        if (list.List == TensorListKind.Dense)
        {
            // ScatterND with one index [[i]] and the item as its one update.
            var at = c.Emit("Reshape", [ShapeOps.ToInt64(c, c.Input(n, 1), n.Name + "/index64"), c.Int64s(n.Name + "/one_by_one", 1, 1)], n.Name + "/at");
            var update = c.Emit("Unsqueeze", [c.Native(item, n.Name + "/item"), c.Int64s(n.Name + "/axis0", 0)], n.Name + "/update");
            output = c.Emit("ScatterND", [list.OnnxName!, at, update], n.Name);
        }
        else
            output = c.Emit("SequenceInsert", [list.OnnxName!, c.Native(item, n.Name + "/item"), index], n.Name);
        c.SetOutput(n, 0, new TfValue(list.DataType, list.Shape ?? item.Shape) { OnnxName = output, List = list.List });
    }

    private static void Stack(ConversionContext c, TfNode n)
    {
        var list = List(c, n, 0);
        var shape = ElementShape(c.Input(n, 1)) ?? list.Shape;
        var output = list.List == TensorListKind.Dense
            ? c.Emit("Identity", [list.OnnxName!], n.Name)
            : c.Emit("ConcatFromSequence", [list.OnnxName!], n.Name, OnnxAttribute.Int("axis", 0), OnnxAttribute.Int("new_axis", 1));
        var count = n.GetInt("num_elements", -1);
        c.SetOutput(n, 0, TfValue.Stored(output, list.DataType, shape == null ? null : [count, .. shape]));
    }
}
