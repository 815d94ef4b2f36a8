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
