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

    internal static TfJsConversionException Unsupported(TfNode node)
        => new($"TF.js operator '{node.Op}' (node '{node.Name}') is not supported by the ONNX converter. "
            + "Convert the model another way (tf2onnx from the SavedModel), or ask for the operator to be added.",
            node.Op, node.Name)
        { IsUnsupportedOperator = true };

    internal static TfJsConversionException ForNode(TfNode node, string problem)
        => new($"TF.js node '{node.Name}' ({node.Op}): {problem}", node.Op, node.Name);
}
