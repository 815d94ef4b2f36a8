using System.Collections.Generic;

namespace ModelRefs.Generator.Model
{
    /// <summary>How one ONNX element type appears in generated code.</summary>
    /// <param name="OnnxName">The manifest's <c>elementType</c>.</param>
    /// <param name="CSharpType">The C# type, fully qualified where it is not a keyword.</param>
    /// <param name="RuntimeKind">The <c>ModelRefs.Runtime.TensorElementKind</c> member.</param>
    internal sealed record ElementType(string OnnxName, string CSharpType, string RuntimeKind)
    {
        public bool IsString => OnnxName == "string";
    }

    /// <summary>The element types generated code supports; everything else is MR2001.</summary>
    internal static class ElementTypes
    {
        private static readonly Dictionary<string, ElementType> Map = Build(
            new ElementType("float", "float", "Float"),
            new ElementType("double", "double", "Double"),
            new ElementType("float16", "global::System.Half", "Float16"),
            new ElementType("bfloat16", "global::Microsoft.ML.OnnxRuntime.BFloat16", "BFloat16"),
            new ElementType("int8", "sbyte", "Int8"),
            new ElementType("uint8", "byte", "UInt8"),
            new ElementType("int16", "short", "Int16"),
            new ElementType("uint16", "ushort", "UInt16"),
            new ElementType("int32", "int", "Int32"),
            new ElementType("uint32", "uint", "UInt32"),
            new ElementType("int64", "long", "Int64"),
            new ElementType("uint64", "ulong", "UInt64"),
            new ElementType("bool", "bool", "Bool"),
            new ElementType("string", "string", "String"));

        public static bool TryGet(string onnxName, out ElementType elementType)
        {
            if (Map.TryGetValue(onnxName, out ElementType? found))
            {
                elementType = found;
                return true;
            }

            elementType = null!;
            return false;
        }

        public static ElementType Get(string onnxName) => Map[onnxName];

        private static Dictionary<string, ElementType> Build(params ElementType[] types)
        {
            var map = new Dictionary<string, ElementType>(System.StringComparer.Ordinal);
            foreach (ElementType t in types)
            {
                map.Add(t.OnnxName, t);
            }

            return map;
        }
    }
}
