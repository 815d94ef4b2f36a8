using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Tests.Sources;

public class SemanticVersionTests
{
    [Theory]
    [InlineData("1.0.0", "1.0.1")]
    [InlineData("1.0.0-alpha", "1.0.0")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta")]
    [InlineData("1.0.0-2", "1.0.0-10")]
    [InlineData("0.9.99", "0.10.0")]
    [InlineData("1.0.0-rc.1", "1.0.0-rc.1.1")]
    [InlineData("v0.14.1", "v0.15.0")]
    public void SemverPrecedence(string lower, string higher) =>
        Assert.True(SemanticVersion.Parse(lower)!.CompareTo(SemanticVersion.Parse(higher)) < 0, $"{lower} < {higher}");

    [Theory]
    [InlineData("v2", "2.0.0")]
    [InlineData("1.4", "1.4.0")]
    [InlineData("v1.4-rc1", "1.4.0-rc1")]
    public void ShortTags_ReadAsFullVersions_OnlyWhenAllowed(string tag, string full)
    {
        Assert.Null(SemanticVersion.Parse(tag));
        Assert.Equal(0, SemanticVersion.Parse(tag, allowShort: true)!.CompareTo(SemanticVersion.Parse(full)));
    }

    [Theory]
    [InlineData("main")]
    [InlineData("release/1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("+1.2.3")]
    [InlineData("1..2")]
    public void NonVersions_AreNull(string text) => Assert.Null(SemanticVersion.Parse(text, allowShort: true));
}
