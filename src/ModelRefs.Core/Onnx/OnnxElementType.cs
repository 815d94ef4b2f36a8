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

/// <summary>Names and sizes of <see cref="OnnxElementType"/> values.</summary>
public static class OnnxElementTypes
{
    // Indexed by id; the manifest spelling is ONNX's enum name in lower case (docs/design/manifest.md).
    private static readonly string[] Names =
    [
        "undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool",
        "float16", "double", "uint32", "uint64", "complex64", "complex128", "bfloat16",
        "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1",
        "float8e8m0", "uint2", "int2",
    ];

    private static readonly int[] Bits =
    [
        0, 32, 8, 8, 16, 16, 32, 64, 0, 8,
        16, 64, 32, 64, 64, 128, 16,
        8, 8, 8, 8, 4, 4, 4,
        8, 2, 2,
    ];

    /// <summary>True for the ids this library knows by name (a newer ONNX may define more).</summary>
    public static bool IsKnown(this OnnxElementType type) => (int)type >= 0 && (int)type < Names.Length;

    /// <summary>
    /// The manifest spelling: ONNX's <c>TensorProto.DataType</c> name in lower case (<c>float</c>,
    /// <c>uint8</c>, <c>bfloat16</c>, <c>float8e4m3fn</c>…). Ids newer than this library come out as
    /// <c>unknown&lt;id&gt;</c> so that they stay distinct and readable.
    /// </summary>
    public static string ToManifestName(this OnnxElementType type)
        => type.IsKnown() ? Names[(int)type] : "unknown" + ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses a manifest spelling (case-insensitive), the inverse of <see cref="ToManifestName"/>.</summary>
    public static bool TryParseManifestName(string? name, out OnnxElementType type)
    {
        if (name != null)
        {
            for (var i = 0; i < Names.Length; i++)
            {
                if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    type = (OnnxElementType)i;
                    return true;
                }
            }
            if (name.StartsWith("unknown", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(name.AsSpan(7), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                type = (OnnxElementType)id;
                return true;
            }
        }
        type = OnnxElementType.Undefined;
        return false;
    }

    /// <summary>
    /// Bits one element takes in <c>raw_data</c> (4 and 2 for the packed sub-byte types); 0 for
    /// <see cref="OnnxElementType.String"/>, <see cref="OnnxElementType.Undefined"/> and unknown ids.
    /// </summary>
    public static int GetSizeInBits(this OnnxElementType type) => type.IsKnown() ? Bits[(int)type] : 0;

    /// <summary>Bytes that <paramref name="elementCount"/> elements take in <c>raw_data</c> (sub-byte types are packed, rounded up).</summary>
    public static long GetRawDataLength(this OnnxElementType type, long elementCount)
    {
        var bits = type.GetSizeInBits();
        if (bits == 0)
            throw new ArgumentException($"Element type {type.ToManifestName()} has no fixed size in raw_data.", nameof(type));
        return checked(elementCount * bits + 7) / 8;
    }
}
