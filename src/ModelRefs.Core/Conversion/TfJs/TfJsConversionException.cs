namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>
/// A TF.js graph model cannot be converted: an operator or attribute the converter does not
/// support, or a malformed <c>model.json</c> or weight shard. The message names the operator and
/// the node; the converter never writes a model it could not convert faithfully.
/// </summary>
public sealed class TfJsConversionException : Exception
{
    public TfJsConversionException(string message, string? op = null, string? nodeName = null, Exception? inner = null)
        : base(message, inner)
    {
        Op = op;
        NodeName = nodeName;
    }

    /// <summary>The TensorFlow operator (<c>op</c> of the node), when the failure is about one node.</summary>
    public string? Op { get; }

    /// <summary>The node's <c>name</c> in <c>modelTopology.node</c>, when the failure is about one node.</summary>
    public string? NodeName { get; }

    /// <summary>True when the failure is an operator the converter does not support (as opposed to a bad file or attribute).</summary>
    public bool IsUnsupportedOperator { get; init; }

    /// <summary>
    /// Every unsupported operator of the model with the nodes using it (op → node names, in graph
    /// order), when the failure is unsupported operators; <see cref="Op"/> and <see cref="NodeName"/>
    /// are the first of them.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> UnsupportedOperators { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// "the TF.js operator 'A' (node 'n')" or "the TF.js operators 'A' (node 'n'), 'B' (2 nodes: 'p', 'q')",
    /// for messages that name every unsupported operator; empty when the failure is not about operators.
    /// </summary>
    public string UnsupportedSummary => UnsupportedOperators.Count switch
    {
        0 => "",
        1 => "the TF.js operator " + Describe(UnsupportedOperators.Single()),
        _ => "the TF.js operators " + string.Join(", ", UnsupportedOperators.Select(Describe)),
    };

    private static string Describe(KeyValuePair<string, IReadOnlyList<string>> op) => op.Value.Count == 1
        ? $"'{op.Key}' (node '{op.Value[0]}')"
        : $"'{op.Key}' ({op.Value.Count} nodes: {string.Join(", ", op.Value.Take(3).Select(v => $"'{v}'"))}{(op.Value.Count > 3 ? ", …" : "")})";

    /// <summary>One failure naming every unsupported operator and, for each, its nodes (the first few by name).</summary>
    internal static TfJsConversionException Unsupported(IReadOnlyList<TfNode> nodes)
    {
        if (nodes.Count == 1)
            return Unsupported(nodes[0]);
        var byOp = nodes.GroupBy(n => n.Op, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(n => n.Name).ToList(), StringComparer.Ordinal);
        var parts = byOp.Select(Describe).ToList();
        return new TfJsConversionException(
            (byOp.Count == 1 ? $"TF.js operator {parts.Single()} is not supported by the ONNX converter. "
                : $"{byOp.Count} TF.js operators are not supported by the ONNX converter: {string.Join(", ", parts)}. ")
            + "Convert the model another way (tf2onnx from the SavedModel), or ask for the operators to be added.",
            nodes[0].Op, nodes[0].Name)
        { IsUnsupportedOperator = true, UnsupportedOperators = byOp };
    }

    internal static TfJsConversionException Unsupported(TfNode node)
        => new($"TF.js operator '{node.Op}' (node '{node.Name}') is not supported by the ONNX converter. "
            + "Convert the model another way (tf2onnx from the SavedModel), or ask for the operator to be added.",
            node.Op, node.Name)
        { IsUnsupportedOperator = true, UnsupportedOperators = new Dictionary<string, IReadOnlyList<string>> { [node.Op] = [node.Name] } };

    internal static TfJsConversionException ForNode(TfNode node, string problem)
        => new($"TF.js node '{node.Name}' ({node.Op}): {problem}", node.Op, node.Name);
}
