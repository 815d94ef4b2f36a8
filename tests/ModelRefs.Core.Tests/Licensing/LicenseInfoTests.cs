using ModelRefs.Core.Licensing;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Licensing;

public class LicenseInfoTests
{
    [Fact]
    public void FromDeclared_NormalizesAndClassifies()
    {
        var info = LicenseInfo.FromDeclared("apache 2.0", LicenseSource.HubMetadata);
        Assert.Equal("Apache-2.0", info.Expression);
        Assert.Equal(LicenseSource.HubMetadata, info.Source);
        Assert.Equal(LicenseCategory.Permissive, info.Category);
        Assert.Equal("apache 2.0", info.RawValue);
        Assert.Equal(["Apache-2.0"], info.Ids);

        var npm = LicenseInfo.FromDeclared("(MIT OR GPL-2.0+)", LicenseSource.Npm);
        Assert.Equal("MIT OR GPL-2.0-or-later", npm.Expression);
        Assert.Equal(LicenseCategory.Permissive, npm.Category);

        var exact = LicenseInfo.FromDeclared("MIT", LicenseSource.ItemMetadata);
        Assert.Null(exact.RawValue);
    }

    [Fact]
    public void FromDeclared_KeepsWhatItCannotParse()
    {
        var info = LicenseInfo.FromDeclared("Custom licence, see website", LicenseSource.Npm);
        Assert.Null(info.Expression);
        Assert.Equal(LicenseCategory.Unknown, info.Category);
        Assert.Equal("Custom licence, see website", info.RawValue);
        Assert.Same(LicenseInfo.None, LicenseInfo.FromDeclared(" ", LicenseSource.Npm));
    }

    [Fact]
    public void FromLicenseText_UsesTheRecognizer()
    {
        var info = LicenseInfo.FromLicenseText(LicenseTextRecognizerTests.SpdxText("BSD-3-Clause"));
        Assert.Equal("BSD-3-Clause", info.Expression);
        Assert.Equal(LicenseSource.LicenseFile, info.Source);
        Assert.Equal(LicenseCategory.Permissive, info.Category);
        Assert.Equal(1.0, info.Confidence);

        var unknown = LicenseInfo.FromLicenseText(File.ReadAllText(NpmPackages.GetFile("spdx-license-list@6.10.0", "readme.md")));
        Assert.Null(unknown.Expression);
        Assert.Equal(LicenseCategory.Unknown, unknown.Category);
    }

    [Theory]
    [InlineData("---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n# Model", "Apache-2.0", LicenseCategory.Permissive)]
    [InlineData("---\nlanguage:\n- en\nlicense: \"cc-by-nc-4.0\"\ntags:\n- vision\n---\n", "CC-BY-NC-4.0", LicenseCategory.NonCommercial)]
    [InlineData("\n---\r\nlicense: llama3.1 # Meta's terms\r\n---\r\n", "LicenseRef-Llama-3.1-Community", LicenseCategory.UseRestricted)]
    [InlineData("---\nlicense: other\nlicense_name: gemma\nlicense_link: https://ai.google.dev/gemma/terms\n---\n", "LicenseRef-Gemma", LicenseCategory.UseRestricted)]
    [InlineData("---\nlicense: other\nlicense_name: acme research license\n---\n", "LicenseRef-acme-research-license", LicenseCategory.Unknown)]
    [InlineData("---\nlicense: other\n---\n", "LicenseRef-other", LicenseCategory.Unknown)]
    [InlineData("---\nlicense:\n- mit\n- cc-by-4.0\n---\n", "MIT AND CC-BY-4.0", LicenseCategory.Permissive)]
    [InlineData("---\nlicense: [openrail, mit]\n---\n", "LicenseRef-OpenRAIL AND MIT", LicenseCategory.UseRestricted)]
    [InlineData("---\ntags: [x]\n---\n", null, LicenseCategory.Unknown)]
    [InlineData("# No front matter\nlicense: mit\n", null, LicenseCategory.Unknown)]
    [InlineData("---\nlicense: mit\n", null, LicenseCategory.Unknown)]
    public void FromModelCard_ReadsFrontMatter(string card, string? expression, LicenseCategory category)
    {
        var info = LicenseInfo.FromModelCard(card);
        Assert.Equal(expression, info.Expression);
        Assert.Equal(category, info.Category);
        Assert.Equal(LicenseSource.ModelCard, info.Source);
    }
}
