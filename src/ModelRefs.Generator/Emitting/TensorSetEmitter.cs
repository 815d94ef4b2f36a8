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
            "The inputs of <see cref=\"{0}\"/>: one tensor per ONNX input, every one required.",
            emptyConstructorSummary: "Creates an input set; every property is required, so set each one in the object initializer.",
            constructorSummary: "Creates an input set with every tensor.",
            describeParameters: true,
            accessors: "{ get; set; }",
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

        private readonly bool _required;

        public TensorSetEmitter(ModelSpec model, MemberNames names, CodeWriter writer, TensorSet set, bool requiredMembers)
            : base(model, names, writer)
        {
            _set = set;
            _required = requiredMembers && set.IsInputs;
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
            else if (_set.EmptyConstructorSummary is not null && (_required || _tensors.Count == 0))
            {
                // Without required members the input constructor is the only way in, so that no input can be forgotten.
                Doc("summary", _set.EmptyConstructorSummary);
                W.Line("public " + typeName + "()");
                W.Line("{");
                W.Line("}");
            }

            if (!Model.IsWide && (_set.EmptyConstructorSummary is null || _tensors.Count > 0))
            {
                EmitConstructor(typeName, blankLineBefore: _set.EmptyConstructorSummary is not null && _required);
            }

            if (Model.IsIndexed)
            {
                EmitIndexedAccess();
                W.Close();
                return;
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
                W.Line("public " + (_required ? "required " : string.Empty) + (_set.IsInputs ? TensorData(type) : OutputType(t)) + " " + _properties[i] + " " + accessors);
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
                Doc("summary", Model.IsIndexed
                    ? "Creates an input set with no tensors; set each one with <c>Set</c> before running the model."
                    : _required ? _set.EmptyConstructorSummary! : "Creates an input set with no tensors; set each property before running the model.");
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

        /// <summary>
        /// An indexed model's only way to its tensors: by index in <c>Info</c> or by ONNX name,
        /// a fixed number of members whatever the signature (compiling a property per tensor is what
        /// made a 20,000-input model's build slow).
        /// </summary>
        private void EmitIndexedAccess()
        {
            string side = _set.IsInputs ? "Input" : "Output";
            string info = Model.GlobalTypeName() + ".Info";
            W.Line();
            Doc("summary", "The number of " + side.ToLowerInvariant() + "s (<c>Info." + side + "s.Count</c>).");
            W.Line("public int Count => this.__tensors.Count;");
            W.Line();
            Doc("summary", "The tensor of the " + side.ToLowerInvariant() + " at <paramref name=\"index\"/> (its index in <c>Info." + side + "s</c>), or <see langword=\"null\"/> when it is not set.");
            Doc("typeparam name=\"T\"", "Its element type.", "typeparam");
            Doc("param name=\"index\"", "Its index.", "param");
            Doc("exception cref=\"global::System.InvalidCastException\"", "The tensor has another element type.", "exception");
            W.Line("public " + Rt + "TensorData<T>? Get<T>(int index) => (" + Rt + "TensorData<T>?)this.__tensors[index];");
            W.Line();
            Doc("summary", "The tensor of the " + side.ToLowerInvariant() + " with the ONNX name <paramref name=\"onnxName\"/>, or <see langword=\"null\"/> when it is not set.");
            Doc("typeparam name=\"T\"", "Its element type.", "typeparam");
            Doc("param name=\"onnxName\"", "The ONNX name, exactly (<c>Info." + side + "s[i].Name</c>).", "param");
            Doc("exception cref=\"global::System.ArgumentException\"", "The model has no " + side.ToLowerInvariant() + " of that name.", "exception");
            W.Line("public " + Rt + "TensorData<T>? Get<T>(string onnxName) => (" + Rt + "TensorData<T>?)this.__tensors[IndexOf(onnxName)];");
            if (_set.IsInputs)
            {
                W.Line();
                Doc("summary", "Sets the input at <paramref name=\"index\"/> (its index in <c>Info.Inputs</c>); its element type is checked by <c>Run</c>.");
                Doc("typeparam name=\"T\"", "Its element type.", "typeparam");
                Doc("param name=\"index\"", "Its index.", "param");
                Doc("param name=\"value\"", "The tensor; <see langword=\"null\"/> unsets it.", "param");
                W.Line("public void Set<T>(int index, " + Rt + "TensorData<T>? value) => this.__tensors.Set(index, value);");
                W.Line();
                Doc("summary", "Sets the input with the ONNX name <paramref name=\"onnxName\"/>; its element type is checked by <c>Run</c>.");
                Doc("typeparam name=\"T\"", "Its element type.", "typeparam");
                Doc("param name=\"onnxName\"", "The ONNX name, exactly (<c>Info.Inputs[i].Name</c>).", "param");
                Doc("param name=\"value\"", "The tensor; <see langword=\"null\"/> unsets it.", "param");
                Doc("exception cref=\"global::System.ArgumentException\"", "The model has no input of that name.", "exception");
                W.Line("public void Set<T>(string onnxName, " + Rt + "TensorData<T>? value) => this.__tensors.Set(IndexOf(onnxName), value);");
            }

            W.Line();
            W.Line("private static int IndexOf(string onnxName)");
            W.Line("{");
            W.Line("    global::System.ArgumentNullException.ThrowIfNull(onnxName);");
            W.Line("    int index = " + info + ".IndexOf" + side + "(onnxName);");
            W.Line("    return index >= 0 ? index : throw new global::System.ArgumentException(\"Model '" + Name + "' has no " + side.ToLowerInvariant() + " named '\" + onnxName + \"'.\", nameof(onnxName));");
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
            if (Model.IsIndexed)
            {
                EmitIndexedAccess();
                W.Close();
                return;
            }

            for (int i = 0; i < _tensors.Count; i++)
            {
                TensorSpec t = _tensors[i];
                parameters.Add((_set.IsInputs ? TensorData(ElementTypes.Get(t.ElementType)) : OutputType(t)) + " " + _parameters[i]);
                Doc("param name=\"" + _parameters[i].TrimStart('@') + "\"", _set.Role + " <c>" + Xml.Escape(t.Name) + "</c>" + (_set.DescribeParameters ? ": " + DescribeTensor(t) : string.Empty) + ".", "param");
            }

            if (_required)
            {
                W.Line("[global::System.Diagnostics.CodeAnalysis.SetsRequiredMembers]");
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
