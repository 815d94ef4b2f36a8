using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ModelRefs.Core.Licensing;
using ModelRefs.Generator.Model;
using ModelRefs.Generator.Parsing;

namespace ModelRefs.Generator.Licensing
{
    /// <summary>One model's licence findings, worked out once per compilation from its manifest and the project's properties.</summary>
    internal sealed class ModelLicense
    {
        public const string PackageLicenseExpression = "build_property.PackageLicenseExpression";
        public const string AllowedLicenses = "build_property.ModelRefsAllowedLicenses";
        public const string DeniedLicenses = "build_property.ModelRefsDeniedLicenses";

        private ModelLicense(ModelSpec model, ImmutableArray<LicenseFinding> findings)
        {
            Model = model;
            Findings = findings;
        }

        public ModelSpec Model { get; }

        /// <summary>The policy's findings for this model (warnings and the attribution note).</summary>
        public ImmutableArray<LicenseFinding> Findings { get; }

        /// <summary>The model's <c>&lt;ModelReference&gt;</c> line in the project file (the analyzer cannot read the file: a zero-length span at the line's start).</summary>
        public Location ItemLocation
        {
            get
            {
                if (Model.ProjectFile is null)
                {
                    return Location.None;
                }

                var start = new LinePosition(Math.Max(0, Model.ItemLine - 1), 0);
                return Location.Create(Model.ProjectFile, default(TextSpan), new LinePositionSpan(start, start));
            }
        }

        /// <summary>
        /// Every model whose manifest is among the AdditionalFiles and parses (a manifest that does
        /// not is the generator's MR2003, and there is no class to use).
        /// </summary>
        public static ImmutableArray<ModelLicense> ReadAll(AnalyzerOptions options, CancellationToken cancellationToken)
        {
            AnalyzerConfigOptions global = options.AnalyzerConfigOptionsProvider.GlobalOptions;
            string? project = Get(global, PackageLicenseExpression);
            string? allowed = Get(global, AllowedLicenses);
            string? denied = Get(global, DeniedLicenses);

            var result = ImmutableArray.CreateBuilder<ModelLicense>();
            foreach (AdditionalText file in options.AdditionalFiles)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (file.Path is null || !file.Path.EndsWith(ModelRefsGenerator.ManifestSuffix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                ParsedManifest parsed = ModelRefsGenerator.Parse(file, cancellationToken);
                if (parsed.Model is null)
                {
                    continue;
                }

                var input = new LicensePolicyInput(
                    project,
                    LicensePolicyInput.SplitList(allowed),
                    LicensePolicyInput.SplitList(denied),
                    parsed.Model.AcceptLicense.ToArray());
                try
                {
                    result.Add(new ModelLicense(parsed.Model, Evaluate(parsed.Model, input)));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug in the policy must not hide the other models' findings, nor crash the compiler.
                    result.Add(new ModelLicense(parsed.Model, ImmutableArray.Create(new LicenseFinding(LicenseFindingKind.Unknown, Array.Empty<string>(),
                        "The model's licence '" + parsed.Model.License + "' could not be checked (" + ex.GetType().Name + ": " + ex.Message + "). Please report this to ModelRefs."))));
                }
            }

            return result.ToImmutable();
        }

        private static ImmutableArray<LicenseFinding> Evaluate(ModelSpec model, LicensePolicyInput input)
        {
            IReadOnlyList<LicenseFinding> findings = LicensePolicy.Evaluate(model.License, input);
            if (model.License is null && model.LicenseDeclared is not null)
            {
                // Restore kept the declared value because it is no licence it could read ("SEE LICENSE IN …" it could not find, prose).
                string message = "The model's licence is declared as '" + model.LicenseDeclared + "', which is not a licence ModelRefs can read. "
                    + "Check the model's terms and set License=\"<SPDX expression>\" on the ModelReference (LicenseRef-<name> for a custom licence), "
                    + "or accept the risk with AcceptLicense=\"NOASSERTION\".";
                findings = findings.Select(f => f.Kind == LicenseFindingKind.Unknown ? f with { Message = message } : f).ToList();
            }

            if (!string.IsNullOrEmpty(model.LicenseProvenance) && model.License is not null)
            {
                // Say where the licence came from: a package's own licence may not be the model's.
                string from = " (The licence " + model.License + " is " + model.LicenseProvenance + ".)";
                findings = findings.Select(f => f with { Message = f.Message + from }).ToList();
            }

            return findings.ToImmutableArray();
        }

        private static string? Get(AnalyzerConfigOptions options, string key)
            => options.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;
    }
}
