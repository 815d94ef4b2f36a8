using ModelRefs.Core.Licensing;

namespace ModelRefs.Core.Tests.Licensing;

public class LicenseCatalogTests
{
    private static LicenseCatalog Catalog => LicenseCatalog.Default;

    [Theory]
    [InlineData("MIT", LicenseCategory.Permissive, true)]
    [InlineData("MIT-0", LicenseCategory.Permissive, false)]
    [InlineData("ISC", LicenseCategory.Permissive, true)]
    [InlineData("BSD-2-Clause", LicenseCategory.Permissive, true)]
    [InlineData("BSD-3-Clause", LicenseCategory.Permissive, true)]
    [InlineData("Apache-2.0", LicenseCategory.Permissive, true)]
    [InlineData("Zlib", LicenseCategory.Permissive, false)]
    [InlineData("BSL-1.0", LicenseCategory.Permissive, false)]
    [InlineData("Python-2.0", LicenseCategory.Permissive, true)]
    [InlineData("0BSD", LicenseCategory.Permissive, false)]
    [InlineData("Unlicense", LicenseCategory.PublicDomain, false)]
    [InlineData("CC0-1.0", LicenseCategory.PublicDomain, false)]
    [InlineData("MPL-2.0", LicenseCategory.WeakCopyleft, true)]
    [InlineData("LGPL-2.1", LicenseCategory.WeakCopyleft, true)]
    [InlineData("LGPL-2.1-only", LicenseCategory.WeakCopyleft, true)]
    [InlineData("LGPL-2.1-or-later", LicenseCategory.WeakCopyleft, true)]
    [InlineData("LGPL-3.0", LicenseCategory.WeakCopyleft, true)]
    [InlineData("LGPL-3.0-only", LicenseCategory.WeakCopyleft, true)]
    [InlineData("LGPL-3.0-or-later", LicenseCategory.WeakCopyleft, true)]
    [InlineData("EPL-2.0", LicenseCategory.WeakCopyleft, true)]
    [InlineData("CC-BY-SA-3.0", LicenseCategory.WeakCopyleft, true)]
    [InlineData("CC-BY-SA-4.0", LicenseCategory.WeakCopyleft, true)]
    [InlineData("GPL-2.0", LicenseCategory.StrongCopyleft, true)]
    [InlineData("GPL-2.0-only", LicenseCategory.StrongCopyleft, true)]
    [InlineData("GPL-2.0-or-later", LicenseCategory.StrongCopyleft, true)]
    [InlineData("GPL-3.0", LicenseCategory.StrongCopyleft, true)]
    [InlineData("GPL-3.0+", LicenseCategory.StrongCopyleft, true)]
    [InlineData("GPL-3.0-only", LicenseCategory.StrongCopyleft, true)]
    [InlineData("AGPL-3.0", LicenseCategory.NetworkCopyleft, true)]
    [InlineData("AGPL-3.0-only", LicenseCategory.NetworkCopyleft, true)]
    [InlineData("AGPL-3.0-or-later", LicenseCategory.NetworkCopyleft, true)]
    [InlineData("CC-BY-3.0", LicenseCategory.Permissive, true)]
    [InlineData("CC-BY-4.0", LicenseCategory.Permissive, true)]
    [InlineData("CC-BY-NC-2.0", LicenseCategory.NonCommercial, true)]
    [InlineData("CC-BY-NC-3.0", LicenseCategory.NonCommercial, true)]
    [InlineData("CC-BY-NC-4.0", LicenseCategory.NonCommercial, true)]
    [InlineData("CC-BY-NC-SA-4.0", LicenseCategory.NonCommercial, true)]
    [InlineData("CC-BY-NC-ND-4.0", LicenseCategory.NonCommercial, true)]
    [InlineData("CC-BY-ND-4.0", LicenseCategory.NoDerivatives, true)]
    [InlineData("OpenRAIL", LicenseCategory.UseRestricted, true)]
    [InlineData("openrail", LicenseCategory.UseRestricted, true)]
    [InlineData("OpenRAIL-M", LicenseCategory.UseRestricted, true)]
    [InlineData("CreativeML-OpenRAIL-M", LicenseCategory.UseRestricted, true)]
    [InlineData("bigscience-openrail-m", LicenseCategory.UseRestricted, true)]
    [InlineData("bigscience-bloom-rail-1.0", LicenseCategory.UseRestricted, true)]
    [InlineData("llama2", LicenseCategory.UseRestricted, true)]
    [InlineData("llama3", LicenseCategory.UseRestricted, true)]
    [InlineData("llama3.1", LicenseCategory.UseRestricted, true)]
    [InlineData("gemma", LicenseCategory.UseRestricted, true)]
    [InlineData("LicenseRef-OpenRAIL", LicenseCategory.UseRestricted, true)]
    [InlineData("LicenseRef-OpenRAIL-PlusPlus-M", LicenseCategory.UseRestricted, true)]
    [InlineData("LicenseRef-CreativeML-OpenRAIL-M", LicenseCategory.UseRestricted, true)]
    [InlineData("LicenseRef-Llama-2-Community", LicenseCategory.UseRestricted, true)]
    [InlineData("LicenseRef-Llama-3.1-Community", LicenseCategory.UseRestricted, true)]
    [InlineData("LicenseRef-Gemma", LicenseCategory.UseRestricted, true)]
    [InlineData("LicenseRef-FAIR-Noncommercial-Research", LicenseCategory.NonCommercial, true)]
    [InlineData("LicenseRef-UNLICENSED", LicenseCategory.Proprietary, false)]
    [InlineData("LicenseRef-other", LicenseCategory.Unknown, false)]
    [InlineData("AGPL-3.0+", LicenseCategory.NetworkCopyleft, true)]
    [InlineData("UNLICENSED", LicenseCategory.Proprietary, false)]
    [InlineData("other", LicenseCategory.Unknown, false)]
    [InlineData("unknown", LicenseCategory.Unknown, false)]
    public void Classifies(string id, LicenseCategory category, bool attribution)
    {
        var term = LicenseExpression.Parse(id).Terms.Single();
        var entry = Catalog.Find(term);
        Assert.NotNull(entry);
        Assert.Equal(category, entry.Category);
        Assert.Equal(attribution, entry.RequiresAttribution);
    }

