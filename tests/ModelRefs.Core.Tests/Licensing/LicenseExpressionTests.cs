using ModelRefs.Core.Licensing;

namespace ModelRefs.Core.Tests.Licensing;

public class LicenseExpressionTests
{
    [Theory]
    [InlineData("MIT", "MIT")]
    [InlineData("mit", "MIT")]
    [InlineData("apache-2.0", "Apache-2.0")]
    [InlineData("  Apache-2.0  ", "Apache-2.0")]
    [InlineData("MIT OR Apache-2.0", "MIT OR Apache-2.0")]
    [InlineData("MIT or apache-2.0", "MIT OR Apache-2.0")]
    [InlineData("MIT AND (BSD-3-Clause OR Apache-2.0)", "MIT AND (BSD-3-Clause OR Apache-2.0)")]
    [InlineData("(MIT AND BSD-3-Clause) OR Apache-2.0", "MIT AND BSD-3-Clause OR Apache-2.0")]
    [InlineData("((MIT))", "MIT")]
    [InlineData("GPL-2.0", "GPL-2.0-only")]
    [InlineData("GPL-2.0+", "GPL-2.0-or-later")]
    [InlineData("GPL-2.0-only+", "GPL-2.0-or-later")]
    [InlineData("LGPL-2.1", "LGPL-2.1-only")]
    [InlineData("AGPL-3.0", "AGPL-3.0-only")]
    [InlineData("GPL-3.0-or-later WITH classpath-exception-2.0", "GPL-3.0-or-later WITH Classpath-exception-2.0")]
    [InlineData("Apache-2.0 WITH LLVM-exception OR MIT", "Apache-2.0 WITH LLVM-exception OR MIT")]
    [InlineData("MPL-1.1+", "MPL-1.1+")]
    [InlineData("LicenseRef-Acme-Model-1", "LicenseRef-Acme-Model-1")]
    [InlineData("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2")]
    [InlineData("openrail", "LicenseRef-OpenRAIL")]
    [InlineData("creativeml-openrail-m", "LicenseRef-CreativeML-OpenRAIL-M")]
    [InlineData("llama3.1", "LicenseRef-Llama-3.1-Community")]
    [InlineData("Llama 2 Community License", "LicenseRef-Llama-2-Community")]
    [InlineData("openrail++", "LicenseRef-OpenRAIL-PlusPlus-M")]
    [InlineData("OpenRAIL++", "LicenseRef-OpenRAIL-PlusPlus-M")]
    [InlineData("LicenseRef-OpenRAIL-PlusPlus-M", "LicenseRef-OpenRAIL-PlusPlus-M")]
    [InlineData("licenseref-llama-3.1-community", "LicenseRef-Llama-3.1-Community")]
    [InlineData("gemma AND LicenseRef-BigScience-BLOOM-RAIL-1.0", "LicenseRef-Gemma AND LicenseRef-BigScience-BLOOM-RAIL-1.0")]
    [InlineData("AGPL-3.0+", "AGPL-3.0-or-later")]
    [InlineData("GPL", "LicenseRef-GPL")]
    [InlineData("LicenseRef-Acme.Model-1.5+", "LicenseRef-Acme.Model-1.5+")]
    [InlineData("Apache 2.0", "Apache-2.0")]
    [InlineData("Apache License 2.0", "Apache-2.0")]
    [InlineData("The Apache Software License, Version 2.0", "Apache-2.0")]
    [InlineData("The MIT License", "MIT")]
    [InlineData("CC BY-NC-SA 4.0", "CC-BY-NC-SA-4.0")]
    [InlineData("CC BY 4.0", "CC-BY-4.0")]
    [InlineData("BSD", "LicenseRef-BSD")]
    [InlineData("BSD 3-Clause", "BSD-3-Clause")]
    [InlineData("GPLv3", "GPL-3.0-only")]
    [InlineData("UNLICENSED", "LicenseRef-UNLICENSED")]
    [InlineData("Unlicense", "Unlicense")]
    [InlineData("SEE LICENSE IN LICENSE.md", "LicenseRef-SEE-LICENSE-IN")]
    [InlineData("other", "LicenseRef-other")]
    [InlineData("unknown", "NOASSERTION")]
    [InlineData("Some-Unlisted-Id-1.0", "Some-Unlisted-Id-1.0")]
    public void Parse_Normalizes(string text, string expected) =>
        Assert.Equal(expected, LicenseExpression.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("MIT OR")]
    [InlineData("AND MIT")]
    [InlineData("(MIT")]
    [InlineData("MIT)")]
    [InlineData("MIT Apache-2.0")]
    [InlineData("MIT WITH")]
    [InlineData("MIT WITH (X)")]
    [InlineData("Custom licence, see website")]
    [InlineData("MIT/Apache")]
    [InlineData("a:b")]
    // SPDX's idstring has letters, digits, '-' and '.'; '+' only ends an id (or later).
    [InlineData("LicenseRef-OpenRAIL++-M")]
    [InlineData("LicenseRef-a+b")]
    [InlineData("MIT WITH LLVM+exception")]
    public void Parse_Rejects(string text)
    {
        Assert.False(LicenseExpression.TryParse(text, out var expression));
        Assert.Null(expression);
        Assert.Throws<FormatException>(() => LicenseExpression.Parse(text));
    }

