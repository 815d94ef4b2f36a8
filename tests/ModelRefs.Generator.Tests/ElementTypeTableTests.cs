using ModelRefs.Core.Onnx;
using ModelRefs.Generator.Model;
using ModelRefs.Runtime;
using ModelRefs.Shared.Onnx;

namespace ModelRefs.Generator.Tests;

/// <summary>
/// The one table of ONNX element types (src/Shared/Onnx) agrees with Core's and the runtime's
/// enums, and the generator supports exactly the runtime's kinds.
/// </summary>
public class ElementTypeTableTests
{
    [Fact]
    public void Rows_are_indexed_by_id_and_name_Cores_enum_members()
    {
        for (int id = 0; id < OnnxElementTypeTable.Rows.Count; id++)
        {
            OnnxElementTypeRow row = OnnxElementTypeTable.Rows[id];
            Assert.Equal(id, row.Id);
            Assert.Equal(Enum.GetName((OnnxElementType)id), row.EnumName);
            Assert.Equal(row.ManifestName, ((OnnxElementType)id).ToManifestName());
        }

        Assert.Equal(Enum.GetValues<OnnxElementType>().Length, OnnxElementTypeTable.Rows.Count);
    }

    [Fact]
    public void The_supported_rows_are_the_runtimes_kinds_and_the_generators_types()
    {
        var supported = OnnxElementTypeTable.Rows.Where(r => r.IsSupported).ToList();
        Assert.Equal(Enum.GetValues<TensorElementKind>().Select(k => (int)k), supported.Select(r => r.Id));
        foreach (OnnxElementTypeRow row in supported)
        {
            Assert.Equal(Enum.GetName((TensorElementKind)row.Id), row.EnumName);
            Assert.True(ElementTypes.TryGet(row.ManifestName, out ElementType type), row.ManifestName);
            Assert.Equal(row.EnumName, type.RuntimeKind);
        }

        Assert.All(OnnxElementTypeTable.Rows.Where(r => !r.IsSupported), r => Assert.False(ElementTypes.TryGet(r.ManifestName, out _), r.ManifestName));
    }

    [Theory]
    [InlineData("float", "float", typeof(float))]
    [InlineData("uint8", "byte", typeof(byte))]
    [InlineData("int8", "sbyte", typeof(sbyte))]
    [InlineData("uint16", "ushort", typeof(ushort))]
    [InlineData("int16", "short", typeof(short))]
    [InlineData("int32", "int", typeof(int))]
    [InlineData("int64", "long", typeof(long))]
    [InlineData("string", "string", typeof(string))]
    [InlineData("bool", "bool", typeof(bool))]
    [InlineData("float16", "global::System.Half", typeof(Half))]
    [InlineData("double", "double", typeof(double))]
    [InlineData("uint32", "uint", typeof(uint))]
    [InlineData("uint64", "ulong", typeof(ulong))]
    [InlineData("bfloat16", "global::Microsoft.ML.OnnxRuntime.BFloat16", typeof(Microsoft.ML.OnnxRuntime.BFloat16))]
    public void Generated_code_names_the_clr_type_of_each_supported_row(string manifestName, string csharp, Type clrType)
    {
        OnnxElementTypeRow row = OnnxElementTypeTable.ByManifestName(manifestName)!;
        Assert.Equal(clrType.FullName, row.ClrTypeName);
        Assert.Equal(csharp, ElementTypes.Get(manifestName).CSharpType);
    }
}
