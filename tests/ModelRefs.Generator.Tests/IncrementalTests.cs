using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelRefs.Generator.Tests.Infrastructure;

namespace ModelRefs.Generator.Tests;

/// <summary>The pipeline caches: editing code re-runs nothing, editing one manifest re-emits only that model.</summary>
public class IncrementalTests
{
    private static AdditionalText[] ThreeManifests() => new[]
    {
        GeneratorHarness.Manifest("/obj/SileroVad.modelref.json", TestFiles.ReadManifest("SileroVad.modelref.json")),
        GeneratorHarness.Manifest("/obj/AllTypes.modelref.json", TestFiles.ReadManifest("AllTypes.modelref.json")),
        GeneratorHarness.Manifest("/obj/AwfulNames.modelref.json", TestFiles.ReadManifest("AwfulNames.modelref.json")),
    };

    [Fact]
    public void Editing_an_unrelated_syntax_tree_reruns_no_step()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("internal static class A { public static int X => 1; }");
        GeneratorDriver driver = GeneratorHarness.Run(ThreeManifests(), compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        Assert.Equal(3, first.GeneratedSources.Length);
        IncrementalAssert.NoRoslynObjectsInOutputs(first);

        SyntaxTree old = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            old, CSharpSyntaxTree.ParseText("internal static class A { public static int X => 2; }", GeneratorHarness.ParseOptions, old.FilePath));
        driver = GeneratorHarness.Run(driver, edited);
        GeneratorRunResult second = driver.GetRunResult().Results.Single();

        IncrementalAssert.AllCachedOrUnchanged(second);
        IncrementalAssert.NoRoslynObjectsInOutputs(second);
        Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), second.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void Adding_an_unrelated_syntax_tree_reruns_no_step()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("internal static class A { }");
        GeneratorDriver driver = GeneratorHarness.Run(ThreeManifests(), compilation);
        driver = GeneratorHarness.Run(driver, compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("internal static class B { }", GeneratorHarness.ParseOptions)));
        IncrementalAssert.AllCachedOrUnchanged(driver.GetRunResult().Results.Single());
    }

    [Fact]
    public void Changing_one_manifest_regenerates_only_that_model()
    {
        AdditionalText[] manifests = ThreeManifests();
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("internal static class A { }");
        GeneratorDriver driver = GeneratorHarness.Run(manifests, compilation);
        string sileroBefore = SourceOf(driver, "VoiceActivity.Models.SileroVad.g.cs");

        AdditionalText changed = GeneratorHarness.Manifest(
            "/obj/SileroVad.modelref.json",
            TestFiles.ReadManifest("SileroVad.modelref.json").Replace("\"license\": \"MIT\"", "\"license\": \"Apache-2.0\""));
        driver = GeneratorHarness.Run(driver.ReplaceAdditionalText(manifests[0], changed), compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        Assert.Equal(1, IncrementalAssert.Reasons(result, TrackingNames.ParsedManifests).Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(2, IncrementalAssert.Reasons(result, TrackingNames.ParsedManifests).Count(r => r == IncrementalStepRunReason.Cached));
        Assert.Equal(2, IncrementalAssert.Reasons(result, TrackingNames.ManifestFiles).Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));

        List<IncrementalStepRunReason> emitted = IncrementalAssert.Reasons(result, TrackingNames.GeneratedModels);
        Assert.Equal(3, emitted.Count);
        Assert.Equal(1, emitted.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(2, emitted.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));

        string sileroAfter = SourceOf(driver, "VoiceActivity.Models.SileroVad.g.cs");
        Assert.NotEqual(sileroBefore, sileroAfter);
        Assert.Contains("\"Apache-2.0\"", sileroAfter);
    }

    [Fact]
    public void Adding_a_manifest_leaves_the_other_models_cached()
    {
        AdditionalText[] manifests = ThreeManifests();
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation("internal static class A { }");
        GeneratorDriver driver = GeneratorHarness.Run(manifests.Take(2), compilation);
        driver = GeneratorHarness.Run(driver.AddAdditionalTexts([manifests[2]]), compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        List<IncrementalStepRunReason> emitted = IncrementalAssert.Reasons(result, TrackingNames.GeneratedModels);
        Assert.Equal(1, emitted.Count(r => r == IncrementalStepRunReason.New));
        Assert.Equal(2, emitted.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Equal(3, result.GeneratedSources.Length);
    }

    [Fact]
    public void Pipeline_outputs_are_equal_when_parsed_twice()
    {
        string text = TestFiles.ReadManifest("AwfulNames.modelref.json");
        var a = Parsing.ManifestParser.Parse("/obj/a.modelref.json", text);
        var b = Parsing.ManifestParser.Parse("/obj/a.modelref.json", text);
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    private static string SourceOf(GeneratorDriver driver, string hintName)
        => driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}
