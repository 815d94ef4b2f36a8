using System.Reflection;
using Microsoft.CodeAnalysis;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Generator.Diagnostics;
using ModelRefs.Generator.Tests.Infrastructure;

namespace ModelRefs.Generator.Tests;

/// <summary>
/// Every MR id — restore, licence analyzer and generator, found by reflection, not listed by hand —
/// has a page under docs/diagnostics/ that its help link points at; every analyzer and generator
/// rule is in the release tracking file; every page is an id's (or says it is retired).
/// </summary>
public class DiagnosticCatalogTests
{
    private const string HelpLinkBase = "https://github.com/modelrefs/modelrefs/blob/main/docs/diagnostics/";

    private static string DocsFolder => Path.Combine(TestFiles.ProjectDirectory, "..", "..", "docs", "diagnostics");

    /// <summary>Every descriptor the generator assembly declares, in any static field (also in arrays).</summary>
    public static List<DiagnosticDescriptor> CompilerDescriptors()
        => typeof(ModelRefsGenerator).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(f => !f.FieldType.ContainsGenericParameters && !f.DeclaringType!.ContainsGenericParameters)
            .SelectMany(f => f.GetValue(null) switch
            {
                DiagnosticDescriptor d => [d],
                IEnumerable<DiagnosticDescriptor> many => many,
                _ => [],
            })
            .Distinct()
            .ToList();

    public static List<RestoreDiagnostic> RestoreDescriptors()
        => typeof(RestoreDiagnostics).GetFields(BindingFlags.Static | BindingFlags.Public)
            .Where(f => f.FieldType == typeof(RestoreDiagnostic))
            .Select(f => (RestoreDiagnostic)f.GetValue(null)!)
            .ToList();

    [Fact]
    public void Reflection_finds_every_kind_of_id()
    {
        List<string> ids = CompilerDescriptors().Select(d => d.Id).Concat(RestoreDescriptors().Select(d => d.Id)).Distinct().ToList();
        Assert.Contains("MR0001", ids);
        Assert.Contains("MR0999", ids);
        Assert.Contains("MR1001", ids);
        Assert.Contains("MR1008", ids);
        Assert.Contains("MR2001", ids);
        Assert.Contains("MR2003", ids);
        Assert.DoesNotContain("MR2002", ids);
    }

    [Fact]
    public void Every_restore_id_has_a_page_and_its_help_link()
    {
        List<RestoreDiagnostic> all = RestoreDescriptors();
        Assert.Equal(all.Count, all.Select(d => d.Id).Distinct().Count());
        Assert.All(all, d =>
        {
            Assert.Matches("^MR0[0-9]{3}$", d.Id);
            Assert.Equal(HelpLinkBase + d.Id + ".md", d.HelpLink);
            AssertPage(d.Id);
        });
    }

    [Fact]
    public void Every_analyzer_and_generator_id_has_a_page_its_help_link_and_a_release_entry()
    {
        string releases = File.ReadAllText(Path.Combine(TestFiles.ProjectDirectory, "..", "..", "src", "ModelRefs.Generator", "AnalyzerReleases.Unshipped.md"));
        Assert.All(CompilerDescriptors(), d =>
        {
            Assert.Matches("^MR[12][0-9]{3}$", d.Id);
            Assert.Equal(HelpLinkBase + d.Id + ".md", d.HelpLinkUri);
            AssertPage(d.Id);
            Assert.Contains(d.Id + " | " + d.Category + " | " + d.DefaultSeverity, releases);
            if (d.Id.StartsWith("MR2", StringComparison.Ordinal))
            {
                Assert.Same(d, DiagnosticDescriptors.ById(d.Id));
            }
        });
    }

    [Fact]
    public void Every_page_belongs_to_an_id_or_says_it_is_retired()
    {
        var ids = CompilerDescriptors().Select(d => d.Id).Concat(RestoreDescriptors().Select(d => d.Id)).ToHashSet(StringComparer.Ordinal);
        // MRA pages are modelref audit's (tests/ModelRefs.Cli.Tests checks them against its rules).
        foreach (string page in Directory.GetFiles(DocsFolder, "MR*.md").Where(p => !Path.GetFileName(p).StartsWith("MRA", StringComparison.Ordinal)))
        {
            string id = Path.GetFileNameWithoutExtension(page);
            Assert.True(ids.Contains(id) || File.ReadAllText(page).Contains("(retired)", StringComparison.Ordinal), page + " documents no id.");
        }
    }

    private static void AssertPage(string id)
    {
        string page = Path.Combine(DocsFolder, id + ".md");
        Assert.True(File.Exists(page), page + " is missing.");
        Assert.StartsWith("# " + id + ":", File.ReadAllText(page));
    }
}
