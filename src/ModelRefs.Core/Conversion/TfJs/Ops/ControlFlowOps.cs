using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs.Ops;

/// <summary>
/// TF1 conditionals folded at conversion time: a Switch whose predicate is a constant forwards its
/// input to the taken side and marks the other side dead; a Merge takes its one live input.
/// (Conditionals on run-time predicates become ONNX If, loops ONNX Loop: see Conditionals.cs and
/// WhileLoops.cs.) Where (one input) lists the coordinates of the true elements.
/// </summary>
internal static class ControlFlowOps
{
    public static void Register(IDictionary<string, OpConverter> r)
    {
        r["Switch"] = Switch;
        r["Merge"] = Merge;
        r["Where"] = Where;
    }

    private static void Switch(ConversionContext c, TfNode n)
    {
        var data = c.Input(n, 0);
        var predicate = c.Input(n, 1).Constant
            ?? throw new TfJsConversionException(
                $"TF.js node '{n.Name}' (Switch): its predicate '{n.Inputs[1]}' is computed at run time, and the Switch is not part of a conditional or while loop the converter recognises.",
                n.Op, n.Name)
            { IsUnsupportedOperator = true };
        var taken = predicate.ToInt64()[0] != 0 ? 1 : 0; // output 1 is the true side
        c.SetOutput(n, taken, data);
        c.MarkDeadTensor(n.Name, 1 - taken);
    }

    private static void Merge(ConversionContext c, TfNode n)
    {
        for (var i = 0; i < n.Inputs.Count; i++)
        {
            if (c.IsDead(n.Inputs[i]) || !c.TryGet(n.Inputs[i], out var value))
                continue;
            c.SetOutput(n, 0, value);
            c.SetOutput(n, 1, TfValue.Const(TfConstant.FromInts([], [i])));
            return;
        }
        c.MarkDead(n.Name);
    }

    private static void Where(ConversionContext c, TfNode n)
    {
        var x = c.Input(n, 0);
        if (n.Inputs.Count != 1)
            throw TfJsConversionException.ForNode(n, "only the one-input form (coordinates of true elements) is supported.");
        // NonZero gives [rank, count] in row-major order; TF wants [count, rank].
        var nonZero = c.Emit("NonZero", [c.Native(x, n.Name + "/input")], n.Name + "/nonzero");
        var output = c.Emit("Transpose", [nonZero], n.Name, OnnxAttribute.Ints("perm", 1, 0));
        c.SetOutput(n, 0, TfValue.Stored(output, TfDataType.Int64, [-1, x.Rank]));
    }
}
