using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelRefs.Generator.Tests.Infrastructure;

/// <summary>Runs <see cref="ModelRefsGenerator"/> in memory, the way the compiler does.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>The platform, ModelRefs.Runtime and Microsoft.ML.OnnxRuntime, as a user's project sees them.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation CreateCompilation(params string[] sources) => CreateCompilation(ParseOptions, sources);

    /// <summary>A consumer compilation with other parse options (another <c>LangVersion</c>); the generator's sources use them too.</summary>
    public static CSharpCompilation CreateCompilation(CSharpParseOptions parseOptions, params string[] sources)
        => CSharpCompilation.Create(
            "ModelRefs.Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: "Source" + i + ".cs")),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                allowUnsafe: false));

    public static AdditionalText Manifest(string path, string? text) => new InMemoryAdditionalText(path, text);

    /// <summary>Runs the generator over <paramref name="manifests"/> and a trivial compilation.</summary>
    public static GeneratorRunResult Run(params AdditionalText[] manifests)
        => Run(manifests, CreateCompilation("internal static class Empty { }")).GetRunResult().Results.Single();

    /// <summary>A new driver over <paramref name="manifests"/>, run once over <paramref name="compilation"/>.</summary>
    public static GeneratorDriver Run(IEnumerable<AdditionalText> manifests, Compilation compilation)
        => Run(CreateDriver(manifests), compilation);

    /// <summary>
    /// Runs <paramref name="driver"/> over <paramref name="compilation"/> and returns it. Every
    /// generator test runs through here (or <see cref="RunAndUpdateCompilation"/>), so every test
    /// also checks the incremental contract: the run did not throw, no step output holds a
    /// Roslyn object, and running again with the same inputs serves every tracked step from the cache.
    /// </summary>
    public static GeneratorDriver Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGenerators(compilation);
        AssertIncremental(driver, compilation);
        return driver;
    }

    /// <summary>Runs the generator over <paramref name="manifests"/> and adds its sources to <paramref name="compilation"/>, checked as <see cref="Run(GeneratorDriver, Compilation)"/>.</summary>
    public static GeneratorDriver RunAndUpdateCompilation(
        IEnumerable<AdditionalText> manifests, Compilation compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics)
    {
        var parseOptions = compilation.SyntaxTrees.FirstOrDefault()?.Options as CSharpParseOptions ?? ParseOptions;
        GeneratorDriver driver = CreateDriver(manifests, parseOptions).RunGeneratorsAndUpdateCompilation(compilation, out output, out generatorDiagnostics);
        AssertIncremental(driver, compilation);
        return driver;
    }

    /// <summary>The one source generated for a manifest.</summary>
    public static string GenerateSingle(string path, string text)
    {
        GeneratorRunResult result = Run(Manifest(path, text));
        Assert.Empty(result.Diagnostics);
        return Assert.Single(result.GeneratedSources).SourceText.ToString();
    }

    private static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> manifests, CSharpParseOptions? parseOptions = null)
        => CSharpGeneratorDriver.Create(
            new[] { new ModelRefsGenerator().AsSourceGenerator() },
            additionalTexts: manifests,
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static void AssertIncremental(GeneratorDriver driver, Compilation compilation)
    {
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        IncrementalAssert.NoRoslynObjectsInOutputs(result);

        // The same inputs again (a new but equal compilation, as after a keystroke that changes nothing).
        GeneratorRunResult again = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
        Assert.Null(again.Exception);
        IncrementalAssert.AllCachedOrUnchanged(result, again);
        Assert.Equal(result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())), again.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));
    }

    /// <summary>Errors and warnings of a compilation, as text, for assertion messages.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics)
        => string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        foreach (string path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            paths[Path.GetFileName(path)] = path;
        }

        foreach (string path in new[]
                 {
                     typeof(ModelRefs.Runtime.ModelSession).Assembly.Location,
                     typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.Location,
                 })
        {
            paths[Path.GetFileName(path)] = path;
        }

        // Only managed assemblies the user's project would reference: the platform, the runtime and ORT.
        return paths.Values
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !Path.GetFileName(p).StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
                        && !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase)
                        && !Path.GetFileName(p).StartsWith("ModelRefs.Generator", StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
