using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>
/// One TF1 conditional (tf.cond): the Switches on one run-time predicate, the nodes of each branch
/// (reached from Switch:1 for true, Switch:0 for false, through data and control edges) and the
/// Merges that join them.
/// </summary>
internal sealed record Conditional(string Predicate, IReadOnlyList<TfNode> Switches, IReadOnlyDictionary<string, bool> Branch,
    IReadOnlyList<TfNode> Merges, IReadOnlyList<string> OuterInputs);

/// <summary>The conditionals of a graph whose predicate is not a Const (those are folded instead); each becomes an ONNX If.</summary>
internal sealed class Conditionals
{
    public Dictionary<string, Conditional> ByMerge { get; } = new(StringComparer.Ordinal);

    public static Conditionals Find(TfJsGraphModel model, IReadOnlyDictionary<string, TfNode> nodes, WhileFrames frames)
    {
        var result = new Conditionals();
        var switches = model.Nodes.Where(n => n.Op == "Switch" && n.Inputs.Count == 2 && !frames.Contains(n.Name)
            && nodes.TryGetValue(WhileFrames.NodeOf(n.Inputs[1]), out var p) && p.Op != "Const").ToList();
        if (switches.Count == 0)
            return result;
        var users = new Dictionary<string, List<(TfNode user, string reference)>>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
            foreach (var input in node.RawInputs)
                (users.TryGetValue(WhileFrames.NodeOf(input), out var list) ? list : users[WhileFrames.NodeOf(input)] = []).Add((node, input));

        foreach (var group in switches.GroupBy(s => ConversionContext.TensorKey(s.Inputs[1]), StringComparer.Ordinal))
        {
            var branch = new Dictionary<string, bool>(StringComparer.Ordinal);
            var merges = new List<TfNode>();
            var work = new Stack<(TfNode node, bool side)>();
            foreach (var sw in group)
                foreach (var (user, reference) in users.GetValueOrDefault(sw.Name) ?? [])
                    work.Push((user, reference.TrimStart('^').EndsWith(":1", StringComparison.Ordinal)));
            while (work.Count > 0)
            {
                var (node, side) = work.Pop();
                if (node.Op == "Merge")
                {
                    if (!merges.Contains(node))
                        merges.Add(node);
                    continue;
                }
                if (node.Op is "Switch" or "Enter")
                    throw TfJsConversionException.ForNode(node, "nested conditionals (or loops inside a conditional) are not supported.");
                if (branch.TryGetValue(node.Name, out var seen))
                {
                    if (seen != side)
                        throw TfJsConversionException.ForNode(node, "it reads both branches of a conditional without a Merge.");
                    continue;
                }
                branch[node.Name] = side;
                foreach (var (user, _) in users.GetValueOrDefault(node.Name) ?? [])
                    work.Push((user, side));
            }
            var members = new HashSet<string>(branch.Keys, StringComparer.Ordinal);
            members.UnionWith(group.Select(s => s.Name));
            var outer = group.SelectMany(s => s.Inputs).Concat(branch.Keys.SelectMany(n => nodes[n].Inputs))
                .Concat(merges.SelectMany(m => m.Inputs))
                .Select(WhileFrames.NodeOf).Where(n => !members.Contains(n)).Distinct(StringComparer.Ordinal).ToList();
            var cond = new Conditional(group.Key, group.ToList(), branch, merges, outer);
            foreach (var merge in merges)
                result.ByMerge[merge.Name] = cond;
        }
        return result;
    }
}

