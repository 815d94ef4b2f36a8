using Microsoft.ML.OnnxRuntime.Tensors;
using ModelRefs.Shared.Onnx;

namespace ModelRefs.Runtime;

/// <summary>Names and .NET types of <see cref="TensorElementKind"/> values, from the table shared with restore and the generator.</summary>
internal static class ElementTypes
{
    public static string OnnxName(TensorElementKind kind) => Row(kind)?.ManifestName ?? kind.ToString();

    /// <summary>The C# type that carries a kind, for messages.</summary>
    public static string ClrName(TensorElementKind kind) => Row(kind)?.CSharpDisplayName ?? kind.ToString();

    // ONNX ids and ORT's enum agree by design.
    public static TensorElementType ToOrt(TensorElementKind kind) => (TensorElementType)(int)kind;

    public static TensorElementKind? FromOrt(TensorElementType type) =>
        Enum.IsDefined(typeof(TensorElementKind), (int)type) ? (TensorElementKind)(int)type : null;

    /// <summary>The kind whose elements are <paramref name="type"/>, or null when no supported kind is.</summary>
    public static TensorElementKind? Of(Type type)
    {
        foreach (var row in OnnxElementTypeTable.Rows)
        {
            if (row.ClrTypeName == type.FullName && Enum.IsDefined(typeof(TensorElementKind), row.Id))
                return (TensorElementKind)row.Id;
        }
        return null;
    }

    private static OnnxElementTypeRow? Row(TensorElementKind kind) =>
        Enum.IsDefined(kind) ? OnnxElementTypeTable.ById((int)kind) : null;
}

/// <summary>The kind of <typeparamref name="T"/>, computed once per type so hot paths do no type tests.</summary>
internal static class ElementKindOf<T>
{
    public static readonly TensorElementKind? Value = ElementTypes.Of(typeof(T));
}
