using System.Text;
using System.Text.Json.Nodes;

namespace ModelRefs.Conversion.Tests.TfJs;

/// <summary>
/// Writes small TF.js graph models (model.json in GraphDef JSON form + weight shards) for
/// operator-level tests. Weights go to the manifest, optionally quantised; the shard is split in
/// two files to exercise shard concatenation.
/// </summary>
public sealed class TfJsModelWriter
{
    private readonly JsonArray _nodes = [];
    private readonly JsonArray _weights = [];
    private readonly MemoryStream _data = new();
    private readonly List<string> _outputs = [];
    private int _seed = 1;

    // ---- attributes ----
    public static JsonNode I(long v) => new JsonObject { ["i"] = v.ToString(System.Globalization.CultureInfo.InvariantCulture) };
    public static JsonNode F(float v) => new JsonObject { ["f"] = v };
    public static JsonNode B(bool v) => new JsonObject { ["b"] = v };
    public static JsonNode S(string v) => new JsonObject { ["s"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v)) };
    public static JsonNode T(string dtype) => new JsonObject { ["type"] = dtype };
    public static JsonNode Ints(params long[] v) => new JsonObject { ["list"] = new JsonObject { ["i"] = new JsonArray(v.Select(x => (JsonNode)x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()) } };
    public static JsonNode Strs(params string[] v) => new JsonObject { ["list"] = new JsonObject { ["s"] = new JsonArray(v.Select(x => (JsonNode)Convert.ToBase64String(Encoding.UTF8.GetBytes(x))).ToArray()) } };

    public string Placeholder(string name, string dtype, params long[] shape)
    {
        _nodes.Add(new JsonObject
        {
            ["name"] = name, ["op"] = "Placeholder",
            ["attr"] = new JsonObject
            {
                ["dtype"] = T(dtype),
                ["shape"] = new JsonObject { ["shape"] = new JsonObject { ["dim"] = new JsonArray(shape.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray()) } },
            },
        });
        return name;
    }

    /// <summary>A float32 weight; <paramref name="quantization"/> is null, "uint8", "uint16" or "float16".</summary>
    public string Const(string name, float[] values, long[] shape, string? quantization = null)
    {
        var spec = new JsonObject { ["name"] = name, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()), ["dtype"] = "float32" };
        switch (quantization)
        {
            case null:
                foreach (var v in values)
                    _data.Write(BitConverter.GetBytes(v));
                break;
            case "float16":
                foreach (var v in values)
                    _data.Write(BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)v)));
                spec["quantization"] = new JsonObject { ["dtype"] = "float16", ["original_dtype"] = "float32" };
                break;
            default:
            {
                var levels = quantization == "uint8" ? 255.0 : 65535.0;
                double min = values.Min(), max = values.Max();
                var scale = (max - min) / levels;
                foreach (var v in values)
                {
                    var q = (int)Math.Round((v - min) / scale);
                    if (quantization == "uint8") _data.WriteByte((byte)q);
                    else _data.Write(BitConverter.GetBytes((ushort)q));
                }
                spec["quantization"] = new JsonObject { ["dtype"] = quantization, ["scale"] = scale, ["min"] = min, ["original_dtype"] = "float32" };
                break;
            }
        }
        _weights.Add(spec);
        AddConstNode(name, "DT_FLOAT", shape);
        return name;
    }

    public string Const(string name, params float[] values) => Const(name, values, [values.Length]);

    public string Random(string name, long[] shape, string? quantization = null, float min = -1, float max = 1)
        => Const(name, TfJsReference.RandomFloats(_seed++, shape.Aggregate(1L, (a, d) => a * d), min, max), shape, quantization);

    public string IntConst(string name, int[] values, long[] shape)
    {
        foreach (var v in values)
            _data.Write(BitConverter.GetBytes(v));
        _weights.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()), ["dtype"] = "int32" });
        AddConstNode(name, "DT_INT32", shape);
        return name;
    }

    public string BoolScalar(string name, bool value)
    {
        _data.WriteByte(value ? (byte)1 : (byte)0);
        _weights.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray(), ["dtype"] = "bool" });
        AddConstNode(name, "DT_BOOL", []);
        return name;
    }

    public string Ints1(string name, params int[] values) => IntConst(name, values, [values.Length]);
    public string IntScalar(string name, int value) => IntConst(name, [value], []);

    private void AddConstNode(string name, string dtype, long[] shape)
        => _nodes.Add(new JsonObject
        {
            ["name"] = name, ["op"] = "Const",
            ["attr"] = new JsonObject
            {
                ["dtype"] = T(dtype),
                ["value"] = new JsonObject { ["tensor"] = new JsonObject { ["dtype"] = dtype, ["tensorShape"] = new JsonObject { ["dim"] = new JsonArray(shape.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray()) } } },
            },
        });

    /// <summary>Adds a node; attrs are name/value pairs built with <see cref="I"/>, <see cref="F"/>….</summary>
    public string Op(string op, string name, string[] inputs, params (string key, JsonNode value)[] attrs)
    {
        var a = new JsonObject();
        foreach (var (k, v) in attrs)
            a[k] = v.Parent == null ? v : v.DeepClone();
        if (!a.ContainsKey("T"))
            a["T"] = T("DT_FLOAT");
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = op, ["input"] = new JsonArray(inputs.Select(i => (JsonNode)i).ToArray()), ["attr"] = a });
        return name;
    }

    /// <summary>Declares the model's outputs (a signature); without it the leaves are the outputs.</summary>
    public TfJsModelWriter Outputs(params string[] names)
    {
        _outputs.AddRange(names);
        return this;
    }

    private readonly List<(string Key, string Tensor)> _signatureInputs = [];
    private readonly List<(string Key, string Tensor)> _signatureOutputs = [];

    /// <summary>A signature input entry: key → tensor (<c>x:0</c>), as TF.js' converter writes them.</summary>
    public TfJsModelWriter SignatureInput(string key, string tensor)
    {
        _signatureInputs.Add((key, tensor));
        return this;
    }

    /// <summary>A signature output entry: key → tensor (<c>y:0</c>). Written in this order; with <see cref="Outputs"/> after them.</summary>
    public TfJsModelWriter SignatureOutput(string key, string tensor)
    {
        _signatureOutputs.Add((key, tensor));
        return this;
    }

    /// <summary>Writes the signature under <c>userDefinedMetadata.signature</c> (as some converters do) instead of <c>signature</c>.</summary>
    public bool SignatureInUserDefinedMetadata { get; set; }

    public string Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var bytes = _data.ToArray();
        var half = bytes.Length / 2;
        File.WriteAllBytes(Path.Combine(folder, "group1-shard1of2.bin"), bytes[..half]);
        File.WriteAllBytes(Path.Combine(folder, "group1-shard2of2.bin"), bytes[half..]);
        var root = new JsonObject
        {
            ["format"] = "graph-model",
            ["generatedBy"] = "ModelRefs tests",
            ["convertedBy"] = "TfJsModelWriter",
            ["modelTopology"] = new JsonObject { ["node"] = _nodes.DeepClone(), ["library"] = new JsonObject(), ["versions"] = new JsonObject() },
            ["weightsManifest"] = new JsonArray(new JsonObject
            {
                ["paths"] = new JsonArray("group1-shard1of2.bin", "group1-shard2of2.bin"),
                ["weights"] = _weights.DeepClone(),
            }),
        };
        if (_outputs.Count > 0 || _signatureInputs.Count > 0 || _signatureOutputs.Count > 0)
        {
            var outs = new JsonObject();
            foreach (var (key, tensor) in _signatureOutputs)
                outs[key] = new JsonObject { ["name"] = tensor };
            foreach (var o in _outputs)
                outs[o] = new JsonObject { ["name"] = o.Contains(':') ? o : o + ":0" };
            var signature = new JsonObject { ["outputs"] = outs };
            if (_signatureInputs.Count > 0)
            {
                var ins = new JsonObject();
                foreach (var (key, tensor) in _signatureInputs)
                    ins[key] = new JsonObject { ["name"] = tensor };
                signature["inputs"] = ins;
            }
            if (SignatureInUserDefinedMetadata)
                root["userDefinedMetadata"] = new JsonObject { ["signature"] = signature };
            else
                root["signature"] = signature;
        }
        var path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }
}
