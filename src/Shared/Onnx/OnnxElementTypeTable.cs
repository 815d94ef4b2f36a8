// Shared source: compiled into ModelRefs.Core, ModelRefs.Generator (netstandard2.0, no package
// references) and ModelRefs.Runtime by an explicit <Compile Include=... Link=...> in each project.
using System;
using System.Collections.Generic;

namespace ModelRefs.Shared.Onnx
{
    /// <summary>
    /// One ONNX tensor element type (<c>TensorProto.DataType</c>): the facts restore, the generator
    /// and the runtime all need about it.
    /// </summary>
    internal sealed class OnnxElementTypeRow
    {
        public OnnxElementTypeRow(int id, string enumName, int bits, string? clrTypeName = null, string? csharpKeyword = null)
        {
            Id = id;
            EnumName = enumName;
            ManifestName = enumName.ToLowerInvariant();
            Bits = bits;
            ClrTypeName = clrTypeName;
            CSharpKeyword = csharpKeyword;
        }

        /// <summary>ONNX's id for the type.</summary>
        public int Id { get; }

        /// <summary>The member name in <c>ModelRefs.Core.Onnx.OnnxElementType</c> and <c>ModelRefs.Runtime.TensorElementKind</c>.</summary>
        public string EnumName { get; }

        /// <summary>The manifest's <c>elementType</c>: ONNX's enum name in lower case (docs/design/manifest.md).</summary>
        public string ManifestName { get; }

        /// <summary>Bits one element takes in <c>raw_data</c>; 0 where there is no fixed size (string, undefined).</summary>
        public int Bits { get; }

        /// <summary>
        /// The full name of the .NET type that carries one element in generated code and the runtime,
        /// or null when generated code does not support the type.
        /// </summary>
        public string? ClrTypeName { get; }

        /// <summary>The C# keyword for <see cref="ClrTypeName"/>, when it has one.</summary>
        public string? CSharpKeyword { get; }

        /// <summary>True when generated classes and the runtime support tensors of this type.</summary>
        public bool IsSupported => ClrTypeName is not null;

        /// <summary>How C# source names the element type: the keyword, else the <c>global::</c> qualified name.</summary>
        public string CSharpSourceName => CSharpKeyword ?? "global::" + ClrTypeName;

        /// <summary>How messages name the element type: the keyword, else the full name.</summary>
        public string CSharpDisplayName => CSharpKeyword ?? ClrTypeName ?? EnumName;
    }

    /// <summary>Every ONNX element type this version knows, indexed by id.</summary>
    internal static class OnnxElementTypeTable
    {
        private const string Half = "System.Half";
        private const string BFloat16 = "Microsoft.ML.OnnxRuntime.BFloat16";

        /// <summary>The rows; <c>Rows[id].Id == id</c>. A newer ONNX may define more ids.</summary>
        public static readonly IReadOnlyList<OnnxElementTypeRow> Rows = new[]
        {
            new OnnxElementTypeRow(0, "Undefined", 0),
            new OnnxElementTypeRow(1, "Float", 32, "System.Single", "float"),
            new OnnxElementTypeRow(2, "UInt8", 8, "System.Byte", "byte"),
            new OnnxElementTypeRow(3, "Int8", 8, "System.SByte", "sbyte"),
            new OnnxElementTypeRow(4, "UInt16", 16, "System.UInt16", "ushort"),
            new OnnxElementTypeRow(5, "Int16", 16, "System.Int16", "short"),
            new OnnxElementTypeRow(6, "Int32", 32, "System.Int32", "int"),
            new OnnxElementTypeRow(7, "Int64", 64, "System.Int64", "long"),
            new OnnxElementTypeRow(8, "String", 0, "System.String", "string"),
            new OnnxElementTypeRow(9, "Bool", 8, "System.Boolean", "bool"),
            new OnnxElementTypeRow(10, "Float16", 16, Half),
            new OnnxElementTypeRow(11, "Double", 64, "System.Double", "double"),
            new OnnxElementTypeRow(12, "UInt32", 32, "System.UInt32", "uint"),
            new OnnxElementTypeRow(13, "UInt64", 64, "System.UInt64", "ulong"),
            new OnnxElementTypeRow(14, "Complex64", 64),
            new OnnxElementTypeRow(15, "Complex128", 128),
            new OnnxElementTypeRow(16, "BFloat16", 16, BFloat16),
            new OnnxElementTypeRow(17, "Float8E4M3FN", 8),
            new OnnxElementTypeRow(18, "Float8E4M3FNUZ", 8),
            new OnnxElementTypeRow(19, "Float8E5M2", 8),
            new OnnxElementTypeRow(20, "Float8E5M2FNUZ", 8),
            new OnnxElementTypeRow(21, "UInt4", 4),
            new OnnxElementTypeRow(22, "Int4", 4),
            new OnnxElementTypeRow(23, "Float4E2M1", 4),
            new OnnxElementTypeRow(24, "Float8E8M0", 8),
            new OnnxElementTypeRow(25, "UInt2", 2),
            new OnnxElementTypeRow(26, "Int2", 2),
        };

        /// <summary>The row of id 0: a value that declares no element type.</summary>
        public static OnnxElementTypeRow Undefined => Rows[0];

        /// <summary>The row of <paramref name="id"/>, or null for an id this version does not know.</summary>
        public static OnnxElementTypeRow? ById(int id) => id >= 0 && id < Rows.Count ? Rows[id] : null;

        /// <summary>The row whose manifest spelling is <paramref name="manifestName"/>, compared ordinally or ignoring case.</summary>
        public static OnnxElementTypeRow? ByManifestName(string? manifestName, bool ignoreCase = false)
        {
            if (manifestName is null)
            {
                return null;
            }

            StringComparison comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            foreach (OnnxElementTypeRow row in Rows)
            {
                if (string.Equals(row.ManifestName, manifestName, comparison))
                {
                    return row;
                }
            }

            return null;
        }
    }
}
