using System;
using Microsoft.CodeAnalysis;

namespace ModelRefs.Generator.Diagnostics
{
    /// <summary>
    /// Every diagnostic the generator reports (MR2001–MR2999). Each has a page under
    /// <c>docs/diagnostics/</c> and a help link to it; list new rules in AnalyzerReleases.Unshipped.md.
    /// MR2002 (name clash) is retired: restore owns names and reports clashes as MR0008 and MR0009.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "ModelRefs.Generator";
        private const string HelpLinkBase = "https://github.com/modelrefs/modelrefs/blob/main/docs/diagnostics/";

        /// <summary>A tensor's element type or value kind has no C# mapping: the model cannot be wrapped, an error (never a silently missing class).</summary>
        public static readonly DiagnosticDescriptor UnsupportedType = new DiagnosticDescriptor(
            id: "MR2001",
            title: "Unsupported tensor element type or value kind",
            messageFormat: "Model '{0}': {1} '{2}' has {3}, which ModelRefs cannot map to C#; the class '{0}' cannot be generated (remove the ModelReference, or convert the model so that it has supported inputs and outputs)",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Generated classes support dense tensors of float, double, float16, bfloat16, int8/16/32/64, uint8/16/32/64, bool and string, and as outputs of models with at most 64 inputs and outputs sequences of maps (seq(map(int64|string, float|double|int64|string))) and of tensors. A model with any other input or output cannot be wrapped: the build fails, so that code using the class never meets a missing type.",
            helpLinkUri: HelpLinkBase + "MR2001.md");

        /// <summary>The manifest cannot be read.</summary>
        public static readonly DiagnosticDescriptor MalformedManifest = new DiagnosticDescriptor(
            id: "MR2003",
            title: "Malformed model manifest",
            messageFormat: "Model manifest '{0}' is malformed: {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A *.modelref.json file passed to the compiler is not valid JSON or lacks what the generator needs. The restore task writes these files; rebuild to rewrite them.",
            helpLinkUri: HelpLinkBase + "MR2003.md");

        /// <summary>An entry of the item's InputNames or OutputNames cannot name a member.</summary>
        public static readonly DiagnosticDescriptor InvalidMemberName = new DiagnosticDescriptor(
            id: "MR2004",
            title: "Invalid InputNames or OutputNames entry",
            messageFormat: "Model '{0}': {1} {2}; fix the <ModelReference> item's {1} metadata (comma-separated member names in the model's input or output order, empty to keep a name)",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "InputNames and OutputNames rename the generated members of a model's inputs and outputs by position. Each entry must be a C# identifier that is not a keyword, unique ignoring case, and there must be no more entries than inputs (or outputs).",
            helpLinkUri: HelpLinkBase + "MR2004.md");

        public static DiagnosticDescriptor ById(string id)
        {
            switch (id)
            {
                case "MR2001": return UnsupportedType;
                case "MR2003": return MalformedManifest;
                case "MR2004": return InvalidMemberName;
                default: throw new ArgumentOutOfRangeException(nameof(id), id, "Unknown ModelRefs generator diagnostic.");
            }
        }
    }
}