    [Theory]
    [InlineData("CC-BY-NC-ND-4.0", false, true)]
    [InlineData("CC-BY-ND-4.0", false, true)]
    [InlineData("CC-BY-NC-SA-4.0", true, false)]
    [InlineData("CC-BY-SA-4.0", true, false)]
    [InlineData("CC-BY-4.0", false, false)]
    public void Flags(string id, bool shareAlike, bool noDerivatives)
    {
        var entry = Catalog.Find(id)!;
        Assert.Equal(shareAlike, entry.ShareAlike);
        Assert.Equal(noDerivatives, entry.NoDerivatives);
    }

    [Fact]
    public void UnlistedIds_AreUnknown()
    {
        Assert.Equal(LicenseCategory.Unknown, Catalog.Classify(new LicenseTerm("LicenseRef-Acme")));
        Assert.Equal(LicenseCategory.Unknown, Catalog.Classify(new LicenseTerm("Totally-Made-Up-1.0")));
        Assert.Null(Catalog.Find("Totally-Made-Up-1.0"));
    }

    [Fact]
    public void EveryRow_IsWellFormed()
    {
        Assert.True(Catalog.Entries.Count > 100);
        foreach (var entry in Catalog.Entries)
        {
            Assert.False(string.IsNullOrWhiteSpace(entry.Name), entry.Id);
            Assert.DoesNotContain(' ', entry.Id);
            Assert.True(LicenseExpression.TryParse(entry.Id, out var parsed), entry.Id);
            if (entry.ReplacedBy is not null)
            {
                var replacement = Catalog.Find(entry.ReplacedBy)!;
                Assert.Equal(replacement.Category, entry.Category);
                Assert.Equal(entry.ReplacedBy, parsed!.ToString());
            }
            else
                Assert.Equal(entry.Id, parsed!.ToString());
            // Copyleft and restricted rows carry their obligations.
            if (entry.Category is LicenseCategory.StrongCopyleft or LicenseCategory.NetworkCopyleft)
                Assert.True(entry.ShareAlike && entry.RequiresAttribution, entry.Id);
            if (entry.Category == LicenseCategory.NoDerivatives)
                Assert.True(entry.NoDerivatives, entry.Id);
            foreach (var alias in entry.Aliases)
                Assert.Equal(entry.Id, Catalog.Find(alias)?.Id);
        }
    }

