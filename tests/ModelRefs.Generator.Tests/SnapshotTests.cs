using ModelRefs.Generator.Tests.Infrastructure;

namespace ModelRefs.Generator.Tests;

/// <summary>The emitted code for representative manifests, against committed baselines.</summary>
public class SnapshotTests
{
    [Theory]
    [InlineData("SileroVad")]
    [InlineData("AllTypes")]
    [InlineData("AwfulNames")]
    public void Generated_code_matches_baseline(string manifest)
    {
        string source = GeneratorHarness.GenerateSingle("/obj/" + manifest + ".modelref.json", TestFiles.ReadManifest(manifest + ".modelref.json"));
        Baselines.Verify(manifest + ".g.cs", source);
    }

    /// <summary>A model just above the threshold: the tables, the list-backed classes and the index-based span API.</summary>
    [Fact]
    public void Wide_generated_code_matches_baseline()
    {
        string source = GeneratorHarness.GenerateSingle("/obj/Wide.modelref.json", WideManifests.Text(ModelRefs.Generator.Model.ModelSpec.WideThreshold + 1, allKinds: true));
        Baselines.Verify("Wide.g.cs", source);
    }

    [Fact]
    public void Output_does_not_depend_on_the_manifest_path_or_line_endings()
    {
        string text = TestFiles.ReadManifest("SileroVad.modelref.json");
        string a = GeneratorHarness.GenerateSingle("/a/SileroVad.modelref.json", text.Replace("\r\n", "\n"));
        string b = GeneratorHarness.GenerateSingle(@"C:\b\obj\SileroVad.modelref.json", text.Replace("\r\n", "\n").Replace("\n", "\r\n"));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Hint_name_is_namespace_and_type()
    {
        var result = GeneratorHarness.Run(GeneratorHarness.Manifest("/obj/SileroVad.modelref.json", TestFiles.ReadManifest("SileroVad.modelref.json")));
        Assert.Equal("VoiceActivity.Models.SileroVad.g.cs", Assert.Single(result.GeneratedSources).HintName);
    }
}
