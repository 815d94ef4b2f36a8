using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.SavedModel;

/// <summary>One input or output of a signature (a TensorInfo).</summary>
/// <param name="Key">The signature's key for it (<c>input</c>, <c>output_0</c>).</param>
/// <param name="TensorName">The graph tensor (<c>serving_default_input:0</c>).</param>
/// <param name="DType">TensorFlow's name for the element type (<c>float32</c>, <c>int32</c>, …).</param>
/// <param name="Shape">Dimensions, -1 for unknown; null when the rank is unknown.</param>
public sealed record SavedModelTensor(string Key, string TensorName, string DType, IReadOnlyList<long>? Shape)
{
    public override string ToString() =>
        $"{Key} ({TensorName}) {DType} {(Shape is null ? "[unknown rank]" : "[" + string.Join(",", Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]")}";
}

/// <summary>A SignatureDef of a MetaGraph.</summary>
public sealed record SavedModelSignature(string Key, string MethodName, IReadOnlyList<SavedModelTensor> Inputs, IReadOnlyList<SavedModelTensor> Outputs)
{
    /// <summary>Several lines: the signature's inputs and outputs, for messages and docs.</summary>
    public string Describe() =>
        $"signature '{Key}': inputs {string.Join("; ", Inputs)} → outputs {string.Join("; ", Outputs)}";
}

/// <summary>What <see cref="SavedModelReader"/> read from saved_model.pb.</summary>
public sealed record SavedModelInfo(long SchemaVersion, IReadOnlyList<IReadOnlyList<string>> MetaGraphTags, IReadOnlyList<SavedModelSignature> Signatures)
{
    public const string ServingKey = "serving_default";

    /// <summary><c>serving_default</c>, else the only signature, else null.</summary>
    public SavedModelSignature? Serving =>
        Signatures.FirstOrDefault(s => s.Key == ServingKey) ?? (Signatures.Count == 1 ? Signatures[0] : null);
}

