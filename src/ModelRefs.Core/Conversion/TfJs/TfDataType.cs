using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>The TensorFlow element types a TF.js graph model can carry.</summary>
public enum TfDataType
{
    Invalid = 0,
    Float32,
    Int32,
    Bool,
    Int64,
    UInt8,
    Int8,
    Int16,
    UInt16,
    Float16,
    Float64,
    String,
    Complex64,
}

internal static class TfDataTypes
{
    /// <summary>Parses GraphDef's <c>DT_FLOAT</c> spelling.</summary>
    public static TfDataType FromGraphDef(string? name) => name switch
    {
        "DT_FLOAT" => TfDataType.Float32,
        "DT_INT32" => TfDataType.Int32,
        "DT_BOOL" => TfDataType.Bool,
        "DT_INT64" => TfDataType.Int64,
        "DT_UINT8" => TfDataType.UInt8,
        "DT_INT8" => TfDataType.Int8,
        "DT_INT16" => TfDataType.Int16,
        "DT_UINT16" => TfDataType.UInt16,
        "DT_HALF" => TfDataType.Float16,
        "DT_DOUBLE" => TfDataType.Float64,
        "DT_STRING" => TfDataType.String,
        "DT_COMPLEX64" => TfDataType.Complex64,
        _ => TfDataType.Invalid,
    };

    /// <summary>Parses the weights manifest's <c>float32</c> spelling.</summary>
    public static TfDataType FromManifest(string? name) => name switch
    {
        "float32" => TfDataType.Float32,
        "int32" => TfDataType.Int32,
        "bool" => TfDataType.Bool,
        "string" => TfDataType.String,
        "complex64" => TfDataType.Complex64,
        _ => TfDataType.Invalid,
    };

    public static OnnxElementType ToOnnx(this TfDataType type) => type switch
    {
        TfDataType.Float32 => OnnxElementType.Float,
        TfDataType.Int32 => OnnxElementType.Int32,
        TfDataType.Bool => OnnxElementType.Bool,
        TfDataType.Int64 => OnnxElementType.Int64,
        TfDataType.UInt8 => OnnxElementType.UInt8,
        TfDataType.Int8 => OnnxElementType.Int8,
        TfDataType.Int16 => OnnxElementType.Int16,
        TfDataType.UInt16 => OnnxElementType.UInt16,
        TfDataType.Float16 => OnnxElementType.Float16,
        TfDataType.Float64 => OnnxElementType.Double,
        _ => OnnxElementType.Undefined,
    };

    public static bool IsFloat(this TfDataType type) => type is TfDataType.Float32 or TfDataType.Float16 or TfDataType.Float64;
}
