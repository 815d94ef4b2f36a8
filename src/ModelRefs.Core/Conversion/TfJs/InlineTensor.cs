using System.Text.Json;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>A TensorProto in GraphDef JSON form (a Const node's <c>value</c> attribute, when the weights manifest does not hold it).</summary>
internal static class InlineTensor
{
    public static TfConstant Parse(TfNode node, JsonElement tensor)
    {
        var type = tensor.TryGetProperty("dtype", out var dt) ? TfDataTypes.FromGraphDef(dt.GetString()) : TfDataType.Float32;
        var shape = tensor.TryGetProperty("tensorShape", out var ts) ? TfAttr.ParseShape(ts) ?? [] : [];
        var count = (int)shape.Aggregate(1L, (a, d) => a * d);
        if (tensor.TryGetProperty("tensorContent", out var content) && content.ValueKind == JsonValueKind.String)
            return TfConstant.FromBytes(type == TfDataType.Int64 ? TfDataType.Int64 : type, shape, System.Convert.FromBase64String(content.GetString()!));
        string key = type switch
        {
            TfDataType.Float32 => "floatVal",
            TfDataType.Int32 => "intVal",
            TfDataType.Int64 => "int64Val",
            TfDataType.Bool => "boolVal",
            _ => throw TfJsConversionException.ForNode(node, $"inline constants of type {type} are not supported."),
        };
        var values = tensor.TryGetProperty(key, out var list) ? list.EnumerateArray().ToArray() : [];
        // GraphDef repeats the last value to fill the shape (a splat when only one is given).
        JsonElement At(int i) => values.Length == 0 ? default : values[Math.Min(i, values.Length - 1)];
        return type switch
        {
            TfDataType.Float32 => TfConstant.FromFloats(shape, Enumerable.Range(0, count).Select(i => values.Length == 0 ? 0f : TfAttr.ParseFloat(At(i))).ToArray()),
            TfDataType.Int32 => TfConstant.FromInts(shape, Enumerable.Range(0, count).Select(i => values.Length == 0 ? 0 : (int)TfAttr.ParseInt(At(i))).ToArray()),
            TfDataType.Int64 => TfConstant.FromLongs(shape, Enumerable.Range(0, count).Select(i => values.Length == 0 ? 0 : TfAttr.ParseInt(At(i))).ToArray()),
            _ => TfConstant.FromBools(shape, Enumerable.Range(0, count).Select(i => values.Length != 0 && At(i).ValueKind == JsonValueKind.True ? (byte)1 : (byte)0).ToArray()),
        };
    }
}
