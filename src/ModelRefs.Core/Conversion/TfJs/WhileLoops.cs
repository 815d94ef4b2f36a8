using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>One TF1 while-loop frame: its Enter nodes, the nodes inside it and its Exits.</summary>
internal sealed record WhileFrame(string Name, IReadOnlyList<TfNode> Enters, IReadOnlySet<string> Interior, IReadOnlyList<TfNode> Exits, IReadOnlyList<string> OuterInputs);

/// <summary>
/// The TF1 while loops of a graph (<c>Enter</c> → <c>Merge</c> ← <c>NextIteration</c>,
/// <c>Switch</c> on <c>LoopCond</c>, <c>Exit</c>), found by frame name. The converter treats each
/// loop as one unit reached through its Exits and converts it to an ONNX <c>Loop</c>.
/// </summary>
internal sealed class WhileFrames
{
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);

    public Dictionary<string, WhileFrame> ByExit { get; } = new(StringComparer.Ordinal);

    /// <summary>True for the nodes inside a loop and its Exits.</summary>
    public bool Contains(string node) => _members.Contains(node);

    public static bool IsStructural(string op) => op is "Enter" or "Exit" or "Merge" or "Switch" or "NextIteration" or "LoopCond";

    internal static string NodeOf(string reference)
    {
        var name = reference.TrimStart('^');
        var colon = name.LastIndexOf(':');
        return colon > 0 && int.TryParse(name.AsSpan(colon + 1), out _) ? name[..colon] : name;
    }

    public static WhileFrames Find(TfJsGraphModel model, IReadOnlyDictionary<string, TfNode> nodes)
    {
        var result = new WhileFrames();
        var enters = model.Nodes.Where(n => n.Op == "Enter").GroupBy(n => n.GetString("frame_name") ?? "", StringComparer.Ordinal).ToList();
        if (enters.Count == 0)
            return result;
        var users = new Dictionary<string, List<TfNode>>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
            foreach (var input in node.RawInputs)
                (users.TryGetValue(NodeOf(input), out var list) ? list : users[NodeOf(input)] = []).Add(node);

        foreach (var frame in enters)
        {
            var interior = new HashSet<string>(StringComparer.Ordinal);
            var exits = new List<TfNode>();
            var stack = new Stack<TfNode>(frame);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                if (node.Op == "Exit")
                {
                    if (!exits.Contains(node))
                        exits.Add(node);
                    continue;
                }
                if (!interior.Add(node.Name))
                    continue;
                if (node.Op == "Enter" && (node.GetString("frame_name") ?? "") != frame.Key)
                    throw TfJsConversionException.ForNode(node, $"nested while loops (frame '{node.GetString("frame_name")}' inside '{frame.Key}') are not supported.");
                foreach (var user in users.GetValueOrDefault(node.Name) ?? [])
                    stack.Push(user);
            }
            var outer = interior.SelectMany(n => nodes[n].Inputs).Select(NodeOf)
                .Where(n => !interior.Contains(n)).Distinct(StringComparer.Ordinal).ToList();
            var f = new WhileFrame(frame.Key, frame.ToList(), interior, exits, outer);
            foreach (var exit in exits)
                result.ByExit[exit.Name] = f;
            result._members.UnionWith(interior);
            result._members.UnionWith(exits.Select(e => e.Name));
        }
        return result;
    }
}

