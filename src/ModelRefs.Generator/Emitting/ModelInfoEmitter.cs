using System.Collections.Generic;
using System.Text;
using ModelRefs.Generator.Model;
using ModelRefs.Generator.Naming;

namespace ModelRefs.Generator.Emitting
{
    /// <summary>Writes the model class's static <c>Info</c>: name, source, hashes, licence, description and signature.</summary>
    internal sealed class ModelInfoEmitter : TypeEmitter
    {
        public ModelInfoEmitter(ModelSpec model, MemberNames names, CodeWriter writer)
            : base(model, names, writer)
        {
        }

        public override void Emit()
        {
            Doc("summary", "What the model is, where it came from, its licence and its input and output signature.");
            W.Line("public static " + Rt + "ModelInfo Info { get; } = new " + Rt + "ModelInfo(");
            W.Indent();
            W.Line(Literals.String(Model.TypeName) + ",");
            W.Line(Literals.String(Model.Handle) + ",");
            W.Line(Literals.String(Model.Resolved) + ",");
            W.Line(Literals.String(Model.Sha256) + ",");
            W.Line(Literals.String(Model.OnnxSha256) + ",");
            W.Line(Literals.String(Model.License) + ",");
            W.Line(Literals.String(Model.Description) + ",");
            W.Line(Literals.String(Model.Producer) + ",");
            // Where the licence came from, when restore says (manifests before it did not).
            string end = string.IsNullOrEmpty(Model.LicenseProvenance) ? ");" : ") { LicenseProvenance = " + Literals.String(Model.LicenseProvenance) + " };";
            // The table whenever it can say everything (it has no sequence types): a few string
            // literals cost the compiler next to nothing, an array of constructor calls does not, even
            // for three small models (issue 16 item 3); the runtime unpacks it once, at first use.
            if (Model.IsIndexed || !HasSequence(Model.Inputs) && !HasSequence(Model.Outputs))
            {
                EmitTable(Model.Inputs, ",");
                EmitTable(Model.Outputs, end);
            }
            else if (Model.IsWide)
            {
                EmitColumns(Model.Inputs, ",");
                EmitColumns(Model.Outputs, end);
            }
            else
            {
                EmitSignatures(Model.Inputs, ",");
                EmitSignatures(Model.Outputs, end);
            }

            W.Unindent();
        }

