namespace ModelRefs.Generator.Model
{
    /// <summary>
    /// An output that is a sequence, as generated code exposes it: a sequence of maps (what ZipMap
    /// gives every scikit-learn classifier converted by skl2onnx) or of tensors. Parsed from the
    /// manifest's <c>type</c> in ONNX's notation; anything else has no C# form (MR2001).
    /// </summary>
    internal sealed class SequenceType
    {
        private const string List = "global::System.Collections.Generic.IReadOnlyList";
        private const string Dictionary = "global::System.Collections.Generic.IReadOnlyDictionary";

        private SequenceType(ElementType? key, ElementType value)
        {
            Key = key;
            Value = value;
        }

        /// <summary>The maps' key type; null for a sequence of tensors.</summary>
        public ElementType? Key { get; }

        /// <summary>The maps' value type, or the tensors' element type.</summary>
        public ElementType Value { get; }

        /// <summary>The member's C# type, e.g. <c>IReadOnlyList&lt;IReadOnlyDictionary&lt;long, float&gt;&gt;</c>.</summary>
        public string CSharpType => Key is null
            ? List + "<global::ModelRefs.Runtime.TensorData<" + Value.CSharpType + ">>"
            : List + "<" + Dictionary + "<" + Key.CSharpType + ", " + Value.CSharpType + ">>";

        /// <summary>The runtime call that reads output <paramref name="index"/> of the last run.</summary>
        public string Reader(string index) => Key is null
            ? "this.__session.GetSequence<" + Value.CSharpType + ">(" + index + ")"
            : "this.__session.GetSequenceOfMaps<" + Key.CSharpType + ", " + Value.CSharpType + ">(" + index + ")";

        /// <summary>
        /// <c>seq(map(K,tensor(V)))</c> with K int64 or string and V float, double, int64 or string;
        /// <c>seq(tensor(T))</c> with T float, double, int32, int64, bool or string (what the runtime reads).
        /// </summary>
        public static SequenceType? Parse(string? type)
        {
            if (type is null || !type.StartsWith("seq(", System.StringComparison.Ordinal) || !type.EndsWith(")", System.StringComparison.Ordinal))
            {
                return null;
            }

            string inner = type.Substring(4, type.Length - 5);
            if (inner.StartsWith("map(", System.StringComparison.Ordinal) && inner.EndsWith(")", System.StringComparison.Ordinal))
            {
                string body = inner.Substring(4, inner.Length - 5);
                int comma = body.IndexOf(',');
                if (comma < 0)
                {
                    return null;
                }

                string key = body.Substring(0, comma);
                string? value = TensorElement(body.Substring(comma + 1));
                return (key == "int64" || key == "string") && value is not null && (value == "float" || value == "double" || value == "int64" || value == "string")
                    ? new SequenceType(ElementTypes.Get(key), ElementTypes.Get(value))
                    : null;
            }

            string? element = TensorElement(inner);
            return element is "float" or "double" or "int32" or "int64" or "bool" or "string"
                ? new SequenceType(null, ElementTypes.Get(element))
                : null;
        }

        private static string? TensorElement(string type)
            => type.StartsWith("tensor(", System.StringComparison.Ordinal) && type.EndsWith(")", System.StringComparison.Ordinal)
                ? type.Substring(7, type.Length - 8)
                : null;
    }
}
