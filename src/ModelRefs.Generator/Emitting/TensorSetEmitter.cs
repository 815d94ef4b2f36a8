using System;
using System.Collections.Generic;
using ModelRefs.Generator.Model;
using ModelRefs.Generator.Naming;
using ModelRefs.Shared.Naming;

namespace ModelRefs.Generator.Emitting
{
    /// <summary>
    /// How the <c>…Input</c> and <c>…Output</c> classes differ; everything else about them is one
    /// code path (<see cref="TensorSetEmitter"/>).
    /// </summary>
    internal sealed class TensorSet
    {
        /// <summary>The inputs: built by the caller, so settable, with an empty constructor.</summary>
        public static readonly TensorSet Inputs = new TensorSet(
            ModelTypeNames.InputSuffix,
            "The input",
            "The inputs of <see cref=\"{0}\"/>: one tensor per ONNX input. Set every one before calling <c>Run</c>.",
            emptyConstructorSummary: "Creates an input set with no tensors; set each property before running the model.",
            constructorSummary: "Creates an input set with every tensor.",
            describeParameters: true,
            accessors: "{ get; set; } = null!;",
            listAccessors: "{{ get => this.__tensors.Get<{0}>({1}); set => this.__tensors.Set({1}, value); }}",
            tensors: static m => m.Inputs,
            properties: static n => n.InputProperties,
            parameters: static n => n.InputParameters);

        /// <summary>The outputs: built by <c>Run</c>, so read-only.</summary>
        public static readonly TensorSet Outputs = new TensorSet(
            ModelTypeNames.OutputSuffix,
            "The output",
            "The outputs of one run of <see cref=\"{0}\"/>, owned by the caller.",
            emptyConstructorSummary: null,
            constructorSummary: "Creates an output set; <c>Run</c> does this.",
            describeParameters: false,
            accessors: "{ get; }",
            listAccessors: "=> this.__tensors.Get<{0}>({1});",
            tensors: static m => m.Outputs,
            properties: static n => n.OutputProperties,
            parameters: static n => n.OutputParameters);

        private TensorSet(
            string suffix,
            string role,
            string classSummary,
            string? emptyConstructorSummary,
            string constructorSummary,
            bool describeParameters,
            string accessors,
            string listAccessors,
            Func<ModelSpec, EquatableArray<TensorSpec>> tensors,
            Func<MemberNames, IReadOnlyList<string>> properties,
            Func<MemberNames, IReadOnlyList<string>> parameters)
        {
            Tensors = tensors;
            Properties = properties;
            Parameters = parameters;
            Suffix = suffix;
            Role = role;
            ClassSummary = classSummary;
            EmptyConstructorSummary = emptyConstructorSummary;
            ConstructorSummary = constructorSummary;
            DescribeParameters = describeParameters;
            Accessors = accessors;
            ListAccessors = listAccessors;
        }

        /// <summary>The type name's suffix after the model's name.</summary>
        public string Suffix { get; }

        /// <summary>How docs name one tensor: "The input", "The output".</summary>
        public string Role { get; }

        /// <summary>The class summary; <c>{0}</c> is the model class.</summary>
        public string ClassSummary { get; }

        /// <summary>The summary of a parameterless constructor, or null for none (then the full constructor is always written).</summary>
        public string? EmptyConstructorSummary { get; }

        public string ConstructorSummary { get; }

        /// <summary>True when a constructor parameter's doc describes the tensor's type and shape.</summary>
        public bool DescribeParameters { get; }

        /// <summary>The accessors (and initializer) of each tensor property.</summary>
        public string Accessors { get; }

        /// <summary>A wide model's accessors, which read the <c>TensorList</c>; <c>{0}</c> is the element type, <c>{1}</c> the index.</summary>
        public string ListAccessors { get; }

        /// <summary>True for the inputs, which the caller builds.</summary>
        public bool IsInputs => EmptyConstructorSummary is not null;

        /// <summary>The model's tensors of this set.</summary>
        public Func<ModelSpec, EquatableArray<TensorSpec>> Tensors { get; }

        /// <summary>The property name of each tensor.</summary>
        public Func<MemberNames, IReadOnlyList<string>> Properties { get; }

        /// <summary>The constructor parameter name of each tensor.</summary>
        public Func<MemberNames, IReadOnlyList<string>> Parameters { get; }
    }

