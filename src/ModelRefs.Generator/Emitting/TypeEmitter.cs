using System.Collections.Generic;
using ModelRefs.Generator.Model;
using ModelRefs.Generator.Naming;

namespace ModelRefs.Generator.Emitting
{
    /// <summary>
    /// What the emitters of one model's types share: the model, its member names, the writer, and
    /// how docs and tensor types are written. Every type outside the generated ones is written with
    /// <c>global::</c>.
    /// </summary>
    internal abstract class TypeEmitter
    {
        protected const string Rt = "global::ModelRefs.Runtime.";
        protected const string ReadOnlySpan = "global::System.ReadOnlySpan";

        protected TypeEmitter(ModelSpec model, MemberNames names, CodeWriter writer)
        {
            Model = model;
            Names = names;
            W = writer;
        }

        protected ModelSpec Model { get; }

        protected MemberNames Names { get; }

        protected CodeWriter W { get; }

        /// <summary>The model class's name.</summary>
        protected string Name => Model.TypeName;

        /// <summary>Writes the type.</summary>
        public abstract void Emit();

        protected void Doc(string tag, string text, string? closeTag = null)
        {
            W.Line("/// <" + tag + ">" + text + "</" + (closeTag ?? tag) + ">");
        }

        protected void DocLines(string tag, List<string> lines)
        {
            W.Line("/// <" + tag + ">");
            foreach (string line in lines)
            {
                W.Line(line.Length == 0 ? "///" : "/// " + line);
            }

            W.Line("/// </" + tag + ">");
        }

        /// <summary>The summary of a tensor's property, and its ONNX doc as remarks.</summary>
        protected void TensorMemberDoc(string role, TensorSpec t, string extra = "")
        {
            Doc("summary", role + " <c>" + Xml.Escape(t.Name) + "</c>: " + DescribeTensor(t) + "." + extra);
            List<string> doc = Xml.Lines(t.Doc);
            if (doc.Count > 0)
            {
                DocLines("remarks", doc);
            }
        }

        protected static string DocSuffix(string? doc)
        {
            string escaped = Xml.Escape(doc);
            return escaped.Trim().Length == 0 ? string.Empty : " " + escaped.Trim();
        }

        /// <summary>Doc text such as <c>&lt;c&gt;float&lt;/c&gt; tensor, shape &lt;c&gt;[batch, 512]&lt;/c&gt;</c>.</summary>
        protected static string DescribeTensor(TensorSpec t)
        {
            if (t.Sequence is not null)
            {
                return "<c>" + Xml.Escape(t.ValueType) + "</c> (a new list per run)";
            }

            string element = "<c>" + Xml.Escape(t.ElementType) + "</c>";
            if (t.IsScalar)
            {
                return element + " scalar";
            }

            return element + " tensor, " + ShapeText(t);
        }

        protected static string ShapeText(TensorSpec t)
        {
            if (!t.HasShape)
            {
                return "of unknown rank";
            }

            var dims = new List<string>();
            foreach (DimensionSpec d in t.Shape)
            {
                dims.Add(Xml.Escape(d.Display));
            }

            return "shape <c>[" + string.Join(", ", dims) + "]</c>";
        }

        protected static string LongArray(EquatableArray<DimensionSpec> shape)
        {
            if (shape.Count == 0)
            {
                return "global::System.Array.Empty<long>()";
            }

            var parts = new List<string>();
            foreach (DimensionSpec d in shape)
            {
                parts.Add(Literals.Long(d.RuntimeValue));
            }

            return "new long[] { " + string.Join(", ", parts) + " }";
        }

        protected static string TensorData(ElementType type) => Rt + "TensorData<" + type.CSharpType + ">";

        /// <summary>The C# type of an output's member in the allocating output class: a tensor, or a sequence's list.</summary>
        protected static string OutputType(TensorSpec t) => t.Sequence?.CSharpType ?? TensorData(ElementTypes.Get(t.ElementType));

        protected static string SpanType(ElementType type) => type.IsString ? "string[]" : ReadOnlySpan + "<" + type.CSharpType + ">";
    }
}
