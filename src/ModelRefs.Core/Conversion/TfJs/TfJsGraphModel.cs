using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>
/// A TF.js graph model as its <c>model.json</c> describes it: the GraphDef topology in JSON form,
/// the signature, and the weights manifest (shard files and per-weight dtype, shape and
/// quantisation). Reading the model does not read the weight shards; see <see cref="TfJsWeightLoader"/>.
/// </summary>
public sealed class TfJsGraphModel
{
    private TfJsGraphModel(string path, string? format, string? generatedBy, string? convertedBy,
        IReadOnlyList<TfNode> nodes, IReadOnlyList<TfTensorInfo> inputs, IReadOnlyList<TfTensorInfo> outputs,
        IReadOnlyList<TfWeightGroup> weightGroups)
    {
        ModelJsonPath = path;
        Format = format;
        GeneratedBy = generatedBy;
        ConvertedBy = convertedBy;
        Nodes = nodes;
        SignatureInputs = inputs;
        SignatureOutputs = outputs;
        WeightGroups = weightGroups;
    }

    public string ModelJsonPath { get; }
    /// <summary><c>graph-model</c> for the models this converter reads (<c>layers-model</c> is Keras' format).</summary>
    public string? Format { get; }
    public string? GeneratedBy { get; }
    public string? ConvertedBy { get; }
    public IReadOnlyList<TfNode> Nodes { get; }
    /// <summary>
    /// Signature inputs, in the file's order (<c>userDefinedMetadata.signature</c> when present,
    /// else <c>signature</c>, as TF.js reads them); empty when the model has no signature.
    /// </summary>
    public IReadOnlyList<TfTensorInfo> SignatureInputs { get; }
    /// <summary>Signature outputs, in the file's order, from the same signature as <see cref="SignatureInputs"/>; empty when the model has no signature.</summary>
    public IReadOnlyList<TfTensorInfo> SignatureOutputs { get; }
    public IReadOnlyList<TfWeightGroup> WeightGroups { get; }

