using System.Text.Json;
using ModelRefs.Core.Licensing;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.HuggingFace;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Tests.Licensing;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

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
    [InlineData("openrail", "LicenseRef-OpenRAIL", LicenseCategory.UseRestricted)]
    [InlineData("openrail++", "LicenseRef-OpenRAIL-PlusPlus-M", LicenseCategory.UseRestricted)]
    [InlineData("creativeml-openrail-m", "LicenseRef-CreativeML-OpenRAIL-M", LicenseCategory.UseRestricted)]
    [InlineData("bigscience-openrail-m", "LicenseRef-BigScience-OpenRAIL-M", LicenseCategory.UseRestricted)]
    [InlineData("bigscience-bloom-rail-1.0", "LicenseRef-BigScience-BLOOM-RAIL-1.0", LicenseCategory.UseRestricted)]
    [InlineData("bigcode-openrail-m", "LicenseRef-BigCode-OpenRAIL-M", LicenseCategory.UseRestricted)]
    [InlineData("llama2", "LicenseRef-Llama-2-Community", LicenseCategory.UseRestricted)]
    [InlineData("llama3", "LicenseRef-Llama-3-Community", LicenseCategory.UseRestricted)]
    [InlineData("llama3.1", "LicenseRef-Llama-3.1-Community", LicenseCategory.UseRestricted)]
    [InlineData("llama3.2", "LicenseRef-Llama-3.2-Community", LicenseCategory.UseRestricted)]
    [InlineData("llama3.3", "LicenseRef-Llama-3.3-Community", LicenseCategory.UseRestricted)]
    [InlineData("llama4", "LicenseRef-Llama-4-Community", LicenseCategory.UseRestricted)]
    [InlineData("gemma", "LicenseRef-Gemma", LicenseCategory.UseRestricted)]
    [InlineData("fair-noncommercial-research-license", "LicenseRef-FAIR-Noncommercial-Research", LicenseCategory.NonCommercial)]
    [InlineData("deepfloyd-if-license", "LicenseRef-DeepFloyd-IF", LicenseCategory.NonCommercial)]
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

    // Issue 12: the Hub's ids map to SPDX ids or LicenseRef- names (never a bare "llama2", which
    // SPDX tools and CycloneDX reject), with the right category.
    [Theory]
    [InlineData("apache-2.0", "Apache-2.0", LicenseCategory.Permissive)]
    [InlineData("mit", "MIT", LicenseCategory.Permissive)]
    [InlineData("cc-by-nc-4.0", "CC-BY-NC-4.0", LicenseCategory.NonCommercial)]
    [InlineData("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0", LicenseCategory.NonCommercial)]
    [InlineData("openrail", "LicenseRef-OpenRAIL", LicenseCategory.UseRestricted)]
    [InlineData("openrail++", "LicenseRef-OpenRAIL-PlusPlus-M", LicenseCategory.UseRestricted)]
    [InlineData("creativeml-openrail-m", "LicenseRef-CreativeML-OpenRAIL-M", LicenseCategory.UseRestricted)]
    [InlineData("bigscience-openrail-m", "LicenseRef-BigScience-OpenRAIL-M", LicenseCategory.UseRestricted)]
    [InlineData("llama2", "LicenseRef-Llama-2-Community", LicenseCategory.UseRestricted)]
    [InlineData("llama3", "LicenseRef-Llama-3-Community", LicenseCategory.UseRestricted)]
    [InlineData("llama3.1", "LicenseRef-Llama-3.1-Community", LicenseCategory.UseRestricted)]
    [InlineData("llama3.2", "LicenseRef-Llama-3.2-Community", LicenseCategory.UseRestricted)]
    [InlineData("gemma", "LicenseRef-Gemma", LicenseCategory.UseRestricted)]
    public void Issue12HubIds_MapToAnSpdxIdOrALicenseRefName_WithTheRightCategory(string hubId, string expected, LicenseCategory category)
    {
        var mapped = HuggingFaceLicenses.Map([hubId], licenseName: null, licenseLink: null)!;
        Assert.Equal(expected, mapped.Expression);
        Assert.True(LicenseCatalogTests.IsValidSpdx(mapped.Expression), mapped.Expression);
        var entry = LicenseCatalog.Default.Find(hubId)!;
        Assert.Equal(expected, entry.Id);
        Assert.Equal(category, entry.Category);
        Assert.Equal(category, RestoredLicense.Resolve(null, Artifact(mapped.Expression)).Category);
        // The model card path (LicenseInfo) agrees with the Hub's API path.
        var card = LicenseInfo.FromModelCard($"---\nlicense: {hubId}\n---\n");
        Assert.Equal(expected, card.Expression);
        Assert.Equal(category, card.Category);
    }

    [Theory]
    [InlineData("llama2", "LicenseRef-Llama-2-Community")]
    [InlineData("OpenRAIL++", "LicenseRef-OpenRAIL-PlusPlus-M")]
    [InlineData("CreativeML-OpenRAIL-M AND gemma", "LicenseRef-CreativeML-OpenRAIL-M AND LicenseRef-Gemma")]
    public void ALockWrittenWithTheOldIds_StillResolves_AndIsNoChangeOfLicence(string oldLicense, string expected)
    {
        // Older versions recorded the Hub's ids ("license": "llama2"); the id resolves through its alias.
        var restored = RestoredLicense.Resolve(null, Artifact(oldLicense));
        Assert.Equal(expected, restored.Expression);
        Assert.Equal(LicenseCategory.UseRestricted, restored.Category);
        Assert.Equal(oldLicense, restored.Declared);
        // A locked restore compares the lock's licence with the new spelling: the same licence, no change.
        var locked = new LockedModel("hf:o/r@" + new string('0', 40) + "/x.onnx", new string('0', 64), 1, new string('0', 64), oldLicense, HuggingFaceModelSource.LicenseSourceName, null);
        Assert.Null(locked.DescribeChange(locked with { License = expected }));
        Assert.Contains("its licence would change", locked.DescribeChange(locked with { License = "MIT" }));
    }

    [Fact]
    public async Task ALockedRestore_OfALockWithTheOldId_Succeeds_AndRecordsTheLicenseRefName()
    {
        using var f = new RestoreFixture();
        using var hub = LoopbackHuggingFace.Start();
        var repo = hub.AddRepo("meta-llama/tiny");
        repo.Commit(new() { ["onnx/model.onnx"] = HuggingFaceSourceTests.SileroV5 }, cardData: new { license = "llama2" });
        var request = f.Request() with { Settings = new SettingValues { [HuggingFaceSettings.Url] = hub.Url } };
        var item = RestoreFixture.Item("hf:meta-llama/tiny/onnx/model.onnx", ("Name", "Tiny"));

        var first = await f.RestoreAsync(request, item);
        Assert.True(first.Succeeded, string.Join("\n", first.Problems));
        var lockText = File.ReadAllText(f.LockPath);
        Assert.Contains("\"license\": \"LicenseRef-Llama-2-Community\"", lockText);

        // The lock as an older version wrote it; a fresh machine restores it in locked mode, then a cached one.
        var oldLock = lockText.Replace("\"license\": \"LicenseRef-Llama-2-Community\"", "\"license\": \"llama2\"", StringComparison.Ordinal);
        File.WriteAllText(f.LockPath, oldLock);
        Assert.Equal("llama2", LockFileFormat.Read(f.LockPath)!.Find(item.Include)!.License);
        foreach (var freshMachine in new[] { true, false })
        {
            Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
            if (freshMachine)
                Directory.Delete(f.CacheRoot, recursive: true);
            var locked = await f.RestoreAsync(request with { LockedMode = true }, item);
            Assert.True(locked.Succeeded, string.Join("\n", locked.Problems));
            Assert.False(locked.LockFileWritten);
            Assert.Equal(oldLock, File.ReadAllText(f.LockPath));
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(locked.Models[0].ManifestPath));
            Assert.Equal("LicenseRef-Llama-2-Community", manifest.RootElement.GetProperty("license").GetString());
        }
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
        Assert.Equal("LicenseRef-Gemma", gemma.Expression);
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