/// <summary>
/// Reads the signatures of a TensorFlow SavedModel from <c>saved_model.pb</c> with the same
/// streaming protobuf reader as the ONNX signature reader: the GraphDef, the object graph and every
/// other large payload are skipped by seeking, never read. Fields (tensorflow/core/protobuf):
/// SavedModel{1 schema version, 2 meta_graphs}; MetaGraphDef{1 meta_info_def{4 tags}, 5 signature_def
/// map}; SignatureDef{1 inputs map, 2 outputs map, 3 method_name}; TensorInfo{1 name, 2 dtype,
/// 3 tensor_shape{2 dim{1 size}, 3 unknown_rank}}.
/// </summary>
public static class SavedModelReader
{
    /// <summary>Throws <see cref="OnnxFormatException"/> (its offset and problem) when the file is not a readable SavedModel.</summary>
    public static SavedModelInfo Read(string savedModelPbPath)
    {
        using var stream = new FileStream(savedModelPbPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        var reader = new ProtoReader(stream, savedModelPbPath, "SavedModel");
        long schema = 0;
        var tags = new List<IReadOnlyList<string>>();
        var signatures = new List<SavedModelSignature>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == ProtoReader.WireVarint)
                schema = reader.ReadInt64();
            else if (field == 2 && wire == ProtoReader.WireLengthDelimited)
            {
                var outer = reader.EnterMessage("MetaGraphDef");
                var metaTags = new List<string>();
                while (reader.ReadTag(out var f, out var w))
                {
                    if (f == 1 && w == ProtoReader.WireLengthDelimited)
                    {
                        var info = reader.EnterMessage("MetaInfoDef");
                        while (reader.ReadTag(out var fi, out var wi))
                        {
                            if (fi == 4 && wi == ProtoReader.WireLengthDelimited)
                                metaTags.Add(reader.ReadString());
                            else
                                reader.SkipField(wi);
                        }
                        reader.LeaveMessage(info);
                    }
                    else if (f == 5 && w == ProtoReader.WireLengthDelimited)
                    {
                        var signature = ReadSignatureEntry(reader);
                        // The first meta graph (tagged "serve" in exported models) wins a key clash.
                        if (seen.Add(signature.Key))
                            signatures.Add(signature);
                    }
                    else
                        reader.SkipField(w);
                }
                reader.LeaveMessage(outer);
                tags.Add(metaTags);
            }
            else
                reader.SkipField(wire);
        }
        if (tags.Count == 0)
            throw reader.Error("no MetaGraphDef (is this a saved_model.pb?)", 0);
        return new SavedModelInfo(schema, tags, signatures);
    }

    private static SavedModelSignature ReadSignatureEntry(ProtoReader reader)
    {
        var outer = reader.EnterMessage("signature_def entry");
        var key = "";
        SavedModelSignature? value = null;
        while (reader.ReadTag(out var f, out var w))
        {
            if (f == 1 && w == ProtoReader.WireLengthDelimited)
                key = reader.ReadString();
            else if (f == 2 && w == ProtoReader.WireLengthDelimited)
                value = ReadSignature(reader);
            else
                reader.SkipField(w);
        }
        reader.LeaveMessage(outer);
        return (value ?? new SavedModelSignature("", "", [], [])) with { Key = key };
    }

    private static SavedModelSignature ReadSignature(ProtoReader reader)
    {
        var outer = reader.EnterMessage("SignatureDef");
        var inputs = new List<SavedModelTensor>();
        var outputs = new List<SavedModelTensor>();
        var method = "";
        while (reader.ReadTag(out var f, out var w))
        {
            if (f is 1 or 2 && w == ProtoReader.WireLengthDelimited)
                (f == 1 ? inputs : outputs).Add(ReadTensorEntry(reader));
            else if (f == 3 && w == ProtoReader.WireLengthDelimited)
                method = reader.ReadString();
            else
                reader.SkipField(w);
        }
        reader.LeaveMessage(outer);
        // Protobuf maps have no order; sort by key as TF's tools print them.
        inputs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        outputs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new SavedModelSignature("", method, inputs, outputs);
    }

    private static SavedModelTensor ReadTensorEntry(ProtoReader reader)
    {
        var outer = reader.EnterMessage("TensorInfo entry");
        var key = "";
        var tensor = new SavedModelTensor("", "", "invalid", null);
        while (reader.ReadTag(out var f, out var w))
        {
            if (f == 1 && w == ProtoReader.WireLengthDelimited)
                key = reader.ReadString();
            else if (f == 2 && w == ProtoReader.WireLengthDelimited)
                tensor = ReadTensorInfo(reader);
            else
                reader.SkipField(w);
        }
        reader.LeaveMessage(outer);
        return tensor with { Key = key };
    }

    private static SavedModelTensor ReadTensorInfo(ProtoReader reader)
    {
        var outer = reader.EnterMessage("TensorInfo");
        var name = "";
        var dtype = 0;
        var dims = new List<long>();
        var hasShape = false;
        var unknownRank = false;
        while (reader.ReadTag(out var f, out var w))
        {
            if (f == 1 && w == ProtoReader.WireLengthDelimited)
                name = reader.ReadString();
            else if (f == 2 && w == ProtoReader.WireVarint)
                dtype = reader.ReadInt32();
            else if (f == 3 && w == ProtoReader.WireLengthDelimited)
            {
                hasShape = true;
                var shapeLimit = reader.EnterMessage("TensorShapeProto");
                while (reader.ReadTag(out var fs, out var ws))
                {
                    if (fs == 2 && ws == ProtoReader.WireLengthDelimited)
                    {
                        var dimLimit = reader.EnterMessage("Dim");
                        long size = 0;
                        while (reader.ReadTag(out var fd, out var wd))
                        {
                            if (fd == 1 && wd == ProtoReader.WireVarint)
                                size = reader.ReadInt64();
                            else
                                reader.SkipField(wd);
                        }
                        reader.LeaveMessage(dimLimit);
                        dims.Add(size);
                    }
                    else if (fs == 3 && ws == ProtoReader.WireVarint)
                        unknownRank = reader.ReadVarint() != 0;
                    else
                        reader.SkipField(ws);
                }
                reader.LeaveMessage(shapeLimit);
            }
            else
                reader.SkipField(w);
        }
        reader.LeaveMessage(outer);
        return new SavedModelTensor("", name, DTypeName(dtype), hasShape && !unknownRank ? dims : null);
    }

    /// <summary>TensorFlow's DataType enum (types.proto) as the Python names.</summary>
    public static string DTypeName(int dtype) => dtype switch
    {
        1 => "float32",
        2 => "float64",
        3 => "int32",
        4 => "uint8",
        5 => "int16",
        6 => "int8",
        7 => "string",
        8 => "complex64",
        9 => "int64",
        10 => "bool",
        14 => "bfloat16",
        17 => "uint16",
        18 => "complex128",
        19 => "float16",
        20 => "resource",
        21 => "variant",
        22 => "uint32",
        23 => "uint64",
        _ => "dtype " + dtype.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
