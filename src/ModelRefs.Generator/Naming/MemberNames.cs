using System.Collections.Generic;
using ModelRefs.Generator.Model;
using ModelRefs.Shared.Naming;

namespace ModelRefs.Generator.Naming
{
    /// <summary>
    /// The C# names of one model's generated members, decided together so that nothing collides.
    /// Order matters only within the model: inputs and outputs are named in manifest (graph) order
    /// and the first claimant keeps the unsuffixed name.
    /// </summary>
    internal sealed class MemberNames
    {
        /// <summary>Members every class and struct inherits; a property of the same name would hide them (CS0108).</summary>
        private static readonly string[] ObjectMembers =
        {
            "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
        };

        private MemberNames(
            string[] inputProperties,
            string[] inputParameters,
            string[] inputShapeParameters,
            string[] outputProperties,
            string[] outputShapeProperties,
            string[] outputParameters,
            string[] outputShapeParameters)
        {
            OutputParameters = outputParameters;
            OutputShapeParameters = outputShapeParameters;
            InputProperties = inputProperties;
            InputParameters = inputParameters;
            InputShapeParameters = inputShapeParameters;
            OutputProperties = outputProperties;
            OutputShapeProperties = outputShapeProperties;
        }

        /// <summary>PascalCase property of <c>&lt;Name&gt;Input</c>, per input.</summary>
        public IReadOnlyList<string> InputProperties { get; }

        /// <summary>camelCase parameter of the span <c>Run</c> and the input constructor, per input.</summary>
        public IReadOnlyList<string> InputParameters { get; }

        /// <summary>The <c>…Shape</c> parameter of the span <c>Run</c>, per input (used only where the input takes one).</summary>
        public IReadOnlyList<string> InputShapeParameters { get; }

        /// <summary>PascalCase property of <c>&lt;Name&gt;Output</c> and <c>&lt;Name&gt;OutputSpans</c>, per output.</summary>
        public IReadOnlyList<string> OutputProperties { get; }

        /// <summary>The <c>…Shape</c> property of <c>&lt;Name&gt;OutputSpans</c>, per output.</summary>
        public IReadOnlyList<string> OutputShapeProperties { get; }

        /// <summary>camelCase constructor parameter of the output types, per output.</summary>
        public IReadOnlyList<string> OutputParameters { get; }

        /// <summary>camelCase constructor parameter of <c>&lt;Name&gt;OutputSpans</c> for each output's shape.</summary>
        public IReadOnlyList<string> OutputShapeParameters { get; }

        public static MemberNames For(ModelSpec model)
        {
            string typeName = model.TypeName;

            var inputReserved = new List<string>(ObjectMembers) { typeName + ModelTypeNames.InputSuffix };
            var inputNames = new UniqueNames(inputReserved);
            string[] inputProperties = Properties(inputNames, model.Inputs, model.InputNames, "Input");

            // Parameters: the inputs' own names first, then their shapes, so a shape never takes an input's name.
            var parameterNames = new UniqueNames();
            string[] inputParameters = new string[inputProperties.Length];
            for (int i = 0; i < inputParameters.Length; i++)
            {
                inputParameters[i] = parameterNames.Take(IdentifierNames.ToCamelCase(inputProperties[i]));
            }

            string[] inputShapeParameters = new string[inputProperties.Length];
            for (int i = 0; i < inputShapeParameters.Length; i++)
            {
                // As for output shapes below: x_Shape when an input is already called xShape.
                string bare = inputParameters[i].TrimStart('@');
                inputShapeParameters[i] = parameterNames.Take(parameterNames.IsTaken(bare + "Shape") ? bare + "_Shape" : bare + "Shape");
            }

            var outputReserved = new List<string>(ObjectMembers) { typeName + ModelTypeNames.OutputSuffix, typeName + ModelTypeNames.OutputSpansSuffix };
            var outputNames = new UniqueNames(outputReserved);
            string[] outputProperties = Properties(outputNames, model.Outputs, model.OutputNames, "Output");

            // A shape companion is <Output>Shape unless a model name already is (an output y_shape next to y):
            // then <Output>_Shape, which no tensor's member can be (member names have '_' only before a digit).
            string[] outputShapeProperties = new string[outputProperties.Length];
            for (int i = 0; i < outputShapeProperties.Length; i++)
            {
                string plain = outputProperties[i] + "Shape";
                outputShapeProperties[i] = outputNames.Take(outputNames.IsTaken(plain) ? outputProperties[i] + "_Shape" : plain);
            }

            // Constructor parameters of the output types: camelCase of the members, distinct because the members differ ignoring case.
            string[] outputParameters = new string[outputProperties.Length];
            string[] outputShapeParameters = new string[outputProperties.Length];
            for (int i = 0; i < outputProperties.Length; i++)
            {
                outputParameters[i] = IdentifierNames.ToCamelCase(outputProperties[i]);
                outputShapeParameters[i] = IdentifierNames.ToCamelCase(outputShapeProperties[i]);
            }

            return new MemberNames(inputProperties, inputParameters, inputShapeParameters, outputProperties, outputShapeProperties, outputParameters, outputShapeParameters);
        }

        /// <summary>
        /// The properties of one side: the names the item gave (InputNames/OutputNames, checked by the
        /// parser) first, so that they are kept exactly, then the others' default names around them.
        /// </summary>
        private static string[] Properties(UniqueNames names, EquatableArray<TensorSpec> tensors, EquatableArray<string> given, string prefix)
        {
            var result = new string[tensors.Count];
            for (int i = 0; i < result.Length && i < given.Count; i++)
            {
                if (given[i].Length > 0)
                {
                    result[i] = names.Take(given[i]);
                }
            }

            for (int i = 0; i < result.Length; i++)
            {
                result[i] ??= names.Take(IdentifierNames.MemberName(tensors[i].Name, prefix, i));
            }

            return result;
        }
    }
}