        private static bool HasSequence(EquatableArray<TensorSpec> tensors)
        {
            foreach (TensorSpec t in tensors)
            {
                if (t.Sequence is not null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A wide model's signatures as constant columns that the runtime turns into signatures (<c>TensorSignature.FromColumns</c>).</summary>
        private void EmitColumns(EquatableArray<TensorSpec> tensors, string terminator)
        {
            var names = new List<string>(tensors.Count);
            var elementTypes = new List<string>(tensors.Count);
            var ranks = new List<string>(tensors.Count);
            var dimensions = new List<string>();
            var dimensionNames = new List<string>();
            var descriptions = new List<string>(tensors.Count);
            bool anyDimensionName = false;
            bool anyDescription = false;
            foreach (TensorSpec t in tensors)
            {
                names.Add(Literals.String(t.Name));
                elementTypes.Add(Literals.Int(ElementTypes.IdOf(t.ElementType)));
                ranks.Add(Literals.Int(t.Rank));
                foreach (DimensionSpec d in t.Shape)
                {
                    dimensions.Add(Literals.Long(d.RuntimeValue));
                    string? param = d.IsFixed ? null : d.Param;
                    anyDimensionName |= param is not null;
                    dimensionNames.Add(Literals.String(param));
                }

                anyDescription |= t.Doc is not null;
                descriptions.Add(Literals.String(t.Doc));
            }

            W.Line(Rt + "TensorSignature.FromColumns(");
            W.Indent();
            Column("string", names, ",");
            Column("int", elementTypes, ",");
            Column("int", ranks, ",");
            Column("long", dimensions, ",");
            Column("string?", anyDimensionName ? dimensionNames : null, ",");
            Column("string?", anyDescription ? descriptions : null, ")" + terminator);
            W.Unindent();
        }

        /// <summary>
        /// An indexed model's signatures as four string constants (<c>TensorSignature.FromTable</c>):
        /// a string literal costs the compiler next to nothing, an array element per tensor does not.
        /// </summary>
        private void EmitTable(EquatableArray<TensorSpec> tensors, string terminator)
        {
            var names = new StringBuilder();
            var numbers = new StringBuilder();
            var dimensionNames = new StringBuilder();
            var descriptions = new StringBuilder();
            bool anyDimensionName = false;
            bool anyDescription = false;
            foreach (TensorSpec t in tensors)
            {
                Pack(names, t.Name);
                numbers.Append(Literals.Int(ElementTypes.IdOf(t.ElementType))).Append(',').Append(Literals.Int(t.Rank)).Append(',');
                foreach (DimensionSpec d in t.Shape)
                {
                    numbers.Append(Literals.Long(d.RuntimeValue)).Append(',');
                    string? param = d.IsFixed ? null : d.Param;
                    anyDimensionName |= param is not null;
                    Pack(dimensionNames, param);
                }

                anyDescription |= t.Doc is not null;
                Pack(descriptions, t.Doc);
            }

            W.Line(Rt + "TensorSignature.FromTable(");
            W.Indent();
            W.Line(Literals.String(names.ToString()) + ",");
            W.Line(Literals.String(numbers.ToString()) + ",");
            W.Line((anyDimensionName ? Literals.String(dimensionNames.ToString()) : "null") + ",");
            W.Line((anyDescription ? Literals.String(descriptions.ToString()) : "null") + ")" + terminator);
            W.Unindent();
        }

        private static void Pack(StringBuilder packed, string? value)
        {
            if (value is null)
            {
                packed.Append('-');
                return;
            }

            packed.Append(Literals.Int(value.Length)).Append(':').Append(value);
        }

        /// <summary>One array: sixteen values a line, so that a wide model's file stays readable.</summary>
        private void Column(string elementType, List<string>? values, string terminator)
        {
            if (values is null)
            {
                W.Line("null" + terminator);
                return;
            }

            if (values.Count == 0)
            {
                W.Line("global::System.Array.Empty<" + elementType + ">()" + terminator);
                return;
            }

            W.Line("new " + elementType + "[]");
            W.Line("{");
            W.Indent();
            var line = new StringBuilder();
            for (int i = 0; i < values.Count; i++)
            {
                line.Append(values[i]).Append(',');
                if (i % 16 == 15 || i == values.Count - 1)
                {
                    W.Line(line.ToString());
                    line.Clear();
                }
                else
                {
                    line.Append(' ');
                }
            }

            W.Unindent();
            W.Line("}" + terminator);
        }

        private void EmitSignatures(EquatableArray<TensorSpec> tensors, string terminator)
        {
            if (tensors.Count == 0)
            {
                W.Line("global::System.Array.Empty<" + Rt + "TensorSignature>()" + terminator);
                return;
            }

            W.Line("new " + Rt + "TensorSignature[]");
            W.Line("{");
            W.Indent();
            foreach (TensorSpec t in tensors)
            {
                if (t.Sequence is not null)
                {
                    W.Line("new " + Rt + "TensorSignature(" + Literals.String(t.Name) + ", " + Literals.String(t.ValueType) + ", " + Rt + "TensorElementKind."
                        + ElementTypes.Get(t.ElementType).RuntimeKind + ", " + Literals.String(t.Doc) + "),");
                    continue;
                }

                string shape = t.HasShape ? LongArray(t.Shape) : "null";
                string dimNames = "null";
                if (t.HasShape)
                {
                    var parts = new List<string>();
                    foreach (DimensionSpec d in t.Shape)
                    {
                        parts.Add(d.IsFixed ? "null" : Literals.String(d.Param));
                    }

                    dimNames = parts.Count == 0
                        ? "global::System.Array.Empty<string?>()"
                        : "new string?[] { " + string.Join(", ", parts) + " }";
                }

                ElementType type = ElementTypes.Get(t.ElementType);
                W.Line("new " + Rt + "TensorSignature(" + Literals.String(t.Name) + ", " + Rt + "TensorElementKind." + type.RuntimeKind
                    + ", " + shape + ", " + dimNames + ", " + Literals.String(t.Doc) + "),");
            }

            W.Unindent();
            W.Line("}" + terminator);
        }
    }
}