public static partial class TfJsToOnnxConverter
{
    /// <summary>
    /// Converts a TF1 while loop to an ONNX Loop: each Merge is a loop-carried value (initialised
    /// from its Enter, updated from its NextIteration), Switch:1 is its value in the body, Exit its
    /// final value. The condition runs once on the initial values before the Loop, and again at the
    /// end of the body on the next values, as TF evaluates it before every iteration.
    /// </summary>
    private static void ConvertLoop(ConversionContext c, WhileFrame frame, IReadOnlyDictionary<string, TfNode> nodes, IReadOnlyDictionary<string, TfConstant> weights)
    {
        TfNode Producer(string reference) => nodes[WhileFrames.NodeOf(reference)];
        var inside = frame.Interior.Select(n => nodes[n]).ToList();
        var where = frame.Enters[0];
        var loopConds = inside.Where(n => n.Op == "LoopCond").ToList();
        if (loopConds.Count != 1)
            throw TfJsConversionException.ForNode(where, $"while loop '{frame.Name}' has {loopConds.Count} LoopCond nodes; the converter needs exactly one.");
        var loopCond = loopConds[0];

        var vars = new List<(TfNode merge, TfNode enter, TfNode next, TfNode? @switch, TfNode? exit)>();
        foreach (var merge in inside.Where(n => n.Op == "Merge"))
        {
            var ins = merge.Inputs.Select(Producer).ToList();
            var enter = ins.FirstOrDefault(n => n.Op == "Enter");
            var next = ins.FirstOrDefault(n => n.Op == "NextIteration");
            if (ins.Count != 2 || enter == null || next == null)
                throw TfJsConversionException.ForNode(merge, "a Merge inside a while loop must join one Enter and one NextIteration (conditionals inside loops are not supported).");
            var sw = inside.FirstOrDefault(n => n.Op == "Switch" && WhileFrames.NodeOf(n.Inputs[0]) == merge.Name);
            var exit = sw == null ? null : frame.Exits.FirstOrDefault(e => WhileFrames.NodeOf(e.Inputs[0]) == sw.Name);
            vars.Add((merge, enter, next, sw, exit));
        }

        // Enter forwards the outer value (loop-invariant Enters are read by the body through it).
        foreach (var enter in frame.Enters)
            c.Set(enter.Name, c.Input(enter, 0));

        // Nodes of the condition (from the Merges to LoopCond) and of the body (from the Switches to the NextIterations), in dependency order.
        List<TfNode> Slice(IEnumerable<string> roots, Func<TfNode, bool> stop)
        {
            var order = new List<TfNode>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            void Visit(TfNode node)
            {
                if (!frame.Interior.Contains(node.Name) || stop(node) || !seen.Add(node.Name))
                    return;
                foreach (var input in node.Inputs)
                    Visit(Producer(input));
                order.Add(node);
            }
            foreach (var root in roots)
                Visit(Producer(root));
            return order;
        }
        var condNodes = Slice(loopCond.Inputs, n => n.Op is "Merge" or "Enter");
        var bodyNodes = Slice(vars.Select(v => v.next.Inputs[0]), n => n.Op is "Switch" or "Enter" or "Merge");
        if (condNodes.Concat(bodyNodes).FirstOrDefault(n => WhileFrames.IsStructural(n.Op)) is { } odd)
            throw TfJsConversionException.ForNode(odd, $"'{odd.Op}' inside the condition or body of while loop '{frame.Name}' is not supported (conditionals inside loops).");

        // Initial condition, on the Enter values.
        foreach (var v in vars)
            c.Set(v.merge.Name, c.Input(v.enter, 0));
        foreach (var node in condNodes)
            ConvertNode(c, node, weights);
        var condInit = c.Native(c.Input(loopCond, 0), loopCond.Name + "/init");

        var body = new OnnxModelBuilder().GraphName(c.Fresh(frame.Name + "/body"));
        var b = c.Child(body);
        body.Input(OnnxValueInfo.Tensor(c.Fresh(frame.Name + "/iteration"), OnnxElementType.Int64));
        body.Input(OnnxValueInfo.Tensor(c.Fresh(frame.Name + "/cond_in"), OnnxElementType.Bool));
        var inits = new List<string>();
        foreach (var v in vars)
        {
            var init = c.Input(v.enter, 0);
            inits.Add(c.Native(init, v.enter.Name + "/init"));
            var name = c.Fresh(v.merge.Name + "/in");
            body.Input(ValueInfo(name, init));
            var inBody = new TfValue(init.DataType, init.Shape) { OnnxName = name, List = init.List, ListSize = init.ListSize };
            b.Set(v.merge.Name, inBody);
            if (v.@switch != null)
                b.SetOutput(v.@switch, 1, inBody);
        }
        foreach (var node in bodyNodes)
            ConvertNode(b, node, weights);

        var nexts = vars.Select(v => b.Input(v.next, 0)).ToList();
        var bodyOutputs = new List<OnnxValueInfo>();
        for (var i = 0; i < vars.Count; i++)
        {
            var next = nexts[i];
            var name = b.Emit("Identity", [b.Native(next, vars[i].next.Name + "/const")], vars[i].merge.Name + "/next");
            bodyOutputs.Add(ValueInfo(name, c.Input(vars[i].enter, 0)));
            b.Set(vars[i].merge.Name, next);
        }
        // The condition again, on the next values: it decides whether another iteration runs.
        foreach (var node in condNodes)
            ConvertNode(b, node, weights);
        var condOut = b.Emit("Identity", [b.Native(b.Input(loopCond, 0), loopCond.Name + "/const")], loopCond.Name + "/next");
        body.Output(OnnxValueInfo.Tensor(condOut, OnnxElementType.Bool));
        foreach (var output in bodyOutputs)
            body.Output(output);

        var outs = c.EmitMulti("Loop", new[] { "", condInit }.Concat(inits).ToList(), vars.Select(v => v.merge.Name + "/final").ToList(),
            OnnxAttribute.Graph("body", body));
        for (var i = 0; i < vars.Count; i++)
        {
            var init = c.Input(vars[i].enter, 0);
            var final = new TfValue(init.DataType, init.Shape) { OnnxName = outs[i], List = init.List, ListSize = init.ListSize };
            if (vars[i].exit is { } exit)
                c.SetOutput(exit, 0, final);
        }
        foreach (var exit in frame.Exits.Where(e => !c.TryGet(e.Name, out _)))
            throw TfJsConversionException.ForNode(exit, $"this Exit of while loop '{frame.Name}' does not follow a loop variable's Switch.");
    }

    private static OnnxValueInfo ValueInfo(string name, TfValue v) => v.List == TensorListKind.Growing
        ? new OnnxValueInfo(name, OnnxValueKind.Sequence, v.DataType.ToOnnx(), null)
        : OnnxValueInfo.TensorWithoutShape(name, v.DataType.ToOnnx());
}
