using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ModelRefs.Runtime;

internal static class ElementTypes
{
    public static string OnnxName(TensorElementKind kind) => kind switch
    {
        TensorElementKind.Float => "float",
        TensorElementKind.UInt8 => "uint8",
        TensorElementKind.Int8 => "int8",
        TensorElementKind.UInt16 => "uint16",
        TensorElementKind.Int16 => "int16",
        TensorElementKind.Int32 => "int32",
        TensorElementKind.Int64 => "int64",
        TensorElementKind.String => "string",
        TensorElementKind.Bool => "bool",
        TensorElementKind.Float16 => "float16",
        TensorElementKind.Double => "double",
        TensorElementKind.UInt32 => "uint32",
        TensorElementKind.UInt64 => "uint64",
        TensorElementKind.BFloat16 => "bfloat16",
        _ => kind.ToString(),
    };

    /// <summary>The C# type that carries a kind, for messages.</summary>
    public static string ClrName(TensorElementKind kind) => kind switch
    {
        TensorElementKind.Float => "float",
        TensorElementKind.UInt8 => "byte",
        TensorElementKind.Int8 => "sbyte",
        TensorElementKind.UInt16 => "ushort",
        TensorElementKind.Int16 => "short",
        TensorElementKind.Int32 => "int",
        TensorElementKind.Int64 => "long",
        TensorElementKind.String => "string",
        TensorElementKind.Bool => "bool",
        TensorElementKind.Float16 => "System.Half",
        TensorElementKind.Double => "double",
        TensorElementKind.UInt32 => "uint",
        TensorElementKind.UInt64 => "ulong",
        TensorElementKind.BFloat16 => "Microsoft.ML.OnnxRuntime.BFloat16",
        _ => kind.ToString(),
    };

    // ONNX ids and ORT's enum agree by design.
    public static TensorElementType ToOrt(TensorElementKind kind) => (TensorElementType)(int)kind;

    public static TensorElementKind? FromOrt(TensorElementType type) =>
        Enum.IsDefined(typeof(TensorElementKind), (int)type) ? (TensorElementKind)(int)type : null;

    public static TensorElementKind? Of(Type type) =>
        type == typeof(float) ? TensorElementKind.Float :
        type == typeof(byte) ? TensorElementKind.UInt8 :
        type == typeof(sbyte) ? TensorElementKind.Int8 :
        type == typeof(ushort) ? TensorElementKind.UInt16 :
        type == typeof(short) ? TensorElementKind.Int16 :
        type == typeof(int) ? TensorElementKind.Int32 :
        type == typeof(long) ? TensorElementKind.Int64 :
        type == typeof(string) ? TensorElementKind.String :
        type == typeof(bool) ? TensorElementKind.Bool :
        type == typeof(Half) ? TensorElementKind.Float16 :
        type == typeof(double) ? TensorElementKind.Double :
        type == typeof(uint) ? TensorElementKind.UInt32 :
        type == typeof(ulong) ? TensorElementKind.UInt64 :
        type == typeof(BFloat16) ? TensorElementKind.BFloat16 :
        null;
}

/// <summary>The kind of <typeparamref name="T"/>, computed once per type so hot paths do no type tests.</summary>
internal static class ElementKindOf<T>
{
    public static readonly TensorElementKind? Value = ElementTypes.Of(typeof(T));
}