    /// <summary>Writes the <c>…Input</c> or <c>…Output</c> class: one <c>TensorData&lt;T&gt;</c> property per tensor.</summary>
    internal sealed class TensorSetEmitter : TypeEmitter
    {
        private readonly TensorSet _set;
        private readonly EquatableArray<TensorSpec> _tensors;
        private readonly IReadOnlyList<string> _properties;
        private readonly IReadOnlyList<string> _parameters;

        public TensorSetEmitter(ModelSpec model, MemberNames names, CodeWriter writer, TensorSet set)
            : base(model, names, writer)
        {
            _set = set;
            _tensors = set.Tensors(model);
            _properties = set.Properties(names);
            _parameters = set.Parameters(names);
        }

        public override void Emit()
        {
            string typeName = Name + _set.Suffix;
            Doc("summary", string.Format(System.Globalization.CultureInfo.InvariantCulture, _set.ClassSummary, Model.GlobalTypeName()));
            W.Open("public sealed partial class " + typeName);
            if (Model.IsWide)
            {
                EmitListStorage(typeName);
            }
            else if (_set.EmptyConstructorSummary is not null)
            {
                Doc("summary", _set.EmptyConstructorSummary);
                W.Line("public " + typeName + "()");
                W.Line("{");
                W.Line("}");
            }

            if (!Model.IsWide && (_set.EmptyConstructorSummary is null || _tensors.Count > 0))
            {
                EmitConstructor(typeName, blankLineBefore: _set.EmptyConstructorSummary is not null);
            }

            for (int i = 0; i < _tensors.Count; i++)
            {
                TensorSpec t = _tensors[i];
                ElementType type = ElementTypes.Get(t.ElementType);
                string accessors = Model.IsWide
                    ? string.Format(System.Globalization.CultureInfo.InvariantCulture, _set.ListAccessors, type.CSharpType, Literals.Int(i))
                    : _set.Accessors;
                W.Line();
                TensorMemberDoc(_set.Role, t);
                W.Line("[" + Rt + "OnnxName(" + Literals.String(t.Name) + ")]");
                W.Line("public " + TensorData(type) + " " + _properties[i] + " " + accessors);
            }

            W.Close();
        }

        /// <summary>
        /// A wide model's tensors live in one <c>TensorList</c>, so that no constructor or <c>Run</c>
        /// has a statement per tensor: the inputs' list is made empty, the outputs' is the session's.
        /// </summary>
        private void EmitListStorage(string typeName)
        {
            string list = Rt + "TensorList";
            if (_set.IsInputs)
            {
                W.Line("internal readonly " + list + " __tensors = new " + list + "(" + Literals.Int(_tensors.Count) + ");");
                W.Line();
                Doc("summary", _set.EmptyConstructorSummary!);
                W.Line("public " + typeName + "()");
                W.Line("{");
                W.Line("}");
                return;
            }

            W.Line("private readonly " + list + " __tensors;");
            W.Line();
            Doc("summary", _set.ConstructorSummary);
            Doc("param name=\"tensors\"", "One tensor per output, in the order of <c>Info.Outputs</c>.", "param");
            W.Line("public " + typeName + "(" + list + " tensors)");
            W.Line("{");
            W.Line("    global::System.ArgumentNullException.ThrowIfNull(tensors);");
            W.Line("    this.__tensors = tensors;");
            W.Line("}");
        }

        private void EmitConstructor(string typeName, bool blankLineBefore)
        {
            if (blankLineBefore)
            {
                W.Line();
            }

            Doc("summary", _set.ConstructorSummary);
            var parameters = new List<string>();
            for (int i = 0; i < _tensors.Count; i++)
            {
                TensorSpec t = _tensors[i];
                parameters.Add(TensorData(ElementTypes.Get(t.ElementType)) + " " + _parameters[i]);
                Doc("param name=\"" + _parameters[i].TrimStart('@') + "\"", _set.Role + " <c>" + Xml.Escape(t.Name) + "</c>" + (_set.DescribeParameters ? ": " + DescribeTensor(t) : string.Empty) + ".", "param");
            }

            W.Line("public " + typeName + "(" + string.Join(", ", parameters) + ")");
            W.Line("{");
            for (int i = 0; i < _tensors.Count; i++)
            {
                W.Line("    this." + _properties[i] + " = " + _parameters[i] + ";");
            }

            W.Line("}");
        }
    }
}
