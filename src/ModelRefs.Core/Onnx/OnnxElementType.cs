using ModelRefs.Shared.Onnx;

namespace ModelRefs.Core.Onnx;

/// <summary>ONNX tensor element types; the values are ONNX's <c>TensorProto.DataType</c> ids.</summary>
public enum OnnxElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
    Float8E4M3FN = 17,
    Float8E4M3FNUZ = 18,
    Float8E5M2 = 19,
    Float8E5M2FNUZ = 20,
    UInt4 = 21,
    Int4 = 22,
    Float4E2M1 = 23,
    Float8E8M0 = 24,
    UInt2 = 25,
    Int2 = 26,
}

/// <summary>Names and sizes of <see cref="OnnxElementType"/> values, from the table shared with the generator and the runtime.</summary>
public static class OnnxElementTypes
{
    /// <summary>True for the ids this library knows by name (a newer ONNX may define more).</summary>
    public static bool IsKnown(this OnnxElementType type) => OnnxElementTypeTable.ById((int)type) is not null;

    /// <summary>
    /// The manifest spelling: ONNX's <c>TensorProto.DataType</c> name in lower case (<c>float</c>,
    /// <c>uint8</c>, <c>bfloat16</c>, <c>float8e4m3fn</c>…). Ids newer than this library come out as
    /// <c>unknown&lt;id&gt;</c> so that they stay distinct and readable.
    /// </summary>
    public static string ToManifestName(this OnnxElementType type)
        => OnnxElementTypeTable.ById((int)type)?.ManifestName ?? "unknown" + ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses a manifest spelling (case-insensitive), the inverse of <see cref="ToManifestName"/>.</summary>
    public static bool TryParseManifestName(string? name, out OnnxElementType type)
    {
        if (OnnxElementTypeTable.ByManifestName(name, ignoreCase: true) is { } row)
        {
            type = (OnnxElementType)row.Id;
            return true;
        }
        if (name != null && name.StartsWith("unknown", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(name.AsSpan(7), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            type = (OnnxElementType)id;
            return true;
        }
        type = OnnxElementType.Undefined;
        return false;
    }

    /// <summary>
    /// Bits one element takes in <c>raw_data</c> (4 and 2 for the packed sub-byte types); 0 for
    /// <see cref="OnnxElementType.String"/>, <see cref="OnnxElementType.Undefined"/> and unknown ids.
    /// </summary>
    public static int GetSizeInBits(this OnnxElementType type) => OnnxElementTypeTable.ById((int)type)?.Bits ?? 0;

    /// <summary>Bytes that <paramref name="elementCount"/> elements take in <c>raw_data</c> (sub-byte types are packed, rounded up).</summary>
    public static long GetRawDataLength(this OnnxElementType type, long elementCount)
    {
        var bits = type.GetSizeInBits();
        if (bits == 0)
            throw new ArgumentException($"Element type {type.ToManifestName()} has no fixed size in raw_data.", nameof(type));
        return checked(elementCount * bits + 7) / 8;
    }
}
