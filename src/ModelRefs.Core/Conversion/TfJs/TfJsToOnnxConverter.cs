using System.Diagnostics;
using ModelRefs.Core.Conversion.TfJs.Ops;
using ModelRefs.Core.IO;
using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>Options of <see cref="TfJsToOnnxConverter.Convert"/>.</summary>
public sealed record TfJsConversionOptions
{
    /// <summary>Where the ONNX model is written (its folder must exist).</summary>
    public required string OutputPath { get; init; }

    /// <summary>Name of the symbolic dimension used where the model's batch size is -1.</summary>
    public string BatchDimensionName { get; init; } = "batch";
}

/// <summary>One input or output of the converted graph, by both of its names.</summary>
/// <param name="OnnxName">Its name in the ONNX graph: what ONNX Runtime takes and the generated class's members are named after.</param>
/// <param name="TfName">The TF tensor it is: the Placeholder node of an input; <c>node</c> or <c>node:index</c> for an output (what TF.js' <c>execute</c> takes).</param>
/// <param name="SignatureKey">The key of its <c>model.json</c> signature entry; null when the signature does not list it.</param>
public sealed record ConvertedTensor(string OnnxName, string TfName, string? SignatureKey)
{
    public override string ToString() => OnnxName == TfName ? OnnxName : $"{OnnxName} ({TfName})";
}

/// <summary>What a conversion produced.</summary>
/// <param name="Inputs">The graph's inputs in ONNX order (see docs/tfjs-conversion.md, "Inputs, outputs, shapes").</param>
/// <param name="Outputs">The graph's outputs in ONNX order.</param>
/// <param name="Converter">Identity and version of the converter, for the lock file (<see cref="TfJsToOnnxConverter.Identity"/>).</param>
/// <param name="NodeCount">ONNX nodes in the written graph.</param>
/// <param name="TransposeCount">Transpose nodes left in the written graph (layout changes the converter could not avoid, and the model's own transposes).</param>
/// <param name="OnnxOpCounts">ONNX nodes per operator type.</param>
/// <param name="TfOpCounts">Converted TF nodes per operator (Const and Placeholder included).</param>
public sealed record ConversionResult(
    string OutputPath,
    string Converter,
    IReadOnlyList<ConvertedTensor> Inputs,
    IReadOnlyList<ConvertedTensor> Outputs,
    IReadOnlyList<string> Warnings,
    int NodeCount,
    int TransposeCount,
    IReadOnlyDictionary<string, int> OnnxOpCounts,
    IReadOnlyDictionary<string, int> TfOpCounts,
    TimeSpan Elapsed);

/// <summary>
/// Converts a TF.js graph model (<c>model.json</c> + weight shards) to an ONNX model (opset 17)
/// in-process, without Python. Operators are converted by small per-family converters
/// (<c>Ops/</c>); NHWC activations are carried in NCHW between layout-aware ops so that
/// transposes appear only where an op needs TF's layout. An operator the converter does not know
/// fails the conversion with <see cref="TfJsConversionException"/> naming the op and the node.
/// </summary>
public static partial class TfJsToOnnxConverter
{
    /// <summary>Bumped whenever the converter's output for the same input can change.</summary>
    public const string Version = "1.2.0";

    /// <summary>The converter identity recorded in <c>models.lock.json</c>.</summary>
    public const string Identity = "modelrefs-tfjs2onnx/" + Version + " (opset 17)";

    public const long Opset = 17;

    /// <summary>TF operators the converter supports.</summary>
    public static IReadOnlyList<string> SupportedOps => OpRegistry.SupportedOps;

