using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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
    /// manifest files → parse (per file) → generated source (per file). Each manifest is handled on
    /// its own: editing C# code re-runs nothing, editing one manifest re-emits only that model.
    /// Names are restore's to check (MR0008, MR0009); the parser only refuses a name restore would
    /// not have written. Nothing here throws into the compiler.
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

            // Inputs are required members where the language has them (C# 11; net8.0 defaults to C# 12),
            // constructor parameters only where it does not: either way a forgotten input does not compile.
            // A reference type, not bool: Roslyn's pipeline code over reference types is shared and
            // precompiled, where a bool or (ParsedManifest, bool) step is JIT-compiled by every csc
            // that starts (tens of milliseconds per build where no compiler server runs).
            IncrementalValueProvider<LanguageFeatures> requiredMembers = context.ParseOptionsProvider
                .Select(static (options, _) => LanguageFeatures.Of(options))
                .WithTrackingName(TrackingNames.RequiredMembers);

            IncrementalValuesProvider<GeneratedModel> generated = parsed
                .Combine(requiredMembers)
                .Select(static (pair, ct) => Generate(pair.Left, ct, pair.Right.RequiredMembers))
                .WithTrackingName(TrackingNames.GeneratedModels);

            // All models at once only to give each generated file one owner; the work above stays per manifest.
            context.RegisterSourceOutput(generated.Collect(), static (spc, models) => Output(spc, models));
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

        internal static GeneratedModel Generate(ParsedManifest manifest, CancellationToken cancellationToken, bool requiredMembers = true)
        {
            if (manifest.Model is null)
            {
                return new GeneratedModel(manifest.FilePath, null, null, manifest.Diagnostics);
            }

            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return new GeneratedModel(manifest.FilePath, ModelEmitter.HintName(manifest.Model), ModelEmitter.Emit(manifest.Model, requiredMembers), manifest.Diagnostics);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var diagnostics = new List<DiagnosticInfo>(manifest.Diagnostics)
                {
                    DiagnosticInfo.Create(DiagnosticDescriptors.MalformedManifest, manifest.Model.NameLocation, manifest.FilePath, "internal error while generating code for it: " + ex.GetType().Name + ": " + ex.Message),
                };
                return new GeneratedModel(manifest.FilePath, null, null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }
        }

        /// <summary>
        /// Reports every model's diagnostics and adds its source. Two manifests for one type (which
        /// restore never writes: MR0008) would give one hint name, which Roslyn refuses by throwing:
        /// manifests are visited in ordinal order of their paths, the first keeps the file and every
        /// later one gets MR2003, whatever the order of AdditionalFiles.
        /// </summary>
        private static void Output(SourceProductionContext context, ImmutableArray<GeneratedModel> models)
        {
            var sorted = new List<GeneratedModel>(models);
            sorted.Sort(static (a, b) => string.CompareOrdinal(a.FilePath, b.FilePath));
            var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (GeneratedModel model in sorted)
            {
                foreach (DiagnosticInfo diagnostic in model.Diagnostics)
                {
                    context.ReportDiagnostic(diagnostic.ToDiagnostic());
                }

                if (model.HintName is null || model.Source is null)
                {
                    continue;
                }

                if (owners.TryGetValue(model.HintName, out string? owner))
                {
                    ReportRefused(context, model, "the manifest '" + owner + "' generates the same file; restore never writes both (MR0008), rebuild to rewrite the manifests");
                    continue;
                }

                owners.Add(model.HintName, model.FilePath);
                try
                {
                    context.AddSource(model.HintName, SourceText.From(model.Source, System.Text.Encoding.UTF8));
                }
                catch (ArgumentException ex)
                {
                    // A hint name Roslyn refuses for another reason: report, don't crash.
                    ReportRefused(context, model, ex.Message);
                }
            }
        }

        private static void ReportRefused(SourceProductionContext context, GeneratedModel model, string why)
            => context.ReportDiagnostic(DiagnosticInfo.Create(
                DiagnosticDescriptors.MalformedManifest,
                FileLocation.WholeFile(model.FilePath),
                model.FilePath,
                "its generated file '" + model.HintName + "' was refused: " + why).ToDiagnostic());
    }
}
