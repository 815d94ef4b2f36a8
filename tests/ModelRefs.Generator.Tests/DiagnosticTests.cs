using Microsoft.CodeAnalysis;
using ModelRefs.Generator.Tests.Infrastructure;

namespace ModelRefs.Generator.Tests;

/// <summary>Bad input becomes MR2001 or MR2003 at the manifest, never an exception in the compiler.</summary>
public class DiagnosticTests
{
    private const string Path = "/proj/obj/Debug/SileroVad.modelref.json";

    private static string Silero => TestFiles.ReadManifest("SileroVad.modelref.json");

    [Fact]
    public void Malformed_json_is_MR2003_with_the_file_and_line()
    {
        string text = Silero.Replace("\"schema\": 1,", "\"schema\": 1,,");
        GeneratorRunResult result = GeneratorHarness.Run(GeneratorHarness.Manifest(Path, text));
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MR2003", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(Path, d.Location.GetLineSpan().Path);
        Assert.Equal(1, d.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains(Path, d.GetMessage());
        Assert.Contains("line 2", d.GetMessage());
        Assert.Empty(result.GeneratedSources);
    }

    [Theory]
    [InlineData("[]", "top level must be a JSON object")]
    [InlineData("{\"schema\":1,\"inputs\":[],\"outputs\":[]}", "'name' is missing")]
    [InlineData("{\"schema\":1,\"name\":\"  \",\"inputs\":[],\"outputs\":[]}", "'name' is empty")]
    [InlineData("{\"schema\":1,\"name\":\"M\",\"outputs\":[]}", "'inputs' is missing")]
    [InlineData("{\"schema\":1,\"name\":\"M\",\"inputs\":{},\"outputs\":[]}", "'inputs' must be an array")]
    [InlineData("{\"schema\":1,\"name\":7,\"inputs\":[],\"outputs\":[]}", "'name' must be a string")]
    [InlineData("{\"schema\":2,\"name\":\"M\",\"inputs\":[],\"outputs\":[]}", "schema version 2 is newer")]
    [InlineData("{\"schema\":1.5,\"name\":\"M\",\"inputs\":[],\"outputs\":[]}", "must be an integer")]
    [InlineData("{\"name\":\"M\",\"inputs\":[{\"elementType\":\"float\"}],\"outputs\":[]}", "'inputs[0].name' is missing")]
    [InlineData("{\"name\":\"M\",\"inputs\":[{\"name\":\"x\",\"shape\":[{\"value\":\"3\"}]}],\"outputs\":[]}", "'inputs[0].shape[0].value' must be an integer")]
    [InlineData("{\"name\":\"M\",\"inputs\":[{\"name\":\"x\",\"shape\":[1]}],\"outputs\":[]}", "'inputs[0].shape[0]' must be an object")]
    [InlineData("{\"name\":\"M\",\"inputs\":[],\"outputs\":[],\"metadata\":[1]}", "'metadata' entries must be objects")]
    public void Structural_problems_are_MR2003(string text, string expected)
    {
        GeneratorRunResult result = GeneratorHarness.Run(GeneratorHarness.Manifest(Path, text));
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MR2003", d.Id);
        Assert.Contains(expected, d.GetMessage());
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Unreadable_file_is_MR2003()
    {
        GeneratorRunResult result = GeneratorHarness.Run(GeneratorHarness.Manifest(Path, null));
        Assert.Equal("MR2003", Assert.Single(result.Diagnostics).Id);
    }

    [Fact]
    public void Other_additional_files_are_ignored()
    {
        GeneratorRunResult result = GeneratorHarness.Run(GeneratorHarness.Manifest("/proj/appsettings.json", "not json"));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(result.GeneratedSources);
    }

    [Theory]
    [InlineData("\"elementType\": \"int64\", \"shape\": [ ]", "\"elementType\": \"complex64\", \"shape\": [ ]", "element type 'complex64'")]
    [InlineData("\"kind\": \"tensor\", \"elementType\": \"int64\"", "\"kind\": \"sequence\", \"elementType\": \"int64\"", "value kind 'sequence'")]
    [InlineData("\"kind\": \"tensor\", \"elementType\": \"int64\"", "\"kind\": \"tensor\"", "element type 'undefined'")]
    // A sequence the generator could map as an output is still refused as an input.
    [InlineData("\"kind\": \"tensor\", \"elementType\": \"int64\", \"shape\": [ ]", "\"kind\": \"sequence\", \"elementType\": \"int64\", \"shape\": null, \"type\": \"seq(tensor(int64))\"",
        "value kind 'sequence' (seq(tensor(int64))), and sequences are supported as outputs only")]
    [InlineData("\"kind\": \"tensor\", \"elementType\": \"int64\", \"shape\": [ ]", "\"kind\": \"map\", \"elementType\": \"float\", \"shape\": null, \"type\": \"map(int64,tensor(float))\"",
        "value kind 'map' (map(int64,tensor(float)))")]
    public void Unsupported_types_are_MR2001_and_skip_only_that_model(string find, string replace, string expected)
    {
        string bad = Silero.Replace(find, replace);
        Assert.NotEqual(Silero, bad);
        GeneratorRunResult result = GeneratorHarness.Run(
            GeneratorHarness.Manifest(Path, bad),
            GeneratorHarness.Manifest("/proj/obj/AllTypes.modelref.json", TestFiles.ReadManifest("AllTypes.modelref.json")));

        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MR2001", d.Id);
        // An error: a model that cannot be wrapped fails the build rather than leaving code with CS0246.
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("input 'sr'", d.GetMessage());
        Assert.Contains(expected, d.GetMessage());
        Assert.Equal(Path, d.Location.GetLineSpan().Path);
        Assert.Contains("\"sr\"", bad.Replace("\r\n", "\n").Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Equal("Samples.Models.AllTypes.g.cs", Assert.Single(result.GeneratedSources).HintName);
    }

    [Fact]
    public void Two_manifests_for_one_type_never_throw_the_later_path_is_MR2003_whatever_the_order()
    {
        // Restore never writes these (MR0008, tested in Core); the generator still must not crash.
        AdditionalText a = GeneratorHarness.Manifest("/proj/obj/a/SileroVad.modelref.json", Silero);
        AdditionalText b = GeneratorHarness.Manifest("/proj/obj/b/SileroVad.modelref.json", Silero.Replace("\"license\": \"MIT\"", "\"license\": \"ISC\""));

        foreach (AdditionalText[] order in new[] { new[] { a, b }, new[] { b, a } })
        {
            GeneratorRunResult result = GeneratorHarness.Run(order);
            Diagnostic d = Assert.Single(result.Diagnostics);
            Assert.Equal("MR2003", d.Id);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.Equal(b.Path, d.Location.GetLineSpan().Path);
            Assert.Contains(a.Path, d.GetMessage());
            Assert.Contains("VoiceActivity.Models.SileroVad.g.cs", d.GetMessage());
            string source = Assert.Single(result.GeneratedSources).SourceText.ToString();
            Assert.Contains("\"MIT\"", source);
        }
    }

    [Fact]
    public void Same_name_in_different_namespaces_is_fine()
    {
        GeneratorRunResult result = GeneratorHarness.Run(
            GeneratorHarness.Manifest("/proj/obj/1.modelref.json", Silero),
            GeneratorHarness.Manifest("/proj/obj/2.modelref.json", Silero.Replace("VoiceActivity.Models", "Other.Models")));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(2, result.GeneratedSources.Length);
    }

    [Theory]
    [InlineData("Run")]
    [InlineData("Info")]
    [InlineData("ModelFile")]
    [InlineData("Dispose")]
    public void A_model_named_like_a_generated_member_is_MR2003(string name)
    {
        // Restore refuses these names (MR0009); a manifest that has one is not restore's.
        GeneratorRunResult result = GeneratorHarness.Run(
            GeneratorHarness.Manifest(Path, Silero.Replace("\"name\": \"SileroVad\"", "\"name\": \"" + name + "\"")));
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MR2003", d.Id);
        Assert.Contains("member of the generated class", d.GetMessage());
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Truncated_and_corrupted_manifests_never_throw()
    {
        string text = Silero;
        var random = new Random(20261127);
        var manifests = new List<string>();
        for (int length = 0; length < text.Length; length += 7)
        {
            manifests.Add(text.Substring(0, length));
        }

        const string alphabet = "{}[]\",:0-9.e\\u \n";
        for (int i = 0; i < 300; i++)
        {
            char[] chars = text.ToCharArray();
            for (int k = 0; k < 3; k++)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            manifests.Add(new string(chars));
        }

        foreach (string manifest in manifests)
        {
            GeneratorRunResult result = GeneratorHarness.Run(GeneratorHarness.Manifest(Path, manifest));
            Assert.Null(result.Exception);
            Assert.True(
                result.GeneratedSources.Length == 1 || result.Diagnostics.Any(d => d.Id is "MR2001" or "MR2003"),
                "Neither code nor a diagnostic for:\n" + manifest);
        }
    }
}
