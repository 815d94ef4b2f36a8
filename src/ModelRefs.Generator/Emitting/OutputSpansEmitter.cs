using System.Collections.Generic;
using ModelRefs.Generator.Model;
using ModelRefs.Generator.Naming;
using ModelRefs.Shared.Naming;

namespace ModelRefs.Generator.Emitting
{
    /// <summary>Writes the <c>…OutputSpans</c> ref struct: each output as a view of the session's buffer, with its actual shape.</summary>
    internal sealed class OutputSpansEmitter : TypeEmitter
    {
        public OutputSpansEmitter(ModelSpec model, MemberNames names, CodeWriter writer)
            : base(model, names, writer)
        {
        }

        public override void Emit()
        {
            string typeName = Name + ModelTypeNames.OutputSpansSuffix;
            Doc("summary", "The outputs of one run of <see cref=\"" + Model.GlobalTypeName() + "\"/> as views of the session's buffers, valid until its next run or disposal. Copy what you keep.");
            W.Open("public readonly ref struct " + typeName);
            Doc("summary", "Creates the views; <c>Run</c> does this.");
            var parameters = new List<string>();
            for (int i = 0; i < Model.Outputs.Count; i++)
            {
                TensorSpec t = Model.Outputs[i];
                parameters.Add((t.Sequence?.CSharpType ?? SpanType(ElementTypes.Get(t.ElementType))) + " " + Names.OutputParameters[i]);
                Doc("param name=\"" + Names.OutputParameters[i].TrimStart('@') + "\"", "The output <c>" + Xml.Escape(t.Name) + "</c>.", "param");
                if (t.Sequence is null)
                {
                    parameters.Add(ReadOnlySpan + "<long> " + Names.OutputShapeParameters[i]);
                    Doc("param name=\"" + Names.OutputShapeParameters[i].TrimStart('@') + "\"", "The shape of the output <c>" + Xml.Escape(t.Name) + "</c>.", "param");
                }
            }

            W.Line("public " + typeName + "(" + string.Join(", ", parameters) + ")");
            W.Line("{");
            for (int i = 0; i < Model.Outputs.Count; i++)
            {
                W.Line("    this." + Names.OutputProperties[i] + " = " + Names.OutputParameters[i] + ";");
                if (Model.Outputs[i].Sequence is null)
                {
                    W.Line("    this." + Names.OutputShapeProperties[i] + " = " + Names.OutputShapeParameters[i] + ";");
                }
            }

            W.Line("}");
            for (int i = 0; i < Model.Outputs.Count; i++)
            {
                TensorSpec t = Model.Outputs[i];
                ElementType type = ElementTypes.Get(t.ElementType);
                W.Line();
                if (t.Sequence is not null)
                {
                    TensorMemberDoc("The output", t, " Read from ONNX Runtime's value at each run, so this allocates.");
                    W.Line("[" + Rt + "OnnxName(" + Literals.String(t.Name) + ")]");
                    W.Line("public " + t.Sequence.CSharpType + " " + Names.OutputProperties[i] + " { get; }");
                    continue;
                }

                TensorMemberDoc("The output", t, type.IsString ? " Strings are copied out of the native tensor." : " Flattened in row-major order.");
                W.Line("[" + Rt + "OnnxName(" + Literals.String(t.Name) + ")]");
                W.Line("public " + SpanType(type) + " " + Names.OutputProperties[i] + " { get; }");
                W.Line();
                Doc("summary", "The actual shape of <see cref=\"" + Names.OutputProperties[i] + "\"/>" + (t.HasShape ? "; declared " + ShapeText(t) : string.Empty) + ".");
                W.Line("public " + ReadOnlySpan + "<long> " + Names.OutputShapeProperties[i] + " { get; }");
            }

            W.Close();
        }
    }
}
