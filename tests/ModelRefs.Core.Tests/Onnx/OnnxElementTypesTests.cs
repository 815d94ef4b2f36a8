using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Tests.Onnx;

public class OnnxElementTypesTests
{
    [Theory]
    [InlineData(OnnxElementType.Undefined, 0, "undefined")]
    [InlineData(OnnxElementType.Float, 1, "float")]
    [InlineData(OnnxElementType.UInt8, 2, "uint8")]
    [InlineData(OnnxElementType.Int8, 3, "int8")]
    [InlineData(OnnxElementType.UInt16, 4, "uint16")]
    [InlineData(OnnxElementType.Int16, 5, "int16")]
    [InlineData(OnnxElementType.Int32, 6, "int32")]
    [InlineData(OnnxElementType.Int64, 7, "int64")]
    [InlineData(OnnxElementType.String, 8, "string")]
    [InlineData(OnnxElementType.Bool, 9, "bool")]
    [InlineData(OnnxElementType.Float16, 10, "float16")]
    [InlineData(OnnxElementType.Double, 11, "double")]
    [InlineData(OnnxElementType.UInt32, 12, "uint32")]
    [InlineData(OnnxElementType.UInt64, 13, "uint64")]
    [InlineData(OnnxElementType.Complex64, 14, "complex64")]
    [InlineData(OnnxElementType.Complex128, 15, "complex128")]
    [InlineData(OnnxElementType.BFloat16, 16, "bfloat16")]
    [InlineData(OnnxElementType.Float8E4M3FN, 17, "float8e4m3fn")]
    [InlineData(OnnxElementType.Float8E4M3FNUZ, 18, "float8e4m3fnuz")]
    [InlineData(OnnxElementType.Float8E5M2, 19, "float8e5m2")]
    [InlineData(OnnxElementType.Float8E5M2FNUZ, 20, "float8e5m2fnuz")]
    [InlineData(OnnxElementType.UInt4, 21, "uint4")]
    [InlineData(OnnxElementType.Int4, 22, "int4")]
    [InlineData(OnnxElementType.Float4E2M1, 23, "float4e2m1")]
    [InlineData(OnnxElementType.Float8E8M0, 24, "float8e8m0")]
    [InlineData(OnnxElementType.UInt2, 25, "uint2")]
    [InlineData(OnnxElementType.Int2, 26, "int2")]
    public void Ids_AndManifestNames_AreOnnxs(OnnxElementType type, int id, string name)
    {
        Assert.Equal(id, (int)type);
        Assert.Equal(name, type.ToManifestName());
        Assert.True(OnnxElementTypes.TryParseManifestName(name, out var parsed));
        Assert.Equal(type, parsed);
        Assert.True(OnnxElementTypes.TryParseManifestName(name.ToUpperInvariant(), out parsed));
        Assert.Equal(type, parsed);
    }

    [Fact]
    public void EveryEnumValue_HasAName() =>
        Assert.All(Enum.GetValues<OnnxElementType>(), t => Assert.DoesNotContain("unknown", t.ToManifestName()));

    [Fact]
    public void UnknownIds_RoundTripThroughTheirName()
    {
        Assert.Equal("unknown40", ((OnnxElementType)40).ToManifestName());
        Assert.True(OnnxElementTypes.TryParseManifestName("unknown40", out var t));
        Assert.Equal(40, (int)t);
        Assert.False(OnnxElementTypes.TryParseManifestName("float32", out _));
        Assert.False(OnnxElementTypes.TryParseManifestName(null, out _));
    }

    [Theory]
    [InlineData(OnnxElementType.Float, 10, 40)]
    [InlineData(OnnxElementType.Bool, 3, 3)]
    [InlineData(OnnxElementType.Complex128, 1, 16)]
    [InlineData(OnnxElementType.Int4, 3, 2)]
    [InlineData(OnnxElementType.UInt2, 5, 2)]
    [InlineData(OnnxElementType.Float8E4M3FN, 7, 7)]
    public void RawDataLength_PacksSubByteTypes(OnnxElementType type, long count, long bytes)
        => Assert.Equal(bytes, type.GetRawDataLength(count));

    [Fact]
    public void Strings_HaveNoRawSize() => Assert.Throws<ArgumentException>(() => OnnxElementType.String.GetRawDataLength(1));
}

public class OnnxValueKindsTests
{
    [Theory]
    [InlineData(OnnxValueKind.Tensor, "tensor")]
    [InlineData(OnnxValueKind.Sequence, "sequence")]
    [InlineData(OnnxValueKind.Map, "map")]
    [InlineData(OnnxValueKind.Optional, "optional")]
    [InlineData(OnnxValueKind.SparseTensor, "sparse_tensor")]
    [InlineData(OnnxValueKind.Unknown, "unknown")]
    public void ManifestNames(OnnxValueKind kind, string name) => Assert.Equal(name, kind.ToManifestName());
}
