using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ModelRefs.Generator.Diagnostics;
using ModelRefs.Generator.Emitting;
using ModelRefs.Generator.Model;
using ModelRefs.Generator.Parsing;
using ModelRefs.Shared.Manifest;

namespace ModelRefs.Generator
{
    /// <summary>
    /// Generates a typed wrapper class per model from the <c>*.modelref.json</c> manifests the
    /// restore task passes as AdditionalFiles.
    /// </summary>
    /// <remarks>
    /// Pipeline (each step named in <see cref="TrackingNames"/>, every output equatable):
    /// manifest files → parse (per file) → type claims → name clashes (all files, one value) →
    /// models to emit (per file, parse result + clash verdict) → generated source (per file).
    /// Editing C# code re-runs nothing; editing one manifest re-emits only that model (unless its
    /// type name changes, which re-checks clashes for all). Nothing here throws into the compiler.
    /// </remarks>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelRefsGenerator : IIncrementalGenerator
    {
        /// <summary>The file name suffix of model manifests.</summary>
        public const string ManifestSuffix = ManifestKeys.FileSuffix;

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<AdditionalText> manifestFiles = context.AdditionalTextsProvider
                .Where(static file => file.Path.EndsWith(ManifestSuffix, StringComparison.OrdinalIgnoreCase))
                .WithTrackingName(TrackingNames.ManifestFiles);

            IncrementalValuesProvider<ParsedManifest> parsed = manifestFiles
                .Select(static (file, ct) => Parse(file, ct))
                .WithTrackingName(TrackingNames.ParsedManifests);

            IncrementalValueProvider<NameClashes> clashes = parsed
                .Select(static (manifest, _) => manifest.Model is null
                    ? null
                    : new TypeClaim(manifest.FilePath, manifest.Model.Namespace, manifest.Model.TypeName, manifest.Model.NameLocation))
                .WithTrackingName(TrackingNames.TypeClaims)
                .Collect()
                .Select(static (claims, _) => FindClashes(claims))
                .WithTrackingName(TrackingNames.NameClashes);

            IncrementalValuesProvider<ModelToEmit> models = parsed
                .Combine(clashes)
                .Select(static (pair, _) => Decide(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.ModelsToEmit);

            IncrementalValuesProvider<GeneratedModel> generated = models
                .Select(static (model, ct) => Generate(model, ct))
                .WithTrackingName(TrackingNames.GeneratedModels);

            context.RegisterSourceOutput(generated, static (spc, model) => Output(spc, model));
        }

        internal static ParsedManifest Parse(AdditionalText file, CancellationToken cancellationToken)
        {
            string path = file.Path ?? string.Empty;
            try
            {
                SourceText? text = file.GetText(cancellationToken);
                return ManifestParser.Parse(path, text?.ToString());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new ParsedManifest(path, null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(DiagnosticDescriptors.MalformedManifest, FileLocation.WholeFile(path), path, "the file could not be read: " + ex.Message),
                }));
            }
        }

        /// <summary>
        /// Decides which models lose a clash: each model claims <c>Name</c>, <c>NameInput</c>,
        /// <c>NameOutput</c> and <c>NameOutputSpans</c> in its namespace (ignoring case, since
        /// hint names and file systems do). Claims are visited in ordinal order of the manifest path,
        /// so the verdict does not depend on the order of AdditionalFiles; the first claimant wins.
        /// </summary>
        internal static NameClashes FindClashes(ImmutableArray<TypeClaim?> claims)
        {
            var sorted = new List<TypeClaim>();
            foreach (TypeClaim? claim in claims)
            {
                if (claim is not null)
                {
                    sorted.Add(claim);
                }
            }

            sorted.Sort(static (a, b) => string.CompareOrdinal(a.FilePath, b.FilePath));
            var owners = new Dictionary<string, (TypeClaim Claim, string TypeName)>(StringComparer.OrdinalIgnoreCase);
            var result = new List<ClashInfo>();
            foreach (TypeClaim claim in sorted)
            {
                string[] names = { claim.TypeName, claim.TypeName + "Input", claim.TypeName + "Output", claim.TypeName + "OutputSpans" };
                string? message = null;
                foreach (string name in names)
                {
                    if (owners.TryGetValue(claim.Namespace + "." + name, out (TypeClaim Claim, string TypeName) owner))
                    {
                        string ns = claim.Namespace.Length == 0 ? "the global namespace" : "namespace '" + claim.Namespace + "'";
                        message = "the type '" + name + "' in " + ns + " is also generated for the model '" + owner.Claim.TypeName + "' from '" + owner.Claim.FilePath + "'";
                        if (!string.Equals(name, owner.TypeName, StringComparison.Ordinal))
                        {
                            message += " (as '" + owner.TypeName + "'; names that differ only in case clash too)";
                        }

                        message += "; give one of the ModelReference items another Name or Namespace";
                        break;
                    }
                }

                if (message is not null)
                {
                    result.Add(new ClashInfo(claim.FilePath, DiagnosticInfo.Create(DiagnosticDescriptors.NameClash, claim.Location, claim.TypeName, message)));
                    continue;
                }

                foreach (string name in names)
                {
                    owners[claim.Namespace + "." + name] = (claim, name);
                }
            }

            return new NameClashes(new EquatableArray<ClashInfo>(result));
        }

        internal static ModelToEmit Decide(ParsedManifest manifest, NameClashes clashes)
        {
            foreach (ClashInfo clash in clashes.Clashes)
            {
                if (clash.FilePath == manifest.FilePath && manifest.Model is not null)
                {
                    var diagnostics = new List<DiagnosticInfo>(manifest.Diagnostics) { clash.Diagnostic };
                    return new ModelToEmit(manifest.FilePath, null, new EquatableArray<DiagnosticInfo>(diagnostics));
                }
            }

            return new ModelToEmit(manifest.FilePath, manifest.Model, manifest.Diagnostics);
        }

        internal static GeneratedModel Generate(ModelToEmit model, CancellationToken cancellationToken)
        {
            if (model.Model is null)
            {
                return new GeneratedModel(model.FilePath, null, null, model.Diagnostics);
            }

            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return new GeneratedModel(model.FilePath, ModelEmitter.HintName(model.Model), ModelEmitter.Emit(model.Model), model.Diagnostics);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var diagnostics = new List<DiagnosticInfo>(model.Diagnostics)
                {
                    DiagnosticInfo.Create(DiagnosticDescriptors.MalformedManifest, model.Model.NameLocation, model.FilePath, "internal error while generating code for it: " + ex.GetType().Name + ": " + ex.Message),
                };
                return new GeneratedModel(model.FilePath, null, null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }
        }

        private static void Output(SourceProductionContext context, GeneratedModel model)
        {
            foreach (DiagnosticInfo diagnostic in model.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (model.HintName is not null && model.Source is not null)
            {
                try
                {
                    context.AddSource(model.HintName, SourceText.From(model.Source, System.Text.Encoding.UTF8));
                }
                catch (ArgumentException ex)
                {
                    // A hint name Roslyn refuses (should not happen after clash checks): report, don't crash.
                    context.ReportDiagnostic(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NameClash, FileLocation.WholeFile(model.FilePath), model.HintName, "the generated file name was refused: " + ex.Message).ToDiagnostic());
                }
            }
        }
    }
}
