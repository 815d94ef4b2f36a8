using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelRefs.Generator.Licensing;
using static ModelRefs.Generator.Tests.Licensing.LicenseAnalyzerHarness;

namespace ModelRefs.Generator.Tests.Licensing;

/// <summary>
/// MR1001–MR1008: each finding at every use of the model's class and once at its ModelReference
/// line; AcceptLicense, the allowed/denied lists, the project's licence and severity configuration.
/// </summary>
public class LicenseAnalyzerTests
{
    // Uses at (7,25) construction, (8,20) static member, (9,9) method call.
    private const string Uses = """
        using VoiceActivity.Models;

        internal static class App
        {
            public static void Main()
            {
                using var vad = new SileroVad();
                var info = SileroVad.Info;
                vad.Dispose();
            }
        }
        """;

    private const string NoUses = "internal static class App { }";

    private static string[] AtUsesAndItem(string id) =>
        [$"Program.cs(7,25): warning {id}", $"Program.cs(8,20): warning {id}", $"Program.cs(9,9): warning {id}", $"VoiceActivity.csproj(12,1): warning {id}"];

    private static Dictionary<string, string> Props(params string[] pairs)
    {
        var result = new Dictionary<string, string>();
        for (int i = 0; i < pairs.Length; i += 2)
        {
            result[pairs[i]] = pairs[i + 1];
        }

        return result;
    }