public static partial class TfJsToOnnxConverter
{
    /// <summary>
    /// Converts a conditional to one ONNX If: each branch's nodes go into its own subgraph (outer
    /// values, the Switches' data included, are read from the enclosing graph), and each Merge
    /// becomes an If output. A Merge's value_index is which side ran.
    /// </summary>
    private static void ConvertConditional(ConversionContext c, Conditional cond, IReadOnlyDictionary<string, TfNode> nodes, IReadOnlyDictionary<string, TfConstant> weights)
    {
        var pred = c.Native(c.Input(cond.Switches[0], 1), cond.Switches[0].Name + "/pred");
        var outputs = cond.Merges.Select(m => m.Name).ToList();
        var sides = new Dictionary<bool, (OnnxModelBuilder graph, List<TfValue> values)>();
        foreach (var side in new[] { true, false })
        {
            var graph = new OnnxModelBuilder().GraphName(c.Fresh(cond.Merges[0].Name + (side ? "/then" : "/else")));
            var b = c.Child(graph);
            foreach (var sw in cond.Switches)
                b.SetOutput(sw, side ? 1 : 0, c.Input(sw, 0).Clone()); // a copy: layout changes made in the branch stay there
            // The side's nodes in dependency order.
            var order = new List<TfNode>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            void Visit(TfNode node)
            {
                if (!cond.Branch.TryGetValue(node.Name, out var s) || s != side || !seen.Add(node.Name))
                    return;
                foreach (var input in node.Inputs)
                    Visit(nodes[WhileFrames.NodeOf(input)]);
                order.Add(node);
            }
            foreach (var name in cond.Branch.Keys)
                Visit(nodes[name]);
            foreach (var node in order)
                ConvertNode(b, node, weights);
            var values = new List<TfValue>();
            foreach (var merge in cond.Merges)
            {
                var input = merge.Inputs.FirstOrDefault(i => Side(cond, nodes, i) == side)
                    ?? throw TfJsConversionException.ForNode(merge, $"no input comes from the {(side ? "true" : "false")} branch of its conditional.");
                var value = b.Input(merge, merge.Inputs.ToList().IndexOf(input));
                var name = b.Emit("Identity", [b.Native(value, merge.Name + "/const")], merge.Name + (side ? "/then" : "/else"));
                graph.Output(OnnxValueInfo.TensorWithoutShape(name, value.DataType.ToOnnx()));
                values.Add(value);
            }
            sides[side] = (graph, values);
        }
        var outs = c.EmitMulti("If", [pred], outputs, OnnxAttribute.Graph("then_branch", sides[true].graph), OnnxAttribute.Graph("else_branch", sides[false].graph));
        for (var i = 0; i < cond.Merges.Count; i++)
        {
            var merge = cond.Merges[i];
            var (t, f) = (sides[true].values[i], sides[false].values[i]);
            var shape = t.Shape != null && f.Shape != null && t.Shape.Length == f.Shape.Length
                ? t.Shape.Zip(f.Shape, (a, b) => a == b ? a : -1).ToArray() : null;
            c.SetOutput(merge, 0, TfValue.Stored(outs[i], t.DataType, shape));
            var trueIndex = merge.Inputs.ToList().FindIndex(r => Side(cond, nodes, r) == true);
            var taken = trueIndex == 1 ? c.Emit("Cast", [pred], merge.Name + "/value_index", OnnxAttribute.Int("to", (long)OnnxElementType.Int32))
                : c.Emit("Cast", [c.Emit("Not", [pred], merge.Name + "/not_pred")], merge.Name + "/value_index", OnnxAttribute.Int("to", (long)OnnxElementType.Int32));
            c.SetOutput(merge, 1, TfValue.Stored(taken, TfDataType.Int32, []));
        }
    }

    /// <summary>Which branch a Merge input comes from: a Switch output by its port, a branch node by its side.</summary>
    private static bool? Side(Conditional cond, IReadOnlyDictionary<string, TfNode> nodes, string reference)
    {
        var node = WhileFrames.NodeOf(reference);
        if (cond.Switches.Any(s => s.Name == node))
            return ConversionContext.TensorKey(reference).EndsWith(":1", StringComparison.Ordinal);
        return cond.Branch.TryGetValue(node, out var side) ? side : null;
    }
}
