using System.Text;

namespace ModelRefs.Core.Onnx;

/// <summary>ONNX <c>AttributeProto.AttributeType</c> ids.</summary>
public enum OnnxAttributeType
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
    Strings = 8,
    Tensors = 9,
    Graphs = 10,
    SparseTensor = 11,
    SparseTensors = 12,
    TypeProto = 13,
    TypeProtos = 14,
}

/// <summary>A node attribute for <see cref="OnnxModelBuilder"/>; create with the static factories.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
    }

    public string Name { get; }
    public OnnxAttributeType Type { get; }
    public string DocString { get; init; } = "";

    private float _float;
    private long _int;
    private byte[]? _bytes;
    private OnnxTensor? _tensor;
    private float[]? _floats;
    private long[]? _ints;
    private byte[][]? _strings;
    private OnnxModelBuilder? _graph;

    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeType.Float) { _float = value };
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeType.Int) { _int = value };
    public static OnnxAttribute String(string name, string value) => Bytes(name, Encoding.UTF8.GetBytes(value));
    /// <summary>A string attribute holding arbitrary bytes (ONNX strings are bytes on the wire).</summary>
    public static OnnxAttribute Bytes(string name, byte[] value) => new(name, OnnxAttributeType.String) { _bytes = value.ToArray() };
    public static OnnxAttribute Tensor(string name, OnnxTensor value)
        => new(name, OnnxAttributeType.Tensor) { _tensor = value ?? throw new ArgumentNullException(nameof(value)) };
    public static OnnxAttribute Floats(string name, params float[] values) => new(name, OnnxAttributeType.Floats) { _floats = values.ToArray() };
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxAttributeType.Ints) { _ints = values.ToArray() };
    public static OnnxAttribute Strings(string name, params string[] values)
        => new(name, OnnxAttributeType.Strings) { _strings = values.Select(v => Encoding.UTF8.GetBytes(v)).ToArray() };

    /// <summary>A graph attribute (the body of Loop, the branches of If): the builder's nodes, inputs, outputs and initializers.</summary>
    public static OnnxAttribute Graph(string name, OnnxModelBuilder graph)
        => new(name, OnnxAttributeType.Graph) { _graph = graph ?? throw new ArgumentNullException(nameof(graph)) };

    internal ProtoMessage ToProto()
    {
        var m = new ProtoMessage().String(OnnxFields.Attribute.Name, Name);
        switch (Type)
        {
            case OnnxAttributeType.Float: m.Float(OnnxFields.Attribute.F, _float); break;
            case OnnxAttributeType.Int: m.Varint(OnnxFields.Attribute.I, _int); break;
            case OnnxAttributeType.String: m.Bytes(OnnxFields.Attribute.S, _bytes!); break;
            case OnnxAttributeType.Tensor: m.Message(OnnxFields.Attribute.T, _tensor!.ToProto()); break;
            case OnnxAttributeType.Graph: m.Message(OnnxFields.Attribute.G, _graph!.GraphProto()); break;
            case OnnxAttributeType.Floats:
                foreach (var f in _floats!)
                    m.Float(OnnxFields.Attribute.Floats, f);
                break;
            case OnnxAttributeType.Ints:
                foreach (var i in _ints!)
                    m.Varint(OnnxFields.Attribute.Ints, i);
                break;
            case OnnxAttributeType.Strings:
                foreach (var s in _strings!)
                    m.Bytes(OnnxFields.Attribute.Strings, s);
                break;
        }
        m.StringIfAny(OnnxFields.Attribute.DocString, DocString);
        m.Varint(OnnxFields.Attribute.Type, (int)Type);
        return m;
    }
}

/// <summary>A graph node for <see cref="OnnxModelBuilder"/>.</summary>
/// <param name="Inputs">Input value names; <c>""</c> skips an optional input.</param>
public sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    public string Name { get; init; } = "";
    /// <summary>Operator-set domain; <c>""</c> is the default ONNX domain.</summary>
    public string Domain { get; init; } = "";
    public string DocString { get; init; } = "";
    public IReadOnlyList<OnnxAttribute> Attributes { get; init; } = [];

    internal ProtoMessage ToProto()
    {
        var m = new ProtoMessage();
        foreach (var input in Inputs)
            m.String(OnnxFields.Node.Input, input);
        foreach (var output in Outputs)
            m.String(OnnxFields.Node.Output, output);
        m.StringIfAny(OnnxFields.Node.Name, Name);
        m.String(OnnxFields.Node.OpType, OpType);
        foreach (var attribute in Attributes)
            m.Message(OnnxFields.Node.Attribute, attribute.ToProto());
        m.StringIfAny(OnnxFields.Node.DocString, DocString);
        m.StringIfAny(OnnxFields.Node.Domain, Domain);
        return m;
    }
}