    [Fact]
    public void Precedence_WithBindsTighterThanAnd_AndTighterThanOr()
    {
        var expression = LicenseExpression.Parse("A-1 OR B-1 AND C-1 WITH E-1");
        var or = Assert.IsType<LicenseOr>(expression);
        Assert.IsType<LicenseId>(or.Operands[0]);
        var and = Assert.IsType<LicenseAnd>(or.Operands[1]);
        var withException = Assert.IsType<LicenseId>(and.Operands[1]);
        Assert.Equal(new LicenseTerm("C-1", false, "E-1"), withException.Term);
    }

    [Fact]
    public void Ids_AreDistinct_InOrder()
    {
        var expression = LicenseExpression.Parse("(MIT OR GPL-2.0+) AND (MIT OR LicenseRef-X)");
        Assert.Equal(["MIT", "LicenseRef-X", "GPL-2.0-or-later"], expression.Ids);
    }

    [Fact]
    public void Alternatives_AreTheDisjunctiveNormalForm()
    {
        var expression = LicenseExpression.Parse("(MIT OR Apache-2.0) AND CC-BY-4.0");
        Assert.Equal(
            ["MIT AND CC-BY-4.0", "Apache-2.0 AND CC-BY-4.0"],
            expression.Alternatives.Select(a => string.Join(" AND ", a.Select(t => t.ToString()))));
    }

    [Fact]
    public void OrLater_IsKeptWhenNoOrLaterIdExists()
    {
        var term = Assert.IsType<LicenseId>(LicenseExpression.Parse("MPL-1.1+")).Term;
        Assert.True(term.OrLater);
        Assert.Equal("MPL-1.1", term.Id);
        Assert.Equal("MPL-1.1+", term.Key);
    }

    [Fact]
    public void Helpers_OrLetsTheUserChoose_AndNeedsAll()
    {
        var catalog = LicenseCatalog.Default;
        bool IsNonCommercial(LicenseTerm t) => catalog.Classify(t) == LicenseCategory.NonCommercial;

        Assert.False(LicenseExpression.Parse("CC-BY-NC-4.0 OR MIT").IsUnavoidable(IsNonCommercial));
        Assert.True(LicenseExpression.Parse("CC-BY-NC-4.0 OR CC-BY-NC-SA-4.0").IsUnavoidable(IsNonCommercial));
        Assert.True(LicenseExpression.Parse("CC-BY-NC-4.0 AND MIT").IsUnavoidable(IsNonCommercial));
        Assert.True(LicenseExpression.Parse("(CC-BY-NC-4.0 OR MIT) AND CC-BY-NC-ND-4.0").IsUnavoidable(IsNonCommercial));

        Assert.True(LicenseExpression.Parse("CC-BY-NC-4.0 OR MIT").CanBeSatisfiedBy(t => !IsNonCommercial(t)));
        Assert.False(LicenseExpression.Parse("CC-BY-NC-4.0 AND MIT").CanBeSatisfiedBy(t => !IsNonCommercial(t)));
    }

    [Fact]
    public void Equality_IsByCanonicalText()
    {
        Assert.Equal(LicenseExpression.Parse("mit or apache-2.0"), LicenseExpression.Parse("MIT OR Apache-2.0"));
        Assert.NotEqual(LicenseExpression.Parse("MIT OR Apache-2.0"), LicenseExpression.Parse("Apache-2.0 OR MIT"));
    }

    [Fact]
    public void HugeExpressions_AreRejected_NotExpanded()
    {
        var clause = string.Join(" AND ", Enumerable.Range(0, 12).Select(i => $"(A-{i} OR B-{i})"));
        Assert.False(LicenseExpression.TryParse(clause, out _));
    }
}