    /// <summary>
    /// The ids of the SPDX License List (https://spdx.org/licenses/, checked against
    /// spdx/license-list-XML) the table uses, deprecated ones included. Every other canonical id
    /// must be a LicenseRef- name: SPDX tools and CycloneDX's license.id reject anything else
    /// ("llama2", "OpenRAIL"). Add an id here only after finding it on the list.
    /// </summary>
    public static readonly IReadOnlySet<string> SpdxListedIds = new HashSet<string>(StringComparer.Ordinal)
    {
        "CC0-1.0", "Unlicense", "PDDL-1.0", "WTFPL", "0BSD", "MIT-0", "MIT", "X11", "ISC", "BSD-2-Clause",
        "BSD-3-Clause", "BSD-3-Clause-Clear", "Apache-2.0", "Apache-1.1", "Zlib", "BSL-1.0", "Python-2.0", "PSF-2.0",
        "Artistic-2.0", "AFL-3.0", "ECL-2.0", "NCSA", "PostgreSQL", "Unicode-3.0", "CC-BY-2.0", "CC-BY-2.5",
        "CC-BY-3.0", "CC-BY-4.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "ODC-By-1.0", "LGPL-2.0-only",
        "LGPL-2.0-or-later", "LGPL-2.0", "LGPL-2.0+", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-2.1", "LGPL-2.1+",
        "LGPL-3.0-only", "LGPL-3.0-or-later", "LGPL-3.0", "LGPL-3.0+", "MPL-1.1", "MPL-2.0",
        "MPL-2.0-no-copyleft-exception", "EPL-1.0", "EPL-2.0", "CDDL-1.0", "MS-PL", "OFL-1.1", "CC-BY-SA-2.0",
        "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CDLA-Sharing-1.0", "ODbL-1.0", "GPL-2.0-only", "GPL-2.0-or-later",
        "GPL-2.0", "GPL-2.0+", "GPL-3.0-only", "GPL-3.0-or-later", "GPL-3.0", "GPL-3.0+", "EUPL-1.1", "EUPL-1.2",
        "AGPL-3.0-only", "AGPL-3.0-or-later", "AGPL-3.0", "OSL-3.0", "SSPL-1.0", "CC-BY-NC-1.0", "CC-BY-NC-2.0",
        "CC-BY-NC-2.5", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-1.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-2.5",
        "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-1.0", "CC-BY-NC-ND-2.0", "CC-BY-NC-ND-2.5",
        "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0", "CC-BY-ND-1.0", "CC-BY-ND-2.0", "CC-BY-ND-2.5", "CC-BY-ND-3.0",
        "CC-BY-ND-4.0"
    };

    /// <summary>SPDX's special values for a licence field (not licences, but valid where an expression is).</summary>
    public static readonly IReadOnlySet<string> SpdxSpecialValues = new HashSet<string>(StringComparer.Ordinal) { "NONE", "NOASSERTION" };

    /// <summary>A LicenseRef- name whose idstring SPDX accepts: letters, digits, '-' and '.'.</summary>
    public static bool IsLicenseRefName(string id) =>
        id.StartsWith("LicenseRef-", StringComparison.Ordinal) && id.Length > "LicenseRef-".Length
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    /// <summary>True when <paramref name="expression"/> is made of SPDX-listed ids and LicenseRef- names only.</summary>
    public static bool IsValidSpdx(string expression) =>
        LicenseExpression.Parse(expression).Terms.All(t => SpdxListedIds.Contains(t.Id) || IsLicenseRefName(t.Id));

    [Fact]
    public void EveryCanonicalId_IsOnTheSpdxList_OrALicenseRefName()
    {
        foreach (var entry in Catalog.Entries)
        {
            Assert.True(SpdxListedIds.Contains(entry.Id) || SpdxSpecialValues.Contains(entry.Id) || IsLicenseRefName(entry.Id),
                $"'{entry.Id}' is not on the SPDX License List (SpdxListedIds) nor a LicenseRef- name; keep its spelling as an alias and name the row LicenseRef-….");
            if (entry.ReplacedBy is not null)
                Assert.Contains(entry.ReplacedBy, SpdxListedIds);
        }
        // The list names only ids the table has, so it cannot hide a removed row.
        foreach (var id in SpdxListedIds)
            Assert.Equal(id, Catalog.Find(id)?.Id);
    }

