using ModelRefs.Core.Licensing;

namespace ModelRefs.Core.Tests.Licensing;

public class LicensePolicyTests
{
    private static IReadOnlyList<LicenseFinding> Evaluate(
        string? model, string? project = "MIT", string? allowed = null, string? denied = null, string? accepted = null) =>
        LicensePolicy.Evaluate(model, LicensePolicyInput.FromMSBuild(project, allowed, denied, accepted));

    private static string[] Kinds(IReadOnlyList<LicenseFinding> findings) =>
        findings.Select(f => $"{f.Kind}:{string.Join(",", f.LicenseIds)}").ToArray();

    [Theory]
    [InlineData("MIT", "AttributionRequired:MIT")]
    [InlineData("Apache-2.0", "AttributionRequired:Apache-2.0")]
    [InlineData("CC0-1.0", "")]
    [InlineData("MIT-0", "")]
    [InlineData("CC-BY-NC-4.0", "NonCommercial:CC-BY-NC-4.0 AttributionRequired:CC-BY-NC-4.0")]
    [InlineData("CC-BY-NC-ND-4.0", "NonCommercial:CC-BY-NC-ND-4.0 NoDerivatives:CC-BY-NC-ND-4.0 AttributionRequired:CC-BY-NC-ND-4.0")]
    [InlineData("CC-BY-ND-4.0", "NoDerivatives:CC-BY-ND-4.0 AttributionRequired:CC-BY-ND-4.0")]
    [InlineData("openrail", "UseRestricted:LicenseRef-OpenRAIL AttributionRequired:LicenseRef-OpenRAIL")]
    [InlineData("llama3.1", "UseRestricted:LicenseRef-Llama-3.1-Community AttributionRequired:LicenseRef-Llama-3.1-Community")]
    [InlineData("gemma", "UseRestricted:LicenseRef-Gemma AttributionRequired:LicenseRef-Gemma")]
    [InlineData("GPL-3.0", "CopyleftIncompatible:GPL-3.0-only AttributionRequired:GPL-3.0-only")]
    [InlineData("AGPL-3.0-or-later", "CopyleftIncompatible:AGPL-3.0-or-later AttributionRequired:AGPL-3.0-or-later")]
    [InlineData("LGPL-2.1-only", "AttributionRequired:LGPL-2.1-only")]
    [InlineData("MPL-2.0", "AttributionRequired:MPL-2.0")]
    [InlineData("LicenseRef-Acme", "Unknown:LicenseRef-Acme")]
    [InlineData("other", "Unknown:LicenseRef-other")]
    [InlineData("UNLICENSED", "Unknown:LicenseRef-UNLICENSED")]
    [InlineData("SEE LICENSE IN LICENSE.md", "Unknown:LicenseRef-SEE-LICENSE-IN")]
    [InlineData("unknown", "Unknown:NOASSERTION")]
    [InlineData(null, "Unknown:NOASSERTION")]
    [InlineData("  ", "Unknown:NOASSERTION")]
    [InlineData("Custom licence, see website", "Unknown:")]
    public void Findings_ForAnMitProject(string? model, string expected) =>
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), Kinds(Evaluate(model)));

    [Theory]
    // strong copyleft
    [InlineData("GPL-3.0-only", "MIT", false)]
    [InlineData("GPL-3.0-only", "GPL-3.0-or-later", true)]
    [InlineData("GPL-3.0-only", "GPL-3.0-only", true)]
    [InlineData("GPL-2.0-or-later", "GPL-3.0-or-later", true)]
    [InlineData("GPL-2.0-or-later", "GPL-3.0-only", true)]
    [InlineData("GPL-2.0-only", "GPL-3.0-or-later", false)]
    [InlineData("GPL-3.0-only", "GPL-2.0-or-later", true)]
    [InlineData("GPL-3.0-only", "GPL-2.0-only", false)]
    [InlineData("GPL-3.0-only", "AGPL-3.0-only", true)]
    [InlineData("GPL-3.0-only", "LGPL-3.0-only", false)]
    [InlineData("GPL-3.0-only", "MIT OR GPL-3.0-or-later", true)]
    [InlineData("GPL-3.0-only", "Apache-2.0", false)]
    [InlineData("GPL-3.0-only", "", false)]
    [InlineData("GPL-3.0-only", "not an expression!", false)]
    [InlineData("GPL", "GPL-2.0-only", true)]
    [InlineData("EUPL-1.2", "EUPL-1.2", true)]
    [InlineData("EUPL-1.2", "EUPL-1.1", false)]
    // network copyleft: only an AGPL project takes it
    [InlineData("AGPL-3.0-only", "AGPL-3.0-or-later", true)]
    [InlineData("AGPL-3.0-only", "GPL-3.0-or-later", false)]
    [InlineData("AGPL-3.0-only", "MIT", false)]
    [InlineData("AGPL-3.0-only", "", false)]
    public void CopyleftCompatibility(string model, string project, bool compatible)
    {
        var findings = Evaluate(model, project);
        Assert.Equal(!compatible, findings.Any(f => f.Kind == LicenseFindingKind.CopyleftIncompatible));
    }

    [Theory]
    [InlineData("LGPL-3.0-only")]
    [InlineData("MPL-2.0")]
    [InlineData("EPL-2.0")]
    [InlineData("CC-BY-SA-4.0")]
    public void WeakCopyleft_IsANotice_NotAnIncompatibility(string model)
    {
        foreach (var project in new[] { "MIT", "", "LicenseRef-Proprietary" })
        {
            var finding = Assert.Single(Evaluate(model, project));
            Assert.Equal(LicenseFindingKind.AttributionRequired, finding.Kind);
            Assert.False(finding.IsWarning);
            Assert.Contains("separate file", finding.Message);
        }
    }

    [Fact]
    public void NoProjectLicence_CopyleftMessageSaysSo()
    {
        var finding = Evaluate("GPL-3.0-only", project: null).First();
        Assert.Equal(LicenseFindingKind.CopyleftIncompatible, finding.Kind);
        Assert.Contains("declares no PackageLicenseExpression", finding.Message);
        Assert.Contains("AcceptLicense=\"GPL-3.0-only\"", finding.Message);
    }

    [Fact]
    public void Or_PicksTheFriendliestAlternative()
    {
        Assert.Equal(["AttributionRequired:MIT"], Kinds(Evaluate("CC-BY-NC-4.0 OR MIT")));
        Assert.Equal(["AttributionRequired:MIT"], Kinds(Evaluate("GPL-3.0-only OR MIT")));
        Assert.Equal([], Kinds(Evaluate("MIT OR CC0-1.0")));
        Assert.Equal(["AttributionRequired:GPL-3.0-only"], Kinds(Evaluate("GPL-3.0-only OR CC-BY-NC-4.0", project: "GPL-3.0-or-later")));
    }

    [Fact]
    public void And_NeedsEveryTerm()
    {
        Assert.Equal(
            ["AttributionRequired:MIT", "NonCommercial:CC-BY-NC-4.0", "AttributionRequired:CC-BY-NC-4.0"],
            Kinds(Evaluate("MIT AND CC-BY-NC-4.0")));
    }

    [Fact]
    public void Or_WhereNoAlternativeIsClean_SaysSo()
    {
        var finding = Evaluate("CC-BY-NC-4.0 OR CC-BY-NC-SA-4.0").First(f => f.IsWarning);
        Assert.Equal(LicenseFindingKind.NonCommercial, finding.Kind);
        Assert.Contains("none of them avoids this", finding.Message);
    }

    [Fact]
    public void AcceptLicense_SilencesExactlyTheAcceptedIds()
    {
        Assert.Empty(Evaluate("CC-BY-NC-4.0", accepted: "CC-BY-NC-4.0"));
        Assert.Empty(Evaluate("cc-by-nc-4.0", accepted: "CC-BY-NC-4.0"));
        Assert.Empty(Evaluate("GPL-3.0", accepted: "GPL-3.0-only"));
        Assert.Empty(Evaluate("GPL-3.0-only", accepted: "GPL-3.0"));
        Assert.Empty(Evaluate(null, accepted: "NOASSERTION"));
        Assert.Empty(Evaluate("LicenseRef-Acme", accepted: "LicenseRef-Acme"));

        // Only the accepted id: the other term of an AND is still reported.
        Assert.Equal(
            ["UseRestricted:LicenseRef-Llama-3-Community", "AttributionRequired:LicenseRef-Llama-3-Community"],
            Kinds(Evaluate("CC-BY-NC-4.0 AND llama3", accepted: "CC-BY-NC-4.0")));
        // Another id, or another version clause, is not accepted.
        Assert.Equal(LicenseFindingKind.NonCommercial, Evaluate("CC-BY-NC-4.0", accepted: "CC-BY-NC-3.0")[0].Kind);
        Assert.Equal(LicenseFindingKind.CopyleftIncompatible, Evaluate("GPL-3.0-or-later", accepted: "GPL-3.0-only")[0].Kind);
        // Accepting one alternative of an OR makes that alternative the friendliest.
        Assert.Empty(Evaluate("CC-BY-NC-4.0 OR llama3", accepted: "llama3"));
        // The Hub's id (what older versions recorded) and the table's LicenseRef- name are one id:
        // AcceptLicense="llama3.1" written for an older version still accepts the licence.
        Assert.Empty(Evaluate("LicenseRef-Llama-3.1-Community", accepted: "llama3.1"));
        Assert.Empty(Evaluate("llama3.1", accepted: "LicenseRef-Llama-3.1-Community"));
        Assert.Empty(Evaluate("openrail++", accepted: "OpenRAIL++"));
        Assert.Equal(LicenseFindingKind.UseRestricted, Evaluate("LicenseRef-Llama-3.1-Community", accepted: "llama3.2")[0].Kind);
    }

    [Fact]
    public void Denied_IsReported_AndMatchesEveryVersionClause()
    {
        Assert.Equal(["Denied:MIT", "AttributionRequired:MIT"], Kinds(Evaluate("MIT", denied: "MIT")));
        Assert.Contains("Denied:GPL-3.0-or-later", Kinds(Evaluate("GPL-3.0+", project: "GPL-3.0-or-later", denied: "GPL-3.0")));
        Assert.Contains("Denied:GPL-2.0-only", Kinds(Evaluate("GPL-2.0", project: "GPL-2.0-only", denied: "gpl-2.0-or-later")));
        Assert.DoesNotContain(Evaluate("Apache-2.0", denied: "MIT;GPL-3.0-only"), f => f.Kind == LicenseFindingKind.Denied);
        Assert.Empty(Evaluate("MIT", denied: "MIT", accepted: "MIT"));
        // An OR with a denied alternative picks the other one.
        Assert.Equal(["AttributionRequired:Apache-2.0"], Kinds(Evaluate("MIT OR Apache-2.0", denied: "MIT")));
    }

    [Fact]
    public void Allowed_ReportsEverythingOutside_AndCountsAsReviewed()
    {
        Assert.Equal(
            ["NotAllowed:BSD-3-Clause", "AttributionRequired:BSD-3-Clause"],
            Kinds(Evaluate("BSD-3-Clause", allowed: "MIT;Apache-2.0")));
        Assert.Equal(["AttributionRequired:MIT"], Kinds(Evaluate("MIT", allowed: "MIT;Apache-2.0")));
        // Listing a restricted licence as allowed is a project-wide review: only the notice remains.
        Assert.Equal(["AttributionRequired:CC-BY-NC-4.0"], Kinds(Evaluate("CC-BY-NC-4.0", allowed: "CC-BY-NC-4.0, MIT")));
        Assert.Equal(["AttributionRequired:GPL-3.0-only"], Kinds(Evaluate("GPL-3.0-only", allowed: "GPL-3.0-or-later")));
        Assert.Equal(
            ["NotAllowed:LicenseRef-X", "Unknown:LicenseRef-X"],
            Kinds(Evaluate("LicenseRef-X", allowed: "MIT")));
    }

    [Fact]
    public void Messages_NameTheLicence_AndWhatToDo()
    {
        foreach (var finding in Evaluate("CC-BY-NC-4.0 AND llama3.1 AND CC-BY-ND-4.0 AND GPL-3.0-only AND LicenseRef-Acme", denied: "llama3.1", allowed: "MIT"))
        {
            var id = Assert.Single(finding.LicenseIds);
            Assert.Contains(id, finding.Message);
            if (finding.IsWarning)
                Assert.Contains($"AcceptLicense=\"{id}\"", finding.Message);
        }
        var unparsable = Evaluate("Custom licence, see website").Single();
        Assert.Contains("'Custom licence, see website'", unparsable.Message);
        Assert.Contains("License=", unparsable.Message);
    }

    [Fact]
    public void SplitList_ReadsMSBuildLists()
    {
        Assert.Equal(["MIT", "Apache-2.0", "BSD-3-Clause"], LicensePolicyInput.SplitList(" MIT; Apache-2.0 ,BSD-3-Clause;; "));
        Assert.Empty(LicensePolicyInput.SplitList(null));
        Assert.Empty(LicensePolicyInput.SplitList(""));
    }
}