    public static TfJsGraphModel Load(string modelJsonPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelJsonPath);
        var full = Path.GetFullPath(modelJsonPath);
        JsonDocument doc;
        try
        {
            using var stream = File.OpenRead(full);
            doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TfJsConversionException($"'{full}' is not valid JSON: {e.Message}", inner: e);
        }
        using (doc)
            return Parse(full, doc.RootElement);
    }

    /// <summary>Parses model.json text; <paramref name="path"/> locates the weight shards (relative to its folder).</summary>
    public static TfJsGraphModel Parse(string path, string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        return Parse(Path.GetFullPath(path), doc.RootElement);
    }

    private static TfJsGraphModel Parse(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new TfJsConversionException($"'{path}' is not a TF.js model.json (the root is not an object).");
        var format = GetString(root, "format");
        if (format != null && format != "graph-model")
            throw new TfJsConversionException($"'{path}' is a TF.js '{format}', not a 'graph-model'; only graph models can be converted.");
        if (!root.TryGetProperty("modelTopology", out var topology) || topology.ValueKind != JsonValueKind.Object
            || !topology.TryGetProperty("node", out var nodeArray) || nodeArray.ValueKind != JsonValueKind.Array)
            throw new TfJsConversionException($"'{path}' has no modelTopology.node array; it is not a TF.js graph model.");

        if (topology.TryGetProperty("library", out var library) && library.TryGetProperty("function", out var functions)
            && functions.ValueKind == JsonValueKind.Array && functions.GetArrayLength() > 0)
        {
            // Functions are only reachable through control-flow ops (If/While/PartitionedCall), which fail per node.
        }

        var nodes = new List<TfNode>();
        foreach (var n in nodeArray.EnumerateArray())
        {
            var name = GetString(n, "name") ?? throw new TfJsConversionException($"'{path}': a node has no name.");
            var op = GetString(n, "op") ?? throw new TfJsConversionException($"'{path}': node '{name}' has no op.");
            var inputs = new List<string>();
            if (n.TryGetProperty("input", out var inputArray) && inputArray.ValueKind == JsonValueKind.Array)
                foreach (var i in inputArray.EnumerateArray())
                    inputs.Add(i.GetString() ?? "");
            var attrs = new Dictionary<string, TfAttr>(StringComparer.Ordinal);
            if (n.TryGetProperty("attr", out var attrObject) && attrObject.ValueKind == JsonValueKind.Object)
                foreach (var a in attrObject.EnumerateObject())
                    attrs[a.Name] = new TfAttr(a.Value.Clone());
            nodes.Add(new TfNode(name, op, inputs, attrs));
        }

        var sigInputs = new List<TfTensorInfo>();
        var sigOutputs = new List<TfTensorInfo>();
        // As TF.js' GraphModel does: userDefinedMetadata.signature, when present, replaces signature.
        if ((root.TryGetProperty("userDefinedMetadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("signature", out var signature) && signature.ValueKind == JsonValueKind.Object)
            || (root.TryGetProperty("signature", out signature) && signature.ValueKind == JsonValueKind.Object))
        {
            ReadSignature(signature, "inputs", sigInputs);
            ReadSignature(signature, "outputs", sigOutputs);
        }

        var groups = new List<TfWeightGroup>();
        if (root.TryGetProperty("weightsManifest", out var manifest) && manifest.ValueKind == JsonValueKind.Array)
        {
            foreach (var g in manifest.EnumerateArray())
            {
                var paths = new List<string>();
                if (g.TryGetProperty("paths", out var pathArray))
                    foreach (var p in pathArray.EnumerateArray())
                        paths.Add(p.GetString() ?? "");
                var weights = new List<TfWeightSpec>();
                if (g.TryGetProperty("weights", out var weightArray))
                    foreach (var w in weightArray.EnumerateArray())
                        weights.Add(ReadWeight(path, w));
                groups.Add(new TfWeightGroup(paths, weights));
            }
        }

        return new TfJsGraphModel(path, format, GetString(root, "generatedBy"), GetString(root, "convertedBy"),
            nodes, sigInputs, sigOutputs, groups);
    }

    private static void ReadSignature(JsonElement signature, string key, List<TfTensorInfo> into)
    {
        if (!signature.TryGetProperty(key, out var map) || map.ValueKind != JsonValueKind.Object)
            return;
        foreach (var entry in map.EnumerateObject())
        {
            var name = GetString(entry.Value, "name") ?? entry.Name;
            var dtype = TfDataTypes.FromGraphDef(GetString(entry.Value, "dtype"));
            long[]? shape = null;
            if (entry.Value.TryGetProperty("tensorShape", out var ts))
                shape = TfAttr.ParseShape(ts);
            var info = new TfTensorInfo(entry.Name, name, dtype, shape);
            // A key repeated in the JSON object: TF.js (JSON.parse) keeps the last value at the first key's place.
            var earlier = into.FindIndex(e => e.Key == entry.Name);
            if (earlier >= 0)
                into[earlier] = info;
            else
                into.Add(info);
        }
    }

    private static TfWeightSpec ReadWeight(string path, JsonElement w)
    {
        var name = GetString(w, "name") ?? throw new TfJsConversionException($"'{path}': a weight in weightsManifest has no name.");
        var dtypeName = GetString(w, "dtype") ?? "float32";
        var shape = new List<long>();
        if (w.TryGetProperty("shape", out var shapeArray))
            foreach (var d in shapeArray.EnumerateArray())
                shape.Add(d.GetInt64());
        TfQuantization? q = null;
        if (w.TryGetProperty("quantization", out var qe) && qe.ValueKind == JsonValueKind.Object)
        {
            q = new TfQuantization(
                GetString(qe, "dtype") ?? throw new TfJsConversionException($"'{path}': weight '{name}' has a quantization without dtype."),
                qe.TryGetProperty("scale", out var s) ? s.GetDouble() : null,
                qe.TryGetProperty("min", out var m) ? m.GetDouble() : null,
                GetString(qe, "original_dtype"));
        }
        return new TfWeightSpec(name, dtypeName, shape.ToArray(), q);
    }

    private static string? GetString(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>One GraphDef node: <c>name</c>, <c>op</c>, <c>input</c> (with <c>^control</c> inputs) and <c>attr</c>.</summary>
public sealed class TfNode(string name, string op, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, TfAttr> attrs)
{
    public string Name { get; } = name;
    public string Op { get; } = op;
    /// <summary>All inputs as written, control inputs (<c>^name</c>) included.</summary>
    public IReadOnlyList<string> RawInputs { get; } = inputs;
    /// <summary>Data inputs only (control inputs dropped), as <c>node</c> or <c>node:k</c>.</summary>
    public IReadOnlyList<string> Inputs { get; } = inputs.Where(i => !i.StartsWith('^')).ToArray();
    public IReadOnlyDictionary<string, TfAttr> Attrs { get; } = attrs;

    public TfAttr? Attr(string key) => Attrs.TryGetValue(key, out var a) ? a : null;
    public long GetInt(string key, long fallback) => Attr(key)?.Int ?? fallback;
    public float GetFloat(string key, float fallback) => Attr(key)?.Float ?? fallback;
    public bool GetBool(string key, bool fallback) => Attr(key)?.Bool ?? fallback;
    public string? GetString(string key) => Attr(key)?.String;
    public IReadOnlyList<long> GetInts(string key) => Attr(key)?.Ints ?? [];
    public IReadOnlyList<string> GetStrings(string key) => Attr(key)?.Strings ?? [];
    public TfDataType GetType(string key, TfDataType fallback) => Attr(key)?.Type is { } t and not TfDataType.Invalid ? t : fallback;

    public override string ToString() => $"{Name} ({Op})";
}

/// <summary>An attribute value in GraphDef JSON form: <c>{"i":"1"}</c>, <c>{"f":0.5}</c>, <c>{"b":true}</c>, <c>{"s":"base64"}</c>, <c>{"type":"DT_FLOAT"}</c>, <c>{"shape":…}</c>, <c>{"list":{…}}</c>, <c>{"tensor":…}</c>.</summary>
public sealed class TfAttr(JsonElement value)
{
    public JsonElement Json { get; } = value;

    public long? Int => Json.TryGetProperty("i", out var v) ? ParseInt(v) : null;
    public float? Float => Json.TryGetProperty("f", out var v) ? ParseFloat(v) : null;
    public bool? Bool => Json.TryGetProperty("b", out var v) ? v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && v.GetString() == "true") : null;
    public string? String => Json.TryGetProperty("s", out var v) && v.ValueKind == JsonValueKind.String ? DecodeBase64(v.GetString()!) : null;
    public TfDataType? Type => Json.TryGetProperty("type", out var v) && v.ValueKind == JsonValueKind.String ? TfDataTypes.FromGraphDef(v.GetString()) : null;
    public long[]? Shape => Json.TryGetProperty("shape", out var v) ? ParseShape(v) : null;

    public IReadOnlyList<long>? Ints
        => Json.TryGetProperty("list", out var l) ? (l.TryGetProperty("i", out var a) ? a.EnumerateArray().Select(ParseInt).ToArray() : []) : null;
    public IReadOnlyList<float>? Floats
        => Json.TryGetProperty("list", out var l) ? (l.TryGetProperty("f", out var a) ? a.EnumerateArray().Select(ParseFloat).ToArray() : []) : null;
    public IReadOnlyList<string>? Strings
        => Json.TryGetProperty("list", out var l) ? (l.TryGetProperty("s", out var a) ? a.EnumerateArray().Select(e => DecodeBase64(e.GetString() ?? "")).ToArray() : []) : null;
    public JsonElement? Tensor => Json.TryGetProperty("tensor", out var t) ? t : null;

    internal static long ParseInt(JsonElement v)
        => v.ValueKind == JsonValueKind.String ? long.Parse(v.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture) : v.GetInt64();

    internal static float ParseFloat(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number)
            return (float)v.GetDouble();
        var s = v.GetString() ?? "0";
        return s switch
        {
            "NaN" => float.NaN,
            "Infinity" => float.PositiveInfinity,
            "-Infinity" => float.NegativeInfinity,
            _ => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A TensorShapeProto in JSON: <c>{"dim":[{"size":"1"},…]}</c>; unknown rank gives null; unknown sizes are -1.</summary>
    internal static long[]? ParseShape(JsonElement shape)
    {
        if (shape.TryGetProperty("unknownRank", out var ur) && ur.ValueKind == JsonValueKind.True)
            return null;
        if (!shape.TryGetProperty("dim", out var dims))
            return [];
        return dims.EnumerateArray().Select(d => d.TryGetProperty("size", out var s) ? ParseInt(s) : -1).ToArray();
    }

    private static string DecodeBase64(string s)
    {
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(s)); }
        catch (FormatException) { return s; }
    }
}

/// <summary>A signature entry: its key, tensor name (<c>input:0</c>), dtype and shape (-1 for unknown sizes; null for unknown rank).</summary>
public sealed record TfTensorInfo(string Key, string Name, TfDataType DataType, long[]? Shape);

/// <summary>A weights manifest group: shard files (concatenated in order) and the weights laid out in them.</summary>
public sealed record TfWeightGroup(IReadOnlyList<string> Paths, IReadOnlyList<TfWeightSpec> Weights);

/// <summary>A weight: its name (the Const node it fills), manifest dtype, shape and optional quantisation.</summary>
public sealed record TfWeightSpec(string Name, string DType, long[] Shape, TfQuantization? Quantization);

/// <summary>Quantisation of a weight: <c>uint8</c>/<c>uint16</c> affine (<c>value = q·scale + min</c>) or <c>float16</c>.</summary>
public sealed record TfQuantization(string DType, double? Scale, double? Min, string? OriginalDType);
