namespace ModelRefs.Runtime;

/// <summary>ONNX tensor element types; the values are the ONNX <c>TensorProto.DataType</c> ids.</summary>
public enum TensorElementKind
{
    // Grouped by kind for readers; the values are the ids of the shared table
    // (src/Shared/Onnx/OnnxElementTypeTable.cs), which a test checks.

    /// <summary>32-bit float (<see cref="float"/>).</summary>
    Float = 1,
    /// <summary>64-bit float (<see cref="double"/>).</summary>
    Double = 11,
    /// <summary>IEEE half precision (<see cref="System.Half"/>).</summary>
    Float16 = 10,
    /// <summary>Brain float 16 (<see cref="Microsoft.ML.OnnxRuntime.BFloat16"/>).</summary>
    BFloat16 = 16,
    /// <summary>Signed byte (<see cref="sbyte"/>).</summary>
    Int8 = 3,
    /// <summary>Signed 16-bit integer (<see cref="short"/>).</summary>
    Int16 = 5,
    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64 = 7,
    /// <summary>Unsigned byte (<see cref="byte"/>).</summary>
    UInt8 = 2,
    /// <summary>Unsigned 16-bit integer (<see cref="ushort"/>).</summary>
    UInt16 = 4,
    /// <summary>Unsigned 32-bit integer (<see cref="uint"/>).</summary>
    UInt32 = 12,
    /// <summary>Unsigned 64-bit integer (<see cref="ulong"/>).</summary>
    UInt64 = 13,
    /// <summary>Boolean, one byte (<see cref="bool"/>).</summary>
    Bool = 9,
    /// <summary>UTF-8 string (<see cref="string"/>).</summary>
    String = 8,
}
