namespace ModelRefs.Core.Onnx;

/// <summary>
/// Reads an ONNX model's signature (inputs, outputs, types, shapes, opsets, metadata) without reading
/// its weights: initializer payloads are skipped by seeking, and only the messages that carry the
/// signature are parsed, so time and memory do not grow with the size of the weights.
/// </summary>
public static class OnnxSignatureReader
{
    /// <summary>Reads the model at <paramref name="path"/>.</summary>
    /// <exception cref="OnnxFormatException">The file is not a valid ONNX model.</exception>
    /// <exception cref="IOException">The file cannot be opened or read (e.g. <see cref="FileNotFoundException"/>).</exception>
    public static OnnxModelSignature Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // No FileStream buffer: the reader has its own, and a larger one would read bytes we skip.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        return Read(stream, path);
    }

    /// <summary>Reads a model from a seekable stream, from its current position to its end.</summary>
    /// <param name="displayName">Names the model in error messages (usually its path).</param>
    public static OnnxModelSignature Read(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        return new ModelWalker(new ProtoReader(stream, displayName, "ModelProto")).ReadModel();
    }

    private sealed class ModelWalker(ProtoReader reader)
    {
        private readonly List<OnnxValueInfo> _inputs = [];
        private readonly List<OnnxValueInfo> _outputs = [];
        private readonly HashSet<string> _initializerNames = new(StringComparer.Ordinal);
        private readonly List<string> _externalFiles = [];
        private int _initializerCount;
        private string _graphName = "";

        public OnnxModelSignature ReadModel()
        {
            if (reader.Length == 0)
                throw reader.Error("the file is empty", 0);
            long? irVersion = null;
            var graphSeen = false;
            string producerName = "", producerVersion = "", domain = "", docString = "";
            long modelVersion = 0;
            var opsets = new List<OnnxOpsetImport>();
            var metadata = new List<OnnxMetadataProperty>();

            while (reader.ReadTag(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (OnnxFields.Model.IrVersion, ProtoReader.WireVarint): irVersion = reader.ReadInt64(); break;
                    case (OnnxFields.Model.ProducerName, ProtoReader.WireLengthDelimited): producerName = reader.ReadString(); break;
                    case (OnnxFields.Model.ProducerVersion, ProtoReader.WireLengthDelimited): producerVersion = reader.ReadString(); break;
                    case (OnnxFields.Model.Domain, ProtoReader.WireLengthDelimited): domain = reader.ReadString(); break;
                    case (OnnxFields.Model.ModelVersion, ProtoReader.WireVarint): modelVersion = reader.ReadInt64(); break;
                    case (OnnxFields.Model.DocString, ProtoReader.WireLengthDelimited): docString = reader.ReadString(); break;
                    case (OnnxFields.Model.Graph, ProtoReader.WireLengthDelimited):
                        ReadGraph(main: true);
                        graphSeen = true;
                        break;
                    case (OnnxFields.Model.OpsetImport, ProtoReader.WireLengthDelimited): opsets.Add(ReadOpset()); break;
                    case (OnnxFields.Model.MetadataProps, ProtoReader.WireLengthDelimited):
                        var (key, value) = ReadEntry("StringStringEntryProto (metadata_props)");
                        metadata.Add(new OnnxMetadataProperty(key, value));
                        break;
                    default: reader.SkipField(wire); break;
                }
            }
            // Arbitrary bytes often parse as some protobuf; a model must at least say its IR version and have a graph.
            if (irVersion is not > 0)
                throw reader.Error(irVersion == null ? "there is no ir_version field" : $"ir_version is {irVersion}", reader.Length);
            if (!graphSeen)
                throw reader.Error("there is no graph field", reader.Length);

            return new OnnxModelSignature
            {
                IrVersion = irVersion.Value,
                ProducerName = producerName,
                ProducerVersion = producerVersion,
                Domain = domain,
                ModelVersion = modelVersion,
                DocString = docString,
                GraphName = _graphName,
                Opsets = opsets,
                Metadata = metadata,
                // IR < 4 lists every initializer as an input too; those are weights, not things to feed.
                Inputs = _inputs.Where(i => !_initializerNames.Contains(i.Name)).ToArray(),
                Outputs = _outputs,
                InitializerCount = _initializerCount,
                ExternalDataFiles = _externalFiles,
            };
        }

        private OnnxOpsetImport ReadOpset()
        {
            var outer = reader.EnterMessage("OperatorSetIdProto");
            string domain = "";
            long version = 0;
            while (reader.ReadTag(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (OnnxFields.OperatorSetId.Domain, ProtoReader.WireLengthDelimited): domain = reader.ReadString(); break;
                    case (OnnxFields.OperatorSetId.Version, ProtoReader.WireVarint): version = reader.ReadInt64(); break;
                    default: reader.SkipField(wire); break;
                }
            }
            reader.LeaveMessage(outer);
            return new OnnxOpsetImport(domain, version);
        }

        private (string Key, string Value) ReadEntry(string context)
        {
            var outer = reader.EnterMessage(context);
            string key = "", value = "";
            while (reader.ReadTag(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (OnnxFields.StringStringEntry.Key, ProtoReader.WireLengthDelimited): key = reader.ReadString(); break;
                    case (OnnxFields.StringStringEntry.Value, ProtoReader.WireLengthDelimited): value = reader.ReadString(); break;
                    default: reader.SkipField(wire); break;
                }
            }
            reader.LeaveMessage(outer);
            return (key, value);
        }

        // The main graph gives the signature; subgraphs (If/Loop bodies) are walked only for external data.
        private void ReadGraph(bool main)
        {
            var outer = reader.EnterMessage(main ? "GraphProto" : "GraphProto (subgraph)");
            while (reader.ReadTag(out var field, out var wire))
            {
                if (wire != ProtoReader.WireLengthDelimited)
                {
                    reader.SkipField(wire);
                    continue;
                }
                switch (field)
                {
                    case OnnxFields.Graph.Node: ReadNode(); break;
                    case OnnxFields.Graph.Name when main: _graphName = reader.ReadString(); break;
                    case OnnxFields.Graph.Initializer:
                        var name = ReadTensor("TensorProto (initializer)");
                        if (main)
                        {
                            _initializerNames.Add(name);
                            _initializerCount++;
                        }
                        break;
                    case OnnxFields.Graph.SparseInitializer:
                        var sparseName = ReadSparseTensor();
                        if (main)
                        {
                            _initializerNames.Add(sparseName);
                            _initializerCount++;
                        }
                        break;
                    case OnnxFields.Graph.Input when main: _inputs.Add(ReadValueInfo()); break;
                    case OnnxFields.Graph.Output when main: _outputs.Add(ReadValueInfo()); break;
                    default: reader.SkipField(wire); break;
                }
            }
            reader.LeaveMessage(outer);
        }

        // Nodes matter only for tensors they carry in attributes (Constant values, subgraphs), which may be external.
        private void ReadNode()
        {
            var outer = reader.EnterMessage("NodeProto");
            while (reader.ReadTag(out var field, out var wire))
            {
                if (field == OnnxFields.Node.Attribute && wire == ProtoReader.WireLengthDelimited)
                    ReadAttribute();
                else
                    reader.SkipField(wire);
            }
            reader.LeaveMessage(outer);
        }

        private void ReadAttribute()
        {
            var outer = reader.EnterMessage("AttributeProto");
            while (reader.ReadTag(out var field, out var wire))
            {
                if (wire != ProtoReader.WireLengthDelimited)
                {
                    reader.SkipField(wire);
                    continue;
                }
                switch (field)
                {
                    case OnnxFields.Attribute.T or OnnxFields.Attribute.Tensors: ReadTensor("TensorProto (attribute)"); break;
                    case OnnxFields.Attribute.G or OnnxFields.Attribute.Graphs: ReadGraph(main: false); break;
                    case OnnxFields.Attribute.SparseTensor or OnnxFields.Attribute.SparseTensors: ReadSparseTensor(); break;
                    default: reader.SkipField(wire); break;
                }
            }
            reader.LeaveMessage(outer);
        }

        private string ReadSparseTensor()
        {
            var outer = reader.EnterMessage("SparseTensorProto");
            var name = "";
            while (reader.ReadTag(out var field, out var wire))
            {
                switch (field, wire)
                {
                    // A sparse tensor is named by its values tensor.
                    case (OnnxFields.SparseTensor.Values, ProtoReader.WireLengthDelimited): name = ReadTensor("TensorProto (sparse values)"); break;
                    case (OnnxFields.SparseTensor.Indices, ProtoReader.WireLengthDelimited): ReadTensor("TensorProto (sparse indices)"); break;
                    default: reader.SkipField(wire); break;
                }
            }
            reader.LeaveMessage(outer);
            return name;
        }

        /// <summary>Reads a tensor's name and external-data location; its data (raw_data, float_data…) is skipped.</summary>
        private string ReadTensor(string context)
        {
            var start = reader.Position;
            var outer = reader.EnterMessage(context);
            string name = "";
            string? location = null;
            var external = false;
            while (reader.ReadTag(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (OnnxFields.Tensor.Name, ProtoReader.WireLengthDelimited): name = reader.ReadString(); break;
                    case (OnnxFields.Tensor.DataLocation, ProtoReader.WireVarint):
                        external = reader.ReadInt32() == OnnxFields.Tensor.DataLocationExternal;
                        break;
                    case (OnnxFields.Tensor.ExternalData, ProtoReader.WireLengthDelimited):
                        var (key, value) = ReadEntry("StringStringEntryProto (external_data)");
                        if (key == "location")
                            location = value;
                        break;
                    default: reader.SkipField(wire); break;
                }
            }
            if (external)
            {
                // Listed as written: restore checks each with ExternalDataLocation and names the model in its error.
                if (string.IsNullOrEmpty(location))
                    throw reader.Error($"tensor '{name}' is stored externally but names no location", start);
                if (!_externalFiles.Contains(location))
                    _externalFiles.Add(location);
            }
            reader.LeaveMessage(outer);
            return name;
        }

        private OnnxValueInfo ReadValueInfo()
        {
            var outer = reader.EnterMessage("ValueInfoProto");
            string name = "", doc = "";
            var type = new TypeInfo(OnnxValueKind.Unknown, OnnxElementType.Undefined, null, "unknown");
            while (reader.ReadTag(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (OnnxFields.ValueInfo.Name, ProtoReader.WireLengthDelimited): name = reader.ReadString(); break;
                    case (OnnxFields.ValueInfo.Type, ProtoReader.WireLengthDelimited): type = ReadType(); break;
                    case (OnnxFields.ValueInfo.DocString, ProtoReader.WireLengthDelimited): doc = reader.ReadString(); break;
                    default: reader.SkipField(wire); break;
                }
            }
            reader.LeaveMessage(outer);
            return new OnnxValueInfo(name, type.Kind, type.ElementType, type.Shape, doc) { Type = type.Text };
        }

        // Text: the whole type in ONNX's notation (seq(map(int64,tensor(float)))), which Kind and ElementType flatten.
        private readonly record struct TypeInfo(OnnxValueKind Kind, OnnxElementType ElementType, List<OnnxDimension>? Shape, string Text);

        private TypeInfo ReadType()
        {
            var outer = reader.EnterMessage("TypeProto");
            var result = new TypeInfo(OnnxValueKind.Unknown, OnnxElementType.Undefined, null, "unknown");
            while (reader.ReadTag(out var field, out var wire))
            {
                if (wire != ProtoReader.WireLengthDelimited)
                {
                    reader.SkipField(wire);
                    continue;
                }
                // value is a oneof: the last one present wins, as in protobuf.
                result = field switch
                {
                    OnnxFields.Type.TensorType => ReadTensorType(OnnxValueKind.Tensor, "TypeProto.Tensor"),
                    OnnxFields.Type.SparseTensorType => ReadTensorType(OnnxValueKind.SparseTensor, "TypeProto.SparseTensor"),
                    OnnxFields.Type.SequenceType => ReadContainer(OnnxValueKind.Sequence, "TypeProto.Sequence", OnnxFields.ContainerType.ElemType),
                    OnnxFields.Type.OptionalType => ReadContainer(OnnxValueKind.Optional, "TypeProto.Optional", OnnxFields.ContainerType.ElemType),
                    OnnxFields.Type.MapType => ReadContainer(OnnxValueKind.Map, "TypeProto.Map", OnnxFields.MapType.ValueType),
                    OnnxFields.Type.OpaqueType => SkipAs(wire, new TypeInfo(OnnxValueKind.Unknown, OnnxElementType.Undefined, null, "opaque")),
                    _ => SkipAs(wire, result),
                };
            }
            reader.LeaveMessage(outer);
            return result;
        }

        private TypeInfo SkipAs(int wire, TypeInfo result)
        {
            reader.SkipField(wire);
            return result;
        }

        // Sequence, optional and map: the kind is the container's; element type and shape are the contained type's.
        private TypeInfo ReadContainer(OnnxValueKind kind, string context, int elementField)
        {
            var outer = reader.EnterMessage(context);
            var inner = new TypeInfo(OnnxValueKind.Unknown, OnnxElementType.Undefined, null, "unknown");
            var keyType = OnnxElementType.Undefined;
            while (reader.ReadTag(out var field, out var wire))
            {
                if (field == elementField && wire == ProtoReader.WireLengthDelimited)
                    inner = ReadType();
                else if (kind == OnnxValueKind.Map && field == OnnxFields.MapType.KeyType && wire == ProtoReader.WireVarint)
                    keyType = (OnnxElementType)reader.ReadInt32();
                else
                    reader.SkipField(wire);
            }
            reader.LeaveMessage(outer);
            string text = kind switch
            {
                OnnxValueKind.Sequence => "seq(" + inner.Text + ")",
                OnnxValueKind.Optional => "optional(" + inner.Text + ")",
                _ => "map(" + keyType.ToManifestName() + "," + inner.Text + ")",
            };
            return inner with { Kind = kind, Text = text };
        }

        private TypeInfo ReadTensorType(OnnxValueKind kind, string context)
        {
            var outer = reader.EnterMessage(context);
            var elementType = OnnxElementType.Undefined;
            List<OnnxDimension>? shape = null;
            while (reader.ReadTag(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (OnnxFields.TensorType.ElemType, ProtoReader.WireVarint): elementType = (OnnxElementType)reader.ReadInt32(); break;
                    case (OnnxFields.TensorType.Shape, ProtoReader.WireLengthDelimited): ReadShape(shape ??= []); break;
                    default: reader.SkipField(wire); break;
                }
            }
            reader.LeaveMessage(outer);
            return new TypeInfo(kind, elementType, shape,
                (kind == OnnxValueKind.SparseTensor ? "sparse_tensor(" : "tensor(") + elementType.ToManifestName() + ")");
        }

        private void ReadShape(List<OnnxDimension> dims)
        {
            var outer = reader.EnterMessage("TensorShapeProto");
            while (reader.ReadTag(out var field, out var wire))
            {
                if (field == OnnxFields.Shape.Dim && wire == ProtoReader.WireLengthDelimited)
                    dims.Add(ReadDimension());
                else
                    reader.SkipField(wire);
            }
            reader.LeaveMessage(outer);
        }

        private OnnxDimension ReadDimension()
        {
            var outer = reader.EnterMessage("TensorShapeProto.Dimension");
            var dim = OnnxDimension.Unknown;
            while (reader.ReadTag(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (OnnxFields.Dimension.DimValue, ProtoReader.WireVarint): dim = OnnxDimension.Fixed(reader.ReadInt64()); break;
                    case (OnnxFields.Dimension.DimParam, ProtoReader.WireLengthDelimited): dim = OnnxDimension.Symbolic(reader.ReadString()); break;
                    default: reader.SkipField(wire); break;
                }
            }
            reader.LeaveMessage(outer);
            return dim;
        }
    }
}
