using ModelRefs.Cli.Audit;
using ModelRefs.TestSupport;

namespace ModelRefs.Cli.Tests;

/// <summary>The tool's shipped tables: every audit finding has its page, every known model its real hash.</summary>
public sealed class CatalogTests
{
    [Fact]
    public void EveryAuditRule_HasAPage_AndAUniqueId()
    {
        Assert.Equal(AuditRules.All.Count, AuditRules.All.Select(r => r.Id).Distinct().Count());
        foreach (var rule in AuditRules.All)
        {
            var page = Path.Combine(RepoPaths.Root, "docs", "diagnostics", rule.Id + ".md");
            Assert.True(File.Exists(page), $"{rule.Id} has no page {page}");
            Assert.StartsWith($"# {rule.Id}: {rule.Title}", File.ReadAllText(page));
            Assert.EndsWith("docs/diagnostics/" + rule.Id + ".md", rule.HelpLink);
        }
    }

    [Fact]
    public void EveryAuditPage_BelongsToARule()
    {
        var ids = AuditRules.All.Select(r => r.Id).ToHashSet();
        foreach (var page in Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs", "diagnostics"), "MRA*.md"))
            Assert.Contains(Path.GetFileNameWithoutExtension(page), ids);
    }

    [Fact]
    public void KnownModels_HoldTheRealFilesTheTestsUse()
    {
        var silero = KnownModels.Find(NpmPackages.SileroVadV5Sha256)!;
        Assert.Equal("MIT", silero.License);
        Assert.Equal(NpmPackages.SileroVadV5Sha256,
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(
                NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path)))).ToLowerInvariant());
        var paddle = KnownModels.Find(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(
            NpmPackages.GetFile(NpmPackages.PaddleOcr, NpmPackages.PaddleOcrDetPath)))).ToLowerInvariant());
        Assert.NotNull(paddle);
        Assert.Equal("Apache-2.0", paddle.License);
        Assert.All(KnownModels.All.Values, m => Assert.True(Core.Licensing.LicenseExpression.TryParse(m.License, out _), m.License));
    }
}
