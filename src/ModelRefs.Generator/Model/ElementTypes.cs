using System.Collections.Generic;
using ModelRefs.Shared.Onnx;

namespace ModelRefs.Generator.Model
{
    /// <summary>How one ONNX element type appears in generated code.</summary>
    /// <param name="OnnxName">The manifest's <c>elementType</c>.</param>
    /// <param name="CSharpType">The C# type, fully qualified where it is not a keyword.</param>
    /// <param name="RuntimeKind">The <c>ModelRefs.Runtime.TensorElementKind</c> member.</param>
    /// <param name="Id">The ONNX id, which is also the value of the runtime kind.</param>
    internal sealed record ElementType(string OnnxName, string CSharpType, string RuntimeKind, int Id)
    {
        public bool IsString => OnnxName == "string";
    }

    /// <summary>
    /// The element types generated code supports (the supported rows of the shared
    /// <see cref="OnnxElementTypeTable"/>); everything else is MR2001.
    /// </summary>
    internal static class ElementTypes
    {
        private static readonly Dictionary<string, ElementType> Map = Build();

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

        public static int IdOf(string onnxName) => Map[onnxName].Id;

        private static Dictionary<string, ElementType> Build()
        {
            var map = new Dictionary<string, ElementType>(System.StringComparer.Ordinal);
            foreach (OnnxElementTypeRow row in OnnxElementTypeTable.Rows)
            {
                if (row.IsSupported)
                {
                    map.Add(row.ManifestName, new ElementType(row.ManifestName, row.CSharpSourceName, row.EnumName, row.Id));
                }
            }

            return map;
        }
    }
}
