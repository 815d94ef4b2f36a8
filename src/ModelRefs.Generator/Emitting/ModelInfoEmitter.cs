using System.Collections.Generic;
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
            EmitSignatures(Model.Inputs, ",");
            EmitSignatures(Model.Outputs, ");");
            W.Unindent();
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