    [Theory]
    [InlineData("openrail", "LicenseRef-OpenRAIL")]
    [InlineData("OpenRAIL", "LicenseRef-OpenRAIL")]
    [InlineData("OpenRAIL-M", "LicenseRef-OpenRAIL-M")]
    [InlineData("openrail++", "LicenseRef-OpenRAIL-PlusPlus-M")]
    [InlineData("OpenRAIL++", "LicenseRef-OpenRAIL-PlusPlus-M")]
    [InlineData("CreativeML-OpenRAIL-M", "LicenseRef-CreativeML-OpenRAIL-M")]
    [InlineData("BigScience-OpenRAIL-M", "LicenseRef-BigScience-OpenRAIL-M")]
    [InlineData("BigScience-BLOOM-RAIL-1.0", "LicenseRef-BigScience-BLOOM-RAIL-1.0")]
    [InlineData("BigCode-OpenRAIL-M", "LicenseRef-BigCode-OpenRAIL-M")]
    [InlineData("llama2", "LicenseRef-Llama-2-Community")]
    [InlineData("llama3", "LicenseRef-Llama-3-Community")]
    [InlineData("llama3.1", "LicenseRef-Llama-3.1-Community")]
    [InlineData("llama3.2", "LicenseRef-Llama-3.2-Community")]
    [InlineData("llama3.3", "LicenseRef-Llama-3.3-Community")]
    [InlineData("llama4", "LicenseRef-Llama-4-Community")]
    [InlineData("gemma", "LicenseRef-Gemma")]
    [InlineData("fair-noncommercial-research-license", "LicenseRef-FAIR-Noncommercial-Research")]
    [InlineData("deepfloyd-if-license", "LicenseRef-DeepFloyd-IF")]
    [InlineData("apple-amlr", "LicenseRef-Apple-AMLR")]
    [InlineData("h-research", "LicenseRef-H-Research")]
    [InlineData("intel-research", "LicenseRef-Intel-Research")]
    [InlineData("BSD", "LicenseRef-BSD")]
    [InlineData("GPL", "LicenseRef-GPL")]
    [InlineData("LGPL", "LicenseRef-LGPL")]
    [InlineData("UNLICENSED", "LicenseRef-UNLICENSED")]
    [InlineData("other", "LicenseRef-other")]
    [InlineData("SEE-LICENSE-IN", "LicenseRef-SEE-LICENSE-IN")]
    [InlineData("AGPL-3.0+", "AGPL-3.0-or-later")]
    public void IdsOfOlderVersions_AreAliasesOfTheirNewRow(string oldId, string newId)
    {
        // What older versions recorded (locks, manifests, AcceptLicense) still finds its row.
        Assert.Equal(newId, Catalog.Find(oldId)?.Id);
        Assert.Equal(newId, LicenseExpression.Parse(oldId).ToString());
    }

    [Fact]
    public void Table_CanBeExtended()
    {
        var extended = Catalog.WithEntries(LicenseCatalog.ParseTable(
            "acme-model-license | NonCommercial | attribution | Acme Model License | Acme ML License\n" +
            "MIT                | Permissive    | -           | MIT, attribution waived by policy | -"));
        Assert.Equal(LicenseCategory.NonCommercial, extended.Classify(new LicenseTerm("acme-model-license")));
        Assert.Equal("acme-model-license", LicenseExpression.Parse("Acme ML License", extended).ToString());
        Assert.False(extended.Find("MIT")!.RequiresAttribution);
        Assert.True(Catalog.Find("MIT")!.RequiresAttribution);
        Assert.Equal(LicenseCategory.Unknown, Catalog.Classify(new LicenseTerm("acme-model-license")));
    }

    [Theory]
    [InlineData("MIT | Permissive | attribution | x")]
    [InlineData("MIT | Permissivee | attribution | x | -")]
    [InlineData("MIT | Permissive | attrib | x | -")]
    [InlineData("M I T | Permissive | - | x | -")]
    public void Table_RejectsBadRows(string row) =>
        Assert.Throws<FormatException>(() => LicenseCatalog.ParseTable(row));

    [Fact]
    public void Table_RejectsDuplicatesAndDanglingReplacements()
    {
        Assert.Throws<ArgumentException>(() => new LicenseCatalog(LicenseCatalog.ParseTable("A | Permissive | - | a | -\na | Permissive | - | a | -")));
        Assert.Throws<ArgumentException>(() => new LicenseCatalog(LicenseCatalog.ParseTable("A | Permissive | replaced-by=B | a | -")));
        Assert.Throws<ArgumentException>(() => new LicenseCatalog(LicenseCatalog.ParseTable("A | Permissive | - | a | x\nB | Permissive | - | b | x")));
    }

    [Theory]
    [InlineData("MIT", LicenseCategory.Permissive)]
    [InlineData("CC-BY-NC-4.0 OR MIT", LicenseCategory.Permissive)]
    [InlineData("CC-BY-NC-4.0 AND MIT", LicenseCategory.NonCommercial)]
    [InlineData("GPL-3.0-only OR LGPL-3.0-only", LicenseCategory.WeakCopyleft)]
    [InlineData("LicenseRef-X OR gemma", LicenseCategory.UseRestricted)]
    [InlineData("LicenseRef-X OR LicenseRef-Gemma", LicenseCategory.UseRestricted)]
    [InlineData("LicenseRef-X", LicenseCategory.Unknown)]
    public void Summarize_TakesTheFriendliestAlternative(string expression, LicenseCategory expected) =>
        Assert.Equal(expected, Catalog.Summarize(LicenseExpression.Parse(expression)));

    [Fact]
    public void NpmSeeLicenseIn_GivesTheFile()
    {
        Assert.True(LicenseCatalog.TryGetSeeLicenseFile("SEE LICENSE IN LICENSE.txt", out var file));
        Assert.Equal("LICENSE.txt", file);
        Assert.False(LicenseCatalog.TryGetSeeLicenseFile("MIT", out _));
    }
}
