using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelRefs.Generator.Licensing;
using ModelRefs.Generator.Tests.Infrastructure;

namespace ModelRefs.Generator.Tests.Licensing;

/// <summary>
/// Runs the generator and then <see cref="ModelLicenseAnalyzer"/> over a user's code, the way the
/// compiler does: manifests as AdditionalFiles, MSBuild properties as <c>build_property.*</c>
/// global options, and .editorconfig / .globalconfig severities through the compilation's
/// syntax tree options (as csc builds them from the analyzer config files).
/// </summary>
internal static class LicenseAnalyzerHarness
{
    public const string ProjectFile = "/src/VoiceActivity/VoiceActivity.csproj";
    public const string CodePath = "/src/VoiceActivity/Program.cs";

    /// <summary>The Silero manifest with another licence (null: none), accepted ids, name and item line.</summary>
    public static string Manifest(string? license, string[]? accept = null, string name = "SileroVad", string? declared = null, int itemLine = 12)
    {
        var json = JsonNode.Parse(TestFiles.ReadManifest("SileroVad.modelref.json"))!.AsObject();
        json["name"] = name;
        json["license"] = license;
        json["licenseDeclared"] = declared ?? license;
        json["acceptLicense"] = new JsonArray((accept ?? []).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        json["projectFile"] = ProjectFile;
        json["itemLine"] = itemLine;
        return json.ToJsonString();
    }

    public static AdditionalText File(string text, string name = "SileroVad")
        => new InMemoryAdditionalText("/src/VoiceActivity/obj/Debug/modelrefs/" + name + ".modelref.json", text);

    public static ImmutableArray<Diagnostic> Analyze(string code, string manifest, IDictionary<string, string>? properties = null, params AnalyzerConfig[] configs)
        => Analyze(code, [File(manifest)], properties, configs);

    public static ImmutableArray<Diagnostic> Analyze(string code, AdditionalText[] manifests, IDictionary<string, string>? properties = null, params AnalyzerConfig[] configs)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "VoiceActivity",
            [CSharpSyntaxTree.ParseText(code, GeneratorHarness.ParseOptions, path: CodePath)],
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorHarness.RunAndUpdateCompilation(manifests, compilation, out Compilation withModels, out _);
        if (configs.Length > 0)
        {
            var set = AnalyzerConfigSet.Create(configs.ToImmutableArray());
            withModels = withModels.WithOptions(withModels.Options.WithSyntaxTreeOptionsProvider(new ConfigSeverities(set)));
        }

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(manifests.ToImmutableArray(), new BuildProperties(properties ?? new Dictionary<string, string>())),
            onAnalyzerException: (ex, _, _) => exceptions.Add(ex),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = withModels
            .WithAnalyzers([new ModelLicenseAnalyzer()], options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics.OrderBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.GetLineSpan().StartLinePosition).ToImmutableArray();
    }

    /// <summary>What the build prints for each diagnostic: <c>file(line,col): severity id</c>, 1-based.</summary>
    public static string[] Describe(IEnumerable<Diagnostic> diagnostics) => diagnostics.Select(d =>
    {
        FileLinePositionSpan span = d.Location.GetLineSpan();
        string where = d.Location == Location.None ? "" : Path.GetFileName(span.Path) + "(" + (span.StartLinePosition.Line + 1) + "," + (span.StartLinePosition.Character + 1) + "): ";
        return where + d.Severity.ToString().ToLowerInvariant() + " " + d.Id;
    }).ToArray();

    private sealed class BuildProperties(IDictionary<string, string> properties) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global = new(properties.ToDictionary(p => "build_property." + p.Key, p => p.Value));
        private static readonly Options None = new(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => None;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => None;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
                => values.TryGetValue(key, out value!);
        }
    }

    /// <summary>Severities from .editorconfig sections (per file) and global configs, as the compiler applies them.</summary>
    private sealed class ConfigSeverities(AnalyzerConfigSet set) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
            => set.GetOptionsForSourcePath(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
            => set.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
    }
}