    public static ConversionResult Convert(string modelJsonPath, TfJsConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.OutputPath);
        var stopwatch = Stopwatch.StartNew();
        var model = TfJsGraphModel.Load(modelJsonPath);
        var (builder, result) = Build(model, options);
        AtomicFile.Write(options.OutputPath, builder.WriteTo);
        return result with { OutputPath = Path.GetFullPath(options.OutputPath), Elapsed = stopwatch.Elapsed };
    }

    private static (OnnxModelBuilder, ConversionResult) Build(TfJsGraphModel model, TfJsConversionOptions options)
    {
        var nodes = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
            nodes[node.Name] = node;

        var outputRefs = OutputTensors(model);
        var frames = WhileFrames.Find(model, nodes);
        var conditionals = Conditionals.Find(model, nodes, frames);
        var order = TopologicalOrder(model, nodes, outputRefs.Select(o => o.Reference).ToList(), frames, conditionals);
        var weights = TfJsWeightLoader.Load(model);

        var builder = new OnnxModelBuilder()
            .Opset(Opset)
            .Producer("ModelRefs.TfJs", Version)
            .GraphName(Path.GetFileNameWithoutExtension(model.ModelJsonPath))
            .Metadata("modelrefs.converter", Identity);
        if (model.ConvertedBy != null)
            builder.Metadata("tfjs.convertedBy", model.ConvertedBy);
        if (model.GeneratedBy != null)
            builder.Metadata("tfjs.generatedBy", model.GeneratedBy);
        var c = new ConversionContext(builder);
        var (inputPlan, outputPlan) = PlanNames(model, nodes, outputRefs, c);
        var tfCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var inputs = new List<(int Order, ConvertedTensor Tensor, OnnxValueInfo Info)>();
        var batchNamed = false;

        foreach (var node in order)
        {
            tfCounts[node.Op] = tfCounts.TryGetValue(node.Op, out var n) ? n + 1 : 1;
            switch (node.Op)
            {
                case "Placeholder":
                {
                    var plan = inputPlan.GetValueOrDefault(node.Name);
                    var sig = plan?.Entry;
                    var type = sig?.DataType is { } t and not TfDataType.Invalid ? t : node.GetType("dtype", TfDataType.Float32);
                    var shape = sig?.Shape ?? node.Attr("shape")?.Shape;
                    if (type.ToOnnx() == OnnxElementType.Undefined)
                        throw TfJsConversionException.ForNode(node, $"inputs of type {type} are not supported.");
                    var dims = shape?.Select((d, i) => d >= 0 ? OnnxDimension.Fixed(d)
                        : i == 0 ? OnnxDimension.Symbolic(options.BatchDimensionName) : OnnxDimension.Unknown).ToArray();
                    batchNamed |= shape is { Length: > 0 } && shape[0] < 0;
                    var desired = plan?.Name ?? node.Name;
                    if (plan is { Reserved: true })
                        c.Release(desired);
                    var name = c.Fresh(desired);
                    if (name != desired)
                        c.Warnings.Add($"Input '{node.Name}' is named '{name}' in the ONNX model ('{desired}' was taken).");
                    c.Set(node.Name, TfValue.Stored(name, type, shape));
                    inputs.Add((plan?.Order ?? int.MaxValue, new ConvertedTensor(name, node.Name, sig?.Key),
                        dims == null ? OnnxValueInfo.TensorWithoutShape(name, type.ToOnnx()) : OnnxValueInfo.Tensor(name, type.ToOnnx(), dims)));
                    break;
                }
                case "Exit" when frames.ByExit.TryGetValue(node.Name, out var frame):
                    if (!c.TryGet(node.Name, out _))
                    {
                        ConvertLoop(c, frame, nodes, weights);
                        foreach (var inner in frame.Interior)
                            tfCounts[nodes[inner].Op] = tfCounts.TryGetValue(nodes[inner].Op, out var k) ? k + 1 : 1;
                    }
                    break;
                case "Merge" when conditionals.ByMerge.TryGetValue(node.Name, out var conditional):
                    if (!c.TryGet(node.Name, out _))
                    {
                        ConvertConditional(c, conditional, nodes, weights);
                        foreach (var inner in conditional.Branch.Keys.Concat(conditional.Switches.Select(sw => sw.Name)))
                            tfCounts[nodes[inner].Op] = tfCounts.TryGetValue(nodes[inner].Op, out var k) ? k + 1 : 1;
                    }
                    break;
                default:
                    ConvertNode(c, node, weights);
                    break;
            }
        }

        // A signature input the outputs do not need is not in the graph: an output may have its name.
        foreach (var plan in inputPlan.Values.Where(p => p.Reserved))
            c.Release(plan.Name!);
        // Signature order; placeholders the signature does not list after them, in graph order (OrderBy is stable).
        inputs = inputs.OrderBy(i => i.Order).ToList();
        foreach (var input in inputs)
            builder.Input(input.Info);
        var inputNames = inputs.Select(i => i.Tensor.OnnxName).ToHashSet(StringComparer.Ordinal);

        var outputs = new List<ConvertedTensor>();
        var outputNames = new HashSet<string>(StringComparer.Ordinal);
        for (var o = 0; o < outputRefs.Count; o++)
        {
            var (reference, entry) = outputRefs[o];
            if (c.IsDead(reference))
                throw new TfJsConversionException($"The model's output '{reference}' is on the branch its constant Switch predicates never take.");
            if (!c.TryGet(reference, out var value))
                throw new TfJsConversionException($"The model's output '{reference}' is not produced by the graph.");
            var desired = outputPlan[o].Name ?? ConversionContext.TensorKey(reference);
            if (outputPlan[o].Reserved)
                c.Release(desired);
            string name;
            if (value.Nchw && value.NativeCache == null)
            {
                name = c.Emit("Transpose", [value.OnnxName!], desired, OnnxAttribute.Ints("perm", ConversionContext.ToNhwc.Select(p => (long)p).ToArray()));
                value.NativeCache = name;
            }
            else
            {
                name = c.Native(value, desired + "/const");
                if (name != desired || value.Constant != null || inputNames.Contains(name) || outputNames.Contains(name))
                    name = c.Emit("Identity", [name], desired);
            }
            if (name != desired)
                c.Warnings.Add($"Output '{reference}' is named '{name}' in the ONNX model ('{desired}' was taken).");
            var dims = value.Shape?.Select((d, i) => d >= 0 ? OnnxDimension.Fixed(d)
                : i == 0 && batchNamed ? OnnxDimension.Symbolic(options.BatchDimensionName) : OnnxDimension.Unknown).ToArray();
            builder.Output(dims == null ? OnnxValueInfo.TensorWithoutShape(name, value.DataType.ToOnnx()) : OnnxValueInfo.Tensor(name, value.DataType.ToOnnx(), dims));
            outputs.Add(new ConvertedTensor(name, ConversionContext.TensorKey(reference), entry?.Key));
            outputNames.Add(name);
        }

        var counts = new SortedDictionary<string, int>(c.OpCounts.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);
        var result = new ConversionResult("", Identity, inputs.Select(i => i.Tensor).ToList(), outputs, c.Warnings, counts.Values.Sum(),
            counts.TryGetValue("Transpose", out var transposes) ? transposes : 0, counts, tfCounts, TimeSpan.Zero);
        return (builder, result);
    }

    /// <summary>Converts one node (not a Placeholder) into <paramref name="c"/>.</summary>
    private static void ConvertNode(ConversionContext c, TfNode node, IReadOnlyDictionary<string, TfConstant> weights)
    {
        if (node.Op == "Const")
        {
            c.SetOutput(node, 0, TfValue.Const(ConstValue(node, weights)));
            return;
        }
        // A node reading the untaken side of a folded Switch is not computed (Merge picks the live input).
        if (node.Op != "Merge" && node.Inputs.Any(c.IsDead))
        {
            c.MarkDead(node.Name);
            return;
        }
        if (!OpRegistry.TryGet(node.Op, out var converter))
            throw TfJsConversionException.Unsupported(node);
        try
        {
            converter(c, node);
        }
        catch (TfJsConversionException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            throw new TfJsConversionException($"TF.js node '{node.Name}' ({node.Op}) could not be converted: {e.Message}", node.Op, node.Name, e);
        }
    }

    /// <summary>Signature outputs (with their entry), or (as TF.js does without a signature) every node no other node reads.</summary>
    private static List<(string Reference, TfTensorInfo? Entry)> OutputTensors(TfJsGraphModel model)
    {
        if (model.SignatureOutputs.Count > 0)
            return model.SignatureOutputs.Select(o => (o.Name, (TfTensorInfo?)o)).ToList();
        var consumed = new HashSet<string>(model.Nodes.SelectMany(n => n.RawInputs).Select(i => i.TrimStart('^').Split(':')[0]), StringComparer.Ordinal);
        var outputs = model.Nodes.Where(n => !consumed.Contains(n.Name) && n.Op is not ("Const" or "NoOp" or "Placeholder")).Select(n => (n.Name, (TfTensorInfo?)null)).ToList();
        if (outputs.Count == 0)
            throw new TfJsConversionException($"'{model.ModelJsonPath}' has no signature and no output node.");
        return outputs;
    }

    /// <summary>The ONNX name a signature entry asks for, and whether the conversion keeps it for that tensor (<see cref="ConversionContext.Reserve"/>).</summary>
    private sealed record PlannedName(string? Name, bool Reserved, TfTensorInfo? Entry, int Order);

    /// <summary>
    /// Names the graph's inputs and outputs after their signature keys before anything else takes a
    /// name: inputs in signature order, then outputs; the first to ask for a name gets it (a later
    /// one gets a <c>_1</c> suffix and a warning). A key that only repeats its tensor's name, or is
    /// not usable as a name, keeps the TF name (<see cref="SignatureName"/>).
    /// </summary>
    private static (Dictionary<string, PlannedName> Inputs, List<PlannedName> Outputs) PlanNames(
        TfJsGraphModel model, Dictionary<string, TfNode> nodes, List<(string Reference, TfTensorInfo? Entry)> outputRefs, ConversionContext c)
    {
        var inputs = new Dictionary<string, PlannedName>(StringComparer.Ordinal);
        for (var i = 0; i < model.SignatureInputs.Count; i++)
        {
            var entry = model.SignatureInputs[i];
            var node = ConversionContext.TensorKey(entry.Name);
            if (!nodes.TryGetValue(node, out var placeholder) || placeholder.Op != "Placeholder")
                continue;
            if (inputs.TryGetValue(node, out var first))
            {
                c.Warnings.Add($"Signature inputs '{first.Entry!.Key}' and '{entry.Key}' both name the placeholder '{node}'; the ONNX input takes the first.");
                continue;
            }
            var name = SignatureName(entry, "input", c.Warnings);
            inputs[node] = new PlannedName(name, name != null && c.Reserve(name), entry, i);
        }
        var outputs = new List<PlannedName>();
        for (var o = 0; o < outputRefs.Count; o++)
        {
            var entry = outputRefs[o].Entry;
            var name = entry == null ? null : SignatureName(entry, "output", c.Warnings);
            outputs.Add(new PlannedName(name, name != null && c.Reserve(name), entry, o));
        }
        return (inputs, outputs);
    }

    /// <summary>
    /// The signature key as the ONNX name, or null to keep the tensor's own name: when the key only
    /// repeats it (<c>Identity:0</c> for <c>Identity:0</c>, as in MoveNet's and blazeface's
    /// signatures), or when it is empty, blank or holds control characters (with a warning).
    /// </summary>
    internal static string? SignatureName(TfTensorInfo entry, string side, List<string> warnings)
    {
        var key = entry.Key;
        if (string.IsNullOrWhiteSpace(key) || key.Any(char.IsControl))
        {
            warnings.Add($"The signature key {System.Text.Json.JsonSerializer.Serialize(key)} of {side} '{entry.Name}' is not a usable name; the ONNX {side} keeps the tensor's name.");
            return null;
        }
        return ConversionContext.TensorKey(key) == ConversionContext.TensorKey(entry.Name) ? null : key;
    }

    /// <summary>The nodes the outputs depend on, inputs before users; unsupported ops fail here, before any work.</summary>
    private static List<TfNode> TopologicalOrder(TfJsGraphModel model, Dictionary<string, TfNode> nodes, List<string> outputs, WhileFrames frames, Conditionals conditionals)
    {
        // A loop's Exit (a conditional's Merge) stands for the whole loop (conditional): it depends on what that reads from outside.
        IReadOnlyList<string> Deps(TfNode node) => frames.ByExit.TryGetValue(node.Name, out var f) ? f.OuterInputs
            : conditionals.ByMerge.TryGetValue(node.Name, out var k) ? k.OuterInputs : node.Inputs;
        TfNode Lookup(string reference, TfNode? user)
        {
            var name = reference.TrimStart('^');
            var colon = name.LastIndexOf(':');
            if (colon > 0 && int.TryParse(name.AsSpan(colon + 1), out _))
                name = name[..colon];
            return nodes.TryGetValue(name, out var node) ? node
                : throw new TfJsConversionException(user == null
                    ? $"The model's output '{reference}' names no node of the graph."
                    : $"TF.js node '{user.Name}' ({user.Op}) reads '{reference}', which no node produces.", user?.Op, user?.Name);
        }

        var roots = outputs.Select(o => Lookup(o, null)).ToList();
        // Reachable set first, so that an unsupported op is reported even inside a cycle (control flow).
        var reachable = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<TfNode>(roots);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!reachable.Add(node.Name))
                continue;
            foreach (var input in node.Inputs)
                stack.Push(Lookup(input, node));
            if (frames.ByExit.TryGetValue(node.Name, out var frame))
                foreach (var inner in frame.Interior)
                    stack.Push(nodes[inner]);
        }
        var unsupported = model.Nodes
            .Where(node => reachable.Contains(node.Name) && node.Op is not ("Const" or "Placeholder") && !OpRegistry.TryGet(node.Op, out _)
                && !(WhileFrames.IsStructural(node.Op) && frames.Contains(node.Name)))
            .ToList();
        if (unsupported.Count > 0)
            throw TfJsConversionException.Unsupported(unsupported);

        var order = new List<TfNode>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        foreach (var root in roots)
        {
            if (state.ContainsKey(root.Name))
                continue;
            var work = new Stack<(TfNode node, int next)>();
            work.Push((root, 0));
            state[root.Name] = 1;
            while (work.Count > 0)
            {
                var (node, next) = work.Pop();
                var deps = Deps(node);
                if (next < deps.Count)
                {
                    work.Push((node, next + 1));
                    var input = Lookup(deps[next], node);
                    if (!state.TryGetValue(input.Name, out var s))
                    {
                        state[input.Name] = 1;
                        work.Push((input, 0));
                    }
                    else if (s == 1)
                        throw new TfJsConversionException($"TF.js node '{input.Name}' ({input.Op}) is part of a cycle; control flow is not supported.", input.Op, input.Name);
                }
                else
                {
                    state[node.Name] = 2;
                    order.Add(node);
                }
            }
        }
        return order;
    }

    private static TfConstant ConstValue(TfNode node, IReadOnlyDictionary<string, TfConstant> weights)
    {
        if (weights.TryGetValue(node.Name, out var weight))
            return weight;
        if (node.Attr("value")?.Tensor is { } tensor)
            return InlineTensor.Parse(node, tensor);
        throw TfJsConversionException.ForNode(node, "the constant has no entry in the weights manifest and no inline value.");
    }
}
