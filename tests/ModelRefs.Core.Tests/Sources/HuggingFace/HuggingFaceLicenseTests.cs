using ModelRefs.Core.Licensing;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.HuggingFace;

namespace ModelRefs.Core.Tests.Sources.HuggingFace;

/// <summary>The Hub's licence ids → what restore records, and the category the analyzer sees.</summary>
public sealed class HuggingFaceLicenseTests
{
    [Theory]
    [InlineData("apache-2.0", "Apache-2.0", LicenseCategory.Permissive)]
    [InlineData("mit", "MIT", LicenseCategory.Permissive)]
    [InlineData("bsd-3-clause", "BSD-3-Clause", LicenseCategory.Permissive)]
    [InlineData("cc-by-4.0", "CC-BY-4.0", LicenseCategory.Permissive)]
    [InlineData("cc0-1.0", "CC0-1.0", LicenseCategory.PublicDomain)]
    [InlineData("cc-by-sa-4.0", "CC-BY-SA-4.0", LicenseCategory.WeakCopyleft)]
    [InlineData("gpl-3.0", "GPL-3.0-only", LicenseCategory.StrongCopyleft)]
    [InlineData("agpl-3.0", "AGPL-3.0-only", LicenseCategory.NetworkCopyleft)]
    [InlineData("cc-by-nc-4.0", "CC-BY-NC-4.0", LicenseCategory.NonCommercial)]
    [InlineData("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0", LicenseCategory.NonCommercial)]
    [InlineData("cc-by-nc-nd-4.0", "CC-BY-NC-ND-4.0", LicenseCategory.NonCommercial)]
    [InlineData("cc-by-nd-4.0", "CC-BY-ND-4.0", LicenseCategory.NoDerivatives)]
    [InlineData("openrail", "OpenRAIL", LicenseCategory.UseRestricted)]
    [InlineData("openrail++", "OpenRAIL++", LicenseCategory.UseRestricted)]
    [InlineData("creativeml-openrail-m", "CreativeML-OpenRAIL-M", LicenseCategory.UseRestricted)]
    [InlineData("bigscience-openrail-m", "BigScience-OpenRAIL-M", LicenseCategory.UseRestricted)]
    [InlineData("bigscience-bloom-rail-1.0", "BigScience-BLOOM-RAIL-1.0", LicenseCategory.UseRestricted)]
    [InlineData("bigcode-openrail-m", "BigCode-OpenRAIL-M", LicenseCategory.UseRestricted)]
    [InlineData("llama2", "llama2", LicenseCategory.UseRestricted)]
    [InlineData("llama3", "llama3", LicenseCategory.UseRestricted)]
    [InlineData("llama3.1", "llama3.1", LicenseCategory.UseRestricted)]
    [InlineData("llama3.2", "llama3.2", LicenseCategory.UseRestricted)]
    [InlineData("llama3.3", "llama3.3", LicenseCategory.UseRestricted)]
    [InlineData("llama4", "llama4", LicenseCategory.UseRestricted)]
    [InlineData("gemma", "gemma", LicenseCategory.UseRestricted)]
    [InlineData("fair-noncommercial-research-license", "fair-noncommercial-research-license", LicenseCategory.NonCommercial)]
    [InlineData("deepfloyd-if-license", "deepfloyd-if-license", LicenseCategory.NonCommercial)]
    [InlineData("apple-ascl", "LicenseRef-apple-ascl", LicenseCategory.Unknown)] // not in the table
    [InlineData("c-uda", "LicenseRef-c-uda", LicenseCategory.Unknown)]
    [InlineData("other", "LicenseRef-other", LicenseCategory.Unknown)]
    public void HubIds_MapToTheTable_WithTheirCategory(string hubId, string expected, LicenseCategory category)
    {
        var mapped = HuggingFaceLicenses.Map([hubId], licenseName: null, licenseLink: null)!;
        Assert.Equal(expected, mapped.Expression);
        var restored = RestoredLicense.Resolve(null, Artifact(mapped.Expression));
        Assert.Equal(expected, restored.Expression);
        Assert.Equal(category, restored.Category);
        Assert.Equal(HuggingFaceModelSource.LicenseSourceName, restored.Source);
    }

    [Fact]
    public void Other_NamesItsLicence_AndCarriesItsLink()
    {
        var custom = HuggingFaceLicenses.Map(["other"], "Acme Model Licence v2", "https://acme.example/model-licence")!;
        Assert.Equal("LicenseRef-Acme-Model-Licence-v2", custom.Expression);
        Assert.Equal("https://acme.example/model-licence", custom.Link);
        Assert.Equal(LicenseCategory.Unknown, RestoredLicense.Resolve(null, Artifact(custom.Expression)).Category);

        // license: other with a license_name the table knows (as Gemma's cards write it) is that licence.
        var gemma = HuggingFaceLicenses.Map(["other"], "gemma", "https://ai.google.dev/gemma/terms")!;
        Assert.Equal("gemma", gemma.Expression);
        Assert.Equal(LicenseCategory.UseRestricted, RestoredLicense.Resolve(null, Artifact(gemma.Expression)).Category);

        // A link without license: other is not carried (the id names the terms).
        Assert.Null(HuggingFaceLicenses.Map(["mit"], null, "https://example.com")!.Link);
    }

    [Fact]
    public void SeveralLicences_AllApply_AndNoneIsNull()
    {
        var both = HuggingFaceLicenses.Map(["apache-2.0", "cc-by-nc-4.0"], null, null)!;
        Assert.Equal("Apache-2.0 AND CC-BY-NC-4.0", both.Expression);
        Assert.Equal(LicenseCategory.NonCommercial, RestoredLicense.Resolve(null, Artifact(both.Expression)).Category);
        Assert.Null(HuggingFaceLicenses.Map([], null, null));
        Assert.Null(HuggingFaceLicenses.Map(["  "], null, null));
        // "unknown" on a card is no licence at all.
        Assert.Null(RestoredLicense.Resolve(null, Artifact(HuggingFaceLicenses.Map(["unknown"], null, null)!.Expression)).Expression);
    }

    private static FetchedArtifact Artifact(string license) =>
        new("/x.onnx", new string('0', 64), "hf:o/r@" + new string('0', 40) + "/x.onnx", license, HuggingFaceModelSource.LicenseSourceName);
}