    public static TheoryData<string?, string[], string> Positives => new()
    {
        { "CC-BY-NC-4.0", [], "MR1001" },
        { "GPL-3.0-only", ["PackageLicenseExpression", "MIT"], "MR1002" },
        { "GPL-3.0-only", [], "MR1002" },
        { "AGPL-3.0-only", ["PackageLicenseExpression", "GPL-3.0-or-later"], "MR1002" },
        { "LicenseRef-CreativeML-OpenRAIL-M", [], "MR1003" },
        { "LicenseRef-Llama-3.1-Community", [], "MR1003" },
        { "LicenseRef-Gemma", [], "MR1003" },
        // Manifests written by older versions name these licences by the Hub's ids.
        { "CreativeML-OpenRAIL-M", [], "MR1003" },
        { "llama3.1", [], "MR1003" },
        { "CC-BY-ND-4.0", [], "MR1004" },
        { null, [], "MR1005" },
        { "LicenseRef-acme-research", [], "MR1005" },
        { "LicenseRef-UNLICENSED", [], "MR1005" },
        { "UNLICENSED", [], "MR1005" },
        { "MIT", ["ModelRefsDeniedLicenses", "GPL-3.0;MIT"], "MR1006" },
        { "MIT", ["ModelRefsAllowedLicenses", "Apache-2.0;BSD-3-Clause"], "MR1007" },
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public void Finding_is_reported_at_every_use_and_at_the_item_line(string? license, string[] properties, string id)
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(Uses, Manifest(license), Props(properties));

        Assert.Equal(AtUsesAndItem(id), Describe(diagnostics.Where(d => d.Id == id)));
        Assert.All(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning), d => Assert.Equal(id, d.Id));
        Diagnostic first = diagnostics.First(d => d.Id == id);
        Assert.StartsWith("Model 'SileroVad': ", first.GetMessage());
        Assert.Equal("https://github.com/modelrefs/modelrefs/blob/main/docs/diagnostics/" + id + ".md", first.Descriptor.HelpLinkUri);
        Assert.Equal(ProjectFile, diagnostics.Last(d => d.Id == id).Location.GetLineSpan().Path);
    }

    public static TheoryData<string?, string[]> Negatives => new()
    {
        { "MIT", [] },                                                                 // MR1001-MR1007: a permissive licence
        { "Apache-2.0 OR CC-BY-NC-4.0", [] },                                          // MR1001: the OR offers a commercial choice
        { "GPL-3.0-only", ["PackageLicenseExpression", "GPL-3.0-or-later"] },          // MR1002: a compatible project licence
        { "LGPL-3.0-only", ["PackageLicenseExpression", "MIT"] },                      // MR1002: weak copyleft fits any project
        { "MIT", ["ModelRefsDeniedLicenses", "GPL-3.0;CC-BY-NC-4.0"] },                // MR1006: not in the denied list
        { "MIT", ["ModelRefsAllowedLicenses", "Apache-2.0;MIT"] },                     // MR1007: in the allowed list
        { "CC-BY-NC-4.0", ["ModelRefsAllowedLicenses", "MIT;CC-BY-NC-4.0"] },          // allowed = reviewed project-wide: no MR1001
        { "GPL-3.0-only", ["ModelRefsAllowedLicenses", "GPL-3.0"] },                   // the list names licences, not version clauses
    };

    [Theory]
    [MemberData(nameof(Negatives))]
    public void No_warning_when_the_licence_fits(string? license, string[] properties)
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(Uses, Manifest(license), Props(properties));

        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Attribution_MR1008_is_info_once_per_model_at_the_item_not_at_uses()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(Uses, Manifest("MIT"));

        Assert.Equal(["VoiceActivity.csproj(12,1): info MR1008"], Describe(diagnostics));
        Assert.Contains("MIT requires attribution", diagnostics[0].GetMessage());
    }

    [Fact]
    public void No_attribution_note_for_a_public_domain_licence()
    {
        Assert.Empty(Analyze(Uses, Manifest("CC0-1.0")));
    }

    [Fact]
    public void Unused_model_is_still_reported_once_at_its_item_line()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(NoUses, Manifest("CC-BY-NC-4.0"));

        Assert.Equal(["VoiceActivity.csproj(12,1): warning MR1001", "VoiceActivity.csproj(12,1): info MR1008"], Describe(diagnostics));
    }

    [Fact]
    public void Item_line_unknown_points_at_the_project_file()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(NoUses, Manifest("CC-BY-NC-4.0", itemLine: 0));

        Assert.Contains("VoiceActivity.csproj(1,1): warning MR1001", Describe(diagnostics));
    }

    [Fact]
    public void AcceptLicense_silences_the_accepted_licence()
    {
        Assert.Empty(Analyze(Uses, Manifest("CC-BY-NC-4.0", accept: ["cc-by-nc-4.0"])));
    }

    [Fact]
    public void AcceptLicense_silences_exactly_the_accepted_ids()
    {
        ImmutableArray<Diagnostic> other = Analyze(Uses, Manifest("CC-BY-NC-4.0", accept: ["CC-BY-NC-SA-4.0"]));
        Assert.Equal(AtUsesAndItem("MR1001"), Describe(other.Where(d => d.Id == "MR1001")));

        ImmutableArray<Diagnostic> both = Analyze(Uses, Manifest("CC-BY-NC-4.0 AND GPL-3.0-only", accept: ["CC-BY-NC-4.0"]), Props("PackageLicenseExpression", "MIT"));
        Assert.DoesNotContain(both, d => d.Id == "MR1001");
        Assert.Equal(AtUsesAndItem("MR1002"), Describe(both.Where(d => d.Id == "MR1002")));
        Assert.Contains("GPL-3.0-only", both.First(d => d.Id == "MR1002").GetMessage());
    }

    [Fact]
    public void AcceptLicense_applies_only_to_its_own_model()
    {
        const string code = """
            using VoiceActivity.Models;

            internal static class App
            {
                public static void Main()
                {
                    using var accepted = new SileroVad();
                    using var other = new OtherVad();
                }
            }
            """;
        AdditionalText[] manifests =
        [
            File(Manifest("CC-BY-NC-4.0", accept: ["CC-BY-NC-4.0"]), "SileroVad"),
            File(Manifest("CC-BY-NC-4.0", name: "OtherVad", itemLine: 14), "OtherVad"),
        ];

        ImmutableArray<Diagnostic> diagnostics = Analyze(code, manifests);

        Assert.Equal(["Program.cs(8,27): warning MR1001", "VoiceActivity.csproj(14,1): warning MR1001"], Describe(diagnostics.Where(d => d.Id == "MR1001")));
        Assert.All(diagnostics, d => Assert.StartsWith("Model 'OtherVad'", d.GetMessage()));
    }

    [Fact]
    public void Unknown_licence_names_the_declared_value_and_NOASSERTION_accepts_it()
    {
        string manifest = Manifest(null, declared: "SEE LICENSE IN LICENSE.md");
        Diagnostic d = Analyze(NoUses, manifest).Single();
        Assert.Equal("MR1005", d.Id);
        Assert.Contains("'SEE LICENSE IN LICENSE.md'", d.GetMessage());

        Assert.Empty(Analyze(Uses, Manifest(null, accept: ["NOASSERTION"], declared: "SEE LICENSE IN LICENSE.md")));
    }

    [Fact]
    public void A_class_of_the_same_name_that_ModelRefs_did_not_generate_is_not_a_use()
    {
        const string code = """
            namespace Mine
            {
                internal sealed class SileroVad { public void Run() { } }

                internal static class App
                {
                    public static void Main() => new SileroVad().Run();
                }
            }
            """;

        Assert.Equal(["VoiceActivity.csproj(12,1): warning MR1001", "VoiceActivity.csproj(12,1): info MR1008"], Describe(Analyze(code, Manifest("CC-BY-NC-4.0"))));
    }

    [Fact]
    public void EditorConfig_severity_applies_at_the_uses_and_a_global_config_at_the_item()
    {
        AnalyzerConfig editorConfig = AnalyzerConfig.Parse("root = true\n[*.cs]\ndotnet_diagnostic.MR1001.severity = error\n", "/src/VoiceActivity/.editorconfig");
        Assert.Equal(
            ["Program.cs(7,25): error MR1001", "Program.cs(8,20): error MR1001", "Program.cs(9,9): error MR1001", "VoiceActivity.csproj(12,1): warning MR1001"],
            Describe(Analyze(Uses, Manifest("CC-BY-NC-4.0"), null, editorConfig).Where(d => d.Id == "MR1001")));

        AnalyzerConfig globalConfig = AnalyzerConfig.Parse("is_global = true\ndotnet_diagnostic.MR1001.severity = error\n", "/src/VoiceActivity/.globalconfig");
        Assert.Equal(
            ["Program.cs(7,25): error MR1001", "Program.cs(8,20): error MR1001", "Program.cs(9,9): error MR1001", "VoiceActivity.csproj(12,1): error MR1001"],
            Describe(Analyze(Uses, Manifest("CC-BY-NC-4.0"), null, globalConfig).Where(d => d.Id == "MR1001")));
    }

    [Fact]
    public void Severity_none_turns_a_finding_off()
    {
        AnalyzerConfig config = AnalyzerConfig.Parse("is_global = true\ndotnet_diagnostic.MR1001.severity = none\ndotnet_diagnostic.MR1008.severity = none\n", "/src/VoiceActivity/.globalconfig");

        Assert.Empty(Analyze(Uses, Manifest("CC-BY-NC-4.0"), null, config));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"name\":\"M\",\"inputs\":[],\"outputs\":[],\"acceptLicense\":[1]}")]
    [InlineData("{\"name\":\"M\",\"inputs\":[],\"outputs\":[],\"license\":5}")]
    [InlineData("{\"name\":\"M\",\"inputs\":[],\"outputs\":[],\"itemLine\":\"x\"}")]
    public void Malformed_manifests_do_not_crash_the_analyzer(string text)
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(Uses.Replace("VoiceActivity.Models", "System"), [File(text, "M"), File(Manifest("MIT"))]);

        Assert.Equal(["VoiceActivity.csproj(12,1): info MR1008"], Describe(diagnostics.Where(d => d.Id.StartsWith("MR1", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData("((MIT")]
    [InlineData("Custom licence, see website")]
    public void Licence_that_is_not_an_expression_is_MR1005_not_a_crash(string license)
    {
        Assert.Equal(AtUsesAndItem("MR1005"), Describe(Analyze(Uses, Manifest(license)).Where(d => d.Id == "MR1005")));
    }

    [Fact]
    public void Every_finding_kind_has_an_id_with_both_descriptors()
    {
        var analyzer = new ModelLicenseAnalyzer();
        string[] ids = analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().ToArray();
        Assert.Equal(["MR1001", "MR1002", "MR1003", "MR1004", "MR1005", "MR1006", "MR1007", "MR1008"], ids);
        Assert.All(analyzer.SupportedDiagnostics, d => Assert.Equal("https://github.com/modelrefs/modelrefs/blob/main/docs/diagnostics/" + d.Id + ".md", d.HelpLinkUri));
        Assert.Equal(8, analyzer.SupportedDiagnostics.Count(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)));
    }
}
