namespace ModelRefs.Core.Onnx;

/// <summary>
/// Writes small, valid ONNX models (ModelProto bytes) without any ONNX or protobuf package.
/// Defaults: IR version 8 and opset 17 of the default domain, which every current ONNX Runtime runs.
/// Element types newer than opset 17's operators (float8, int4, float4…) need a higher
/// <see cref="IrVersion"/> and <see cref="Opset(long)"/>.
/// </summary>
/// <example>
/// <code>
/// var bytes = new OnnxModelBuilder()
///     .Input("x", OnnxElementType.Float, "batch", 3)
///     .Output("y", OnnxElementType.Float, "batch", 3)
///     .Node("Identity", ["x"], ["y"])
///     .ToBytes();
/// </code>
/// </example>
public sealed class OnnxModelBuilder
{
    public const long DefaultIrVersion = 8;
    public const long DefaultOpset = 17;

    private long _irVersion = DefaultIrVersion;
    private readonly List<OnnxOpsetImport> _opsets = [new("", DefaultOpset)];
    private string _producerName = "";
    private string _producerVersion = "";
    private string _domain = "";
    private long? _modelVersion;
    private string _docString = "";
    private readonly List<OnnxMetadataProperty> _metadata = [];
    private string _graphName = "main";
    private string _graphDocString = "";
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly List<OnnxValueInfo> _valueInfos = [];
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];

    public OnnxModelBuilder IrVersion(long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        _irVersion = version;
        return this;
    }

    /// <summary>Sets the version of the default ONNX domain (<c>""</c>).</summary>
    public OnnxModelBuilder Opset(long version) => Opset("", version);

    /// <summary>Imports <paramref name="domain"/> at <paramref name="version"/>, replacing an earlier import of the same domain.</summary>
    public OnnxModelBuilder Opset(string domain, long version)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        var i = _opsets.FindIndex(o => o.Domain == domain);
        if (i >= 0)
            _opsets[i] = new OnnxOpsetImport(domain, version);
        else
            _opsets.Add(new OnnxOpsetImport(domain, version));
        return this;
    }

    public OnnxModelBuilder Producer(string name, string version = "")
    {
        _producerName = name ?? throw new ArgumentNullException(nameof(name));
        _producerVersion = version ?? "";
        return this;
    }

    public OnnxModelBuilder Domain(string domain)
    {
        _domain = domain ?? throw new ArgumentNullException(nameof(domain));
        return this;
    }

    public OnnxModelBuilder ModelVersion(long version)
    {
        _modelVersion = version;
        return this;
    }

    /// <summary>The model's <c>doc_string</c> (its description).</summary>
    public OnnxModelBuilder DocString(string docString)
    {
        _docString = docString ?? throw new ArgumentNullException(nameof(docString));
        return this;
    }

    /// <summary>Adds a <c>metadata_props</c> entry (kept in the order added).</summary>
    public OnnxModelBuilder Metadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata.Add(new OnnxMetadataProperty(key, value));
        return this;
    }

    public OnnxModelBuilder GraphName(string name)
    {
        _graphName = name ?? throw new ArgumentNullException(nameof(name));
        return this;
    }

    public OnnxModelBuilder GraphDocString(string docString)
    {
        _graphDocString = docString ?? throw new ArgumentNullException(nameof(docString));
        return this;
    }

    /// <summary>
    /// A tensor input. Dimensions convert from numbers (fixed) and strings (symbolic);
    /// <see cref="OnnxDimension.Unknown"/> is an unnamed dynamic dimension; none at all is a scalar.
    /// </summary>
    public OnnxModelBuilder Input(string name, OnnxElementType elementType, params OnnxDimension[] shape)
        => Input(OnnxValueInfo.Tensor(name, elementType, shape));

    /// <summary>An input of any supported kind; a null <see cref="OnnxValueInfo.Shape"/> declares no shape.</summary>
    public OnnxModelBuilder Input(OnnxValueInfo value) => AddValue(_inputs, value);

    public OnnxModelBuilder Output(string name, OnnxElementType elementType, params OnnxDimension[] shape)
        => Output(OnnxValueInfo.Tensor(name, elementType, shape));

    public OnnxModelBuilder Output(OnnxValueInfo value) => AddValue(_outputs, value);

    /// <summary>Declares the type of an intermediate value (graph <c>value_info</c>).</summary>
    public OnnxModelBuilder ValueInfo(OnnxValueInfo value) => AddValue(_valueInfos, value);

    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
        => Node(new OnnxNode(opType, inputs, outputs) { Attributes = attributes });

    public OnnxModelBuilder Node(OnnxNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(node.OpType);
        _nodes.Add(node);
        return this;
    }

    /// <summary>Adds a graph initializer (a weight). Initializers are not listed as inputs unless <see cref="Input(OnnxValueInfo)"/> adds them (IR &lt; 4 style).</summary>
    public OnnxModelBuilder Initializer(OnnxTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentException.ThrowIfNullOrEmpty(tensor.Name, nameof(tensor));
        _initializers.Add(tensor);
        return this;
    }

    /// <summary>The model as bytes. Throws when it would exceed protobuf's 2 GB limit (use external data).</summary>
    public byte[] ToBytes()
    {
        var model = ToProto();
        var size = CheckSize(model);
        var bytes = new byte[size];
        using (var stream = new MemoryStream(bytes, writable: true))
            model.WriteTo(stream);
        return bytes;
    }

    /// <summary>Writes the model to <paramref name="path"/>, streaming initializer data without copying it.</summary>
    public void Save(string path)
    {
        var model = ToProto();
        CheckSize(model);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        model.WriteTo(stream);
    }

    /// <summary>Writes the model to a stream.</summary>
    public void WriteTo(Stream stream)
    {
        var model = ToProto();
        CheckSize(model);
        model.WriteTo(stream);
    }

    private static int CheckSize(ProtoMessage model)
    {
        if (model.Size > int.MaxValue)
            throw new InvalidOperationException($"The model would be {model.Size} bytes; ONNX files are limited to 2 GB. Store large initializers as external data.");
        return (int)model.Size;
    }

    private OnnxModelBuilder AddValue(List<OnnxValueInfo> list, OnnxValueInfo value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(value.Name, nameof(value));
        if (value.Kind == OnnxValueKind.Map)
            throw new NotSupportedException($"'{value.Name}': the builder cannot write map types ({nameof(OnnxValueInfo)} does not carry the key type).");
        list.Add(value);
        return this;
    }

    private ProtoMessage ToProto()
    {
        var graph = GraphProto();
        var model = new ProtoMessage().Varint(OnnxFields.Model.IrVersion, _irVersion);
        model.StringIfAny(OnnxFields.Model.ProducerName, _producerName);
        model.StringIfAny(OnnxFields.Model.ProducerVersion, _producerVersion);
        model.StringIfAny(OnnxFields.Model.Domain, _domain);
        if (_modelVersion.HasValue)
            model.Varint(OnnxFields.Model.ModelVersion, _modelVersion.Value);
        model.StringIfAny(OnnxFields.Model.DocString, _docString);
        model.Message(OnnxFields.Model.Graph, graph);
        foreach (var opset in _opsets)
            model.Message(OnnxFields.Model.OpsetImport, new ProtoMessage()
                .String(OnnxFields.OperatorSetId.Domain, opset.Domain)
                .Varint(OnnxFields.OperatorSetId.Version, opset.Version));
        foreach (var entry in _metadata)
            model.Message(OnnxFields.Model.MetadataProps, OnnxTensor.Entry(entry.Key, entry.Value));
        return model;
    }

    /// <summary>The graph alone (for the main graph and for graph attributes such as a Loop body).</summary>
    internal ProtoMessage GraphProto()
    {
        var graph = new ProtoMessage();
        foreach (var node in _nodes)
            graph.Message(OnnxFields.Graph.Node, node.ToProto());
        graph.String(OnnxFields.Graph.Name, _graphName);
        foreach (var initializer in _initializers)
            graph.Message(OnnxFields.Graph.Initializer, initializer.ToProto());
        graph.StringIfAny(OnnxFields.Graph.DocString, _graphDocString);
        foreach (var input in _inputs)
            graph.Message(OnnxFields.Graph.Input, ValueInfoProto(input));
        foreach (var output in _outputs)
            graph.Message(OnnxFields.Graph.Output, ValueInfoProto(output));
        foreach (var valueInfo in _valueInfos)
            graph.Message(OnnxFields.Graph.ValueInfo, ValueInfoProto(valueInfo));
        return graph;
    }

    private static ProtoMessage ValueInfoProto(OnnxValueInfo value)
    {
        var m = new ProtoMessage().String(OnnxFields.ValueInfo.Name, value.Name);
        if (value.Kind != OnnxValueKind.Unknown)
            m.Message(OnnxFields.ValueInfo.Type, TypeProto(value));
        m.StringIfAny(OnnxFields.ValueInfo.DocString, value.DocString);
        return m;
    }

    private static ProtoMessage TypeProto(OnnxValueInfo value)
    {
        var tensor = new ProtoMessage().Varint(OnnxFields.TensorType.ElemType, (int)value.ElementType);
        if (value.Shape != null)
        {
            var shape = new ProtoMessage();
            foreach (var dim in value.Shape)
            {
                var d = new ProtoMessage();
                if (dim.Value.HasValue)
                    d.Varint(OnnxFields.Dimension.DimValue, dim.Value.Value);
                else if (dim.Param != null)
                    d.String(OnnxFields.Dimension.DimParam, dim.Param);
                shape.Message(OnnxFields.Shape.Dim, d);
            }
            tensor.Message(OnnxFields.TensorType.Shape, shape);
        }
        var tensorType = new ProtoMessage().Message(OnnxFields.Type.TensorType, tensor);
        return value.Kind switch
        {
            OnnxValueKind.Tensor => tensorType,
            OnnxValueKind.SparseTensor => new ProtoMessage().Message(OnnxFields.Type.SparseTensorType, tensor),
            OnnxValueKind.Sequence => new ProtoMessage().Message(OnnxFields.Type.SequenceType,
                new ProtoMessage().Message(OnnxFields.ContainerType.ElemType, tensorType)),
            OnnxValueKind.Optional => new ProtoMessage().Message(OnnxFields.Type.OptionalType,
                new ProtoMessage().Message(OnnxFields.ContainerType.ElemType, tensorType)),
            _ => throw new NotSupportedException($"'{value.Name}': cannot write a value of kind {value.Kind}."),
        };
    }
}
