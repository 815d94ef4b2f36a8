using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ModelRefs.Core.Licensing;
using ModelRefs.Generator.Diagnostics;

namespace ModelRefs.Generator.Licensing
{
    /// <summary>
    /// The licence analyzer (MR1001–MR1008). For each model whose licence does not fit the project
    /// (docs/licensing.md), it reports each finding at every use of the model's generated class
    /// (construction, method call, member access), and once per model at its
    /// <c>&lt;ModelReference&gt;</c> line in the project file, used or not. The attribution note
    /// (MR1008) is reported once per model only. Never throws into the compiler.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ModelLicenseAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The attribute the generator puts on every model class.</summary>
        public const string GeneratedModelAttribute = "ModelRefs.Runtime.GeneratedModelAttribute";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(LicenseDiagnosticDescriptors.All);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext start)
        {
            ImmutableArray<ModelLicense> models;
            try
            {
                models = ModelLicense.ReadAll(start.Options, start.CancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return; // a manifest problem is the generator's to report (MR2003)
            }

            if (models.IsEmpty)
            {
                return;
            }

            // Only a model with a finding reported at uses makes its uses worth finding: where every
            // licence fits (the common case), no operation of the app's code is looked at.
            var byTypeName = new Dictionary<string, ModelLicense>(StringComparer.Ordinal);
            foreach (ModelLicense model in models)
            {
                if (HasFindingAtUses(model))
                {
                    byTypeName[model.Model.GlobalTypeName()] = model;
                }
            }

            INamedTypeSymbol? attribute = byTypeName.Count == 0 ? null : start.Compilation.GetTypeByMetadataName(GeneratedModelAttribute);
            if (attribute is not null)
            {
                var known = new ConcurrentDictionary<ITypeSymbol, ModelLicense?>(SymbolEqualityComparer.Default);
                start.RegisterOperationAction(
                    context => AnalyzeUse(context, attribute, byTypeName, known),
                    OperationKind.ObjectCreation,
                    OperationKind.Invocation,
                    OperationKind.PropertyReference,
                    OperationKind.MethodReference);
            }

            start.RegisterCompilationEndAction(end =>
            {
                foreach (ModelLicense model in models)
                {
                    foreach (LicenseFinding finding in model.Findings)
                    {
                        if (LicenseDiagnosticDescriptors.AtItem(finding.Kind) is { } descriptor)
                        {
                            end.ReportDiagnostic(Diagnostic.Create(descriptor, model.ItemLocation, model.Model.TypeName, finding.Message));
                        }
                    }
                }
            });
        }

        private static void AnalyzeUse(OperationAnalysisContext context, INamedTypeSymbol attribute,
            Dictionary<string, ModelLicense> byTypeName, ConcurrentDictionary<ITypeSymbol, ModelLicense?> known)
        {
            ITypeSymbol? type = context.Operation switch
            {
                IObjectCreationOperation creation => creation.Type,
                IInvocationOperation invocation => invocation.TargetMethod.ContainingType,
                IPropertyReferenceOperation property => property.Property.ContainingType,
                IMethodReferenceOperation method => method.Method.ContainingType,
                _ => null,
            };
            if (type is null)
            {
                return;
            }

            ModelLicense? model = known.GetOrAdd(type, t => Find(t, attribute, byTypeName));
            if (model is null)
            {
                return;
            }

            // Uses inside the model's own class (a hand-written partial part) are not uses of the model.
            if (SymbolEqualityComparer.Default.Equals(context.ContainingSymbol?.ContainingType, type))
            {
                return;
            }

            foreach (LicenseFinding finding in model.Findings)
            {
                if (finding.IsWarning && LicenseDiagnosticDescriptors.AtUse(finding.Kind) is { } descriptor)
                {
                    context.ReportDiagnostic(Diagnostic.Create(descriptor, context.Operation.Syntax.GetLocation(), model.Model.TypeName, finding.Message));
                }
            }
        }

        private static bool HasFindingAtUses(ModelLicense model)
        {
            foreach (LicenseFinding finding in model.Findings)
            {
                if (finding.IsWarning && LicenseDiagnosticDescriptors.AtUse(finding.Kind) is not null)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The model of a class the generator made: it carries the attribute, and its full name is a manifest's.</summary>
        private static ModelLicense? Find(ITypeSymbol type, INamedTypeSymbol attribute, Dictionary<string, ModelLicense> byTypeName)
        {
            bool generated = false;
            foreach (AttributeData data in type.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
                {
                    generated = true;
                    break;
                }
            }

            return generated && byTypeName.TryGetValue(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), out ModelLicense? model)
                ? model
                : null;
        }
    }
}
