using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelRefs.Core.Licensing;

namespace ModelRefs.Generator.Diagnostics
{
    /// <summary>
    /// The licence analyzer's diagnostics (MR1001–MR1999), one id per <see cref="LicenseFindingKind"/>.
    /// Each id has two descriptors that differ only in where they are reported: at a use of the
    /// model's class (<see cref="AtUse"/>), and once per model at its <c>&lt;ModelReference&gt;</c>
    /// line from the compilation end (<see cref="AtItem"/>, tagged <c>CompilationEnd</c> so the IDE
    /// knows it only comes from a full analysis). Each id has a page under <c>docs/diagnostics/</c>;
    /// list new ids in AnalyzerReleases.Unshipped.md.
    /// </summary>
    internal static class LicenseDiagnosticDescriptors
    {
        public const string Category = "ModelRefs.Licensing";
        private const string HelpLinkBase = "https://github.com/modelrefs/modelrefs/blob/main/docs/diagnostics/";
        private const string MessageFormat = "Model '{0}': {1}";

        public static readonly DiagnosticDescriptor NonCommercial = new DiagnosticDescriptor(
            LicenseFindingIds.NonCommercial, "Model licence forbids commercial use", MessageFormat, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "The model's licence (e.g. CC-BY-NC-4.0) forbids commercial use. Choose another model, or, if the project is not commercial, accept the licence with AcceptLicense on the ModelReference.",
            helpLinkUri: HelpLinkBase + "MR1001.md");


        public static readonly DiagnosticDescriptor CopyleftIncompatible = new DiagnosticDescriptor(
            LicenseFindingIds.CopyleftIncompatible, "Model licence is copyleft incompatible with the project's licence", MessageFormat, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "The model's licence is strong or network copyleft (GPL, AGPL, EUPL...) and the project's PackageLicenseExpression is not compatible with it, or the project declares no licence.",
            helpLinkUri: HelpLinkBase + "MR1002.md");


        public static readonly DiagnosticDescriptor UseRestricted = new DiagnosticDescriptor(
            LicenseFindingIds.UseRestricted, "Model licence restricts use", MessageFormat, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "The model's licence carries a use policy (OpenRAIL family, Llama, Gemma...; SPDX lists none of them, so they are LicenseRef- names such as LicenseRef-CreativeML-OpenRAIL-M, LicenseRef-Llama-3.1-Community, LicenseRef-Gemma) that must be passed on to the app's users. Review it, then accept it with AcceptLicense.",
            helpLinkUri: HelpLinkBase + "MR1003.md");


        public static readonly DiagnosticDescriptor NoDerivatives = new DiagnosticDescriptor(
            LicenseFindingIds.NoDerivatives, "Model licence forbids derivatives", MessageFormat, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "The model's licence forbids sharing modified versions: converting, quantizing or fine-tuning the model and shipping the result may breach it.",
            helpLinkUri: HelpLinkBase + "MR1004.md");


        public static readonly DiagnosticDescriptor Unknown = new DiagnosticDescriptor(
            LicenseFindingIds.Unknown, "Model licence is unknown", MessageFormat, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "The model states no licence, or one ModelRefs cannot classify (not an SPDX expression, a LicenseRef-... name not in the licence table, proprietary). Set License on the ModelReference, then accept it with AcceptLicense if needed.",
            helpLinkUri: HelpLinkBase + "MR1005.md");


        public static readonly DiagnosticDescriptor Denied = new DiagnosticDescriptor(
            LicenseFindingIds.Denied, "Model licence is denied by ModelRefsDeniedLicenses", MessageFormat, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "The project lists the model's licence in ModelRefsDeniedLicenses.",
            helpLinkUri: HelpLinkBase + "MR1006.md");


        public static readonly DiagnosticDescriptor NotAllowed = new DiagnosticDescriptor(
            LicenseFindingIds.NotAllowed, "Model licence is not in ModelRefsAllowedLicenses", MessageFormat, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "The project sets ModelRefsAllowedLicenses and the model's licence is not in it.",
            helpLinkUri: HelpLinkBase + "MR1007.md");


        public static readonly DiagnosticDescriptor AttributionRequired = new DiagnosticDescriptor(
            LicenseFindingIds.AttributionRequired, "Model licence requires attribution", MessageFormat, Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
            description: "The model's licence requires its copyright notice and licence text to ship with the app; the build writes THIRD-PARTY-NOTICES.models.txt into the output for that.",
            helpLinkUri: HelpLinkBase + "MR1008.md");


        private static readonly DiagnosticDescriptor[] AtUseDescriptors =
        {
            NonCommercial, CopyleftIncompatible, UseRestricted, NoDerivatives, Unknown, Denied, NotAllowed, AttributionRequired,
        };

        // The at-item twins: the same id, text and severity, tagged CompilationEnd. Derived rather
        // than written out so that the two can never drift apart.
        private static readonly Dictionary<string, DiagnosticDescriptor> AtItemById =
            AtUseDescriptors.ToDictionary(d => d.Id, CompilationEndTwin);

        /// <summary>Every descriptor, for <c>SupportedDiagnostics</c>.</summary>
        public static readonly DiagnosticDescriptor[] All = AtUseDescriptors.Concat(AtItemById.Values).ToArray();

        /// <summary>The descriptor for a finding reported at a use of the model's class (null: a kind without an id).</summary>
        public static DiagnosticDescriptor? AtUse(LicenseFindingKind kind)
        {
            switch (kind)
            {
                case LicenseFindingKind.NonCommercial: return NonCommercial;
                case LicenseFindingKind.CopyleftIncompatible: return CopyleftIncompatible;
                case LicenseFindingKind.UseRestricted: return UseRestricted;
                case LicenseFindingKind.NoDerivatives: return NoDerivatives;
                case LicenseFindingKind.Unknown: return Unknown;
                case LicenseFindingKind.Denied: return Denied;
                case LicenseFindingKind.NotAllowed: return NotAllowed;
                case LicenseFindingKind.AttributionRequired: return AttributionRequired;
                default: return null; // a finding kind newer than this analyzer: not reported, never thrown
            }
        }

        /// <summary>The descriptor for a finding reported once per model, at its ModelReference item (null: a kind without an id).</summary>
        public static DiagnosticDescriptor? AtItem(LicenseFindingKind kind) =>
            AtUse(kind) is { } atUse ? AtItemById[atUse.Id] : null;

        private static DiagnosticDescriptor CompilationEndTwin(DiagnosticDescriptor d) => new DiagnosticDescriptor(
            d.Id, d.Title, d.MessageFormat, d.Category, d.DefaultSeverity, d.IsEnabledByDefault, d.Description, d.HelpLinkUri,
            WellKnownDiagnosticTags.CompilationEnd);
    }
}
