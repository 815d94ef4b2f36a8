using System.Buffers.Binary;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>
/// Reads a TF.js weights manifest: each group's shard files are concatenated in order and cut
/// into weights in manifest order; quantised weights are dequantised exactly as TF.js does
/// (<c>uint8</c>/<c>uint16</c>: <c>q·scale + min</c> in double precision rounded once to float32,
/// or <c>Math.round</c> for int32 weights; <c>float16</c>: exact widening).
/// </summary>
public static class TfJsWeightLoader
{
    public static IReadOnlyDictionary<string, TfConstant> Load(TfJsGraphModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var folder = Path.GetDirectoryName(model.ModelJsonPath)!;
        var result = new Dictionary<string, TfConstant>(StringComparer.Ordinal);
        foreach (var group in model.WeightGroups)
        {
            var data = ReadShards(folder, group);
            long offset = 0;
            foreach (var spec in group.Weights)
            {
                var count = spec.Shape.Aggregate(1L, (a, d) => a * d);
                if (spec.DType == "string")
                {
                    // Strings: uint32 byte length + bytes per element. Kept out of the result: no supported op uses them.
                    for (long i = 0; i < count; i++)
                    {
                        Need(data, offset, 4, spec);
                        var len = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset, 4));
                        offset += 4 + len;
                    }
                    continue;
                }
                var q = spec.Quantization;
                var byteSize = q == null ? ElementSize(spec) : QuantizedSize(spec, q);
                var length = checked(count * byteSize);
                Need(data, offset, length, spec);
                var bytes = data.AsSpan((int)offset, (int)length);
                result[spec.Name] = q == null
                    ? TfConstant.FromBytes(TfDataTypes.FromManifest(spec.DType), spec.Shape, bytes)
                    : Dequantize(spec, q, bytes, count);
                offset += length;
            }
        }
        return result;
    }

    private static byte[] ReadShards(string folder, TfWeightGroup group)
    {
        using var buffer = new MemoryStream();
        foreach (var path in group.Paths)
        {
            var full = Path.GetFullPath(Path.Combine(folder, path));
            if (!full.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new TfJsConversionException($"Weight shard path '{path}' points outside the model's folder.");
            if (!File.Exists(full))
                throw new TfJsConversionException($"Weight shard '{path}' listed in the weights manifest is missing (looked for '{full}').");
            using var f = File.OpenRead(full);
            f.CopyTo(buffer);
        }
        return buffer.ToArray();
    }

    private static void Need(byte[] data, long offset, long length, TfWeightSpec spec)
    {
        if (offset + length > data.Length)
            throw new TfJsConversionException(
                $"Weight '{spec.Name}' needs bytes {offset}..{offset + length} but its shards hold only {data.Length} bytes; the weight shards do not match model.json.");
    }

    private static int ElementSize(TfWeightSpec spec) => spec.DType switch
    {
        "float32" or "int32" => 4,
        "bool" => 1,
        _ => throw new TfJsConversionException($"Weight '{spec.Name}' has dtype '{spec.DType}', which the converter does not support."),
    };

    private static int QuantizedSize(TfWeightSpec spec, TfQuantization q) => q.DType switch
    {
        "uint8" => 1,
        "uint16" or "float16" => 2,
        _ => throw new TfJsConversionException($"Weight '{spec.Name}' is quantised as '{q.DType}'; supported quantisations are uint8, uint16 and float16."),
    };

    private static TfConstant Dequantize(TfWeightSpec spec, TfQuantization q, ReadOnlySpan<byte> bytes, long count)
    {
        var n = (int)count;
        if (q.DType == "float16")
        {
            if (spec.DType != "float32")
                throw new TfJsConversionException($"Weight '{spec.Name}' is float16-quantised but has dtype '{spec.DType}' (only float32 can be).");
            var values = new float[n];
            for (var i = 0; i < n; i++)
                values[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2)));
            return TfConstant.FromFloats(spec.Shape, values).AsHalfExact();
        }
        if (q.Scale is not { } scale || q.Min is not { } min)
            throw new TfJsConversionException($"Weight '{spec.Name}' is quantised as {q.DType} without scale and min.");
        var quanta = new double[n];
        for (var i = 0; i < n; i++)
            quanta[i] = q.DType == "uint16" ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2)) : bytes[i];
        switch (spec.DType)
        {
            case "float32":
            {
                var values = new float[n];
                for (var i = 0; i < n; i++)
                    values[i] = (float)(quanta[i] * scale + min);
                return TfConstant.FromFloats(spec.Shape, values);
            }
            case "int32":
            {
                var values = new int[n];
                for (var i = 0; i < n; i++)
                    values[i] = (int)Math.Floor(quanta[i] * scale + min + 0.5); // JavaScript Math.round
                return TfConstant.FromInts(spec.Shape, values);
            }
            default:
                throw new TfJsConversionException($"Weight '{spec.Name}' of dtype '{spec.DType}' cannot be {q.DType}-quantised.");
        }
    }
}
