using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Cli.Audit;

public enum AuditSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>One kind of audit finding: a stable id (MRA001–MRA999), its default severity and its page under docs/diagnostics/.</summary>
public sealed record AuditRule(string Id, string Title, AuditSeverity Severity)
{
    public string HelpLink => RestoreDiagnostics.HelpLinkBase + Id + ".md";
}

/// <summary>Every finding <c>modelref audit</c> reports, declared once (a test checks each has its page).</summary>
public static class AuditRules
{
    public static readonly AuditRule PlainHttp = new("MRA001", "Model fetched over plain HTTP", AuditSeverity.Warning);
    public static readonly AuditRule MovablePin = new("MRA002", "Model handle names content that can move", AuditSeverity.Warning);
    public static readonly AuditRule RedistributorLicense = new("MRA003", "Licence known only from a package that redistributes the model", AuditSeverity.Warning);
    public static readonly AuditRule UnsafePickle = new("MRA004", "PyTorch weights import code outside torch's safe set", AuditSeverity.Error);
    public static readonly AuditRule KnownLicenseDiffers = new("MRA005", "Declared licence differs from the known upstream licence", AuditSeverity.Warning);

    public static IReadOnlyList<AuditRule> All { get; } = [PlainHttp, MovablePin, RedistributorLicense, UnsafePickle, KnownLicenseDiffers];
}

/// <summary>One finding: the rule, the model or file it is about, and a message that says what to do.</summary>
public sealed record AuditFinding(AuditRule Rule, string? Project, string? Model, string? File, string Message);
