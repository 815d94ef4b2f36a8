namespace ModelRefs.Core.Configuration;

/// <summary>
/// One MSBuild property that restore reads, declared once beside the code that reads it (a
/// source's <c>&lt;Hub&gt;Settings</c> class, or <see cref="Restore.RestoreSettings"/>). The
/// registry lists every declared setting; the targets pass each one as a <c>_ModelRefsSetting</c>
/// item (one line), the task forwards them all, and the no-op restore hashes them all, so none of
/// them needs code of its own anywhere else.
/// </summary>
/// <param name="Property">The MSBuild property, e.g. <c>ModelRefsTfHubUrl</c>.</param>
/// <param name="Description">What it means, for docs and tests.</param>
public sealed record Setting(string Property, string Description)
{
    /// <summary>An environment variable read when the property is blank (e.g. <c>MODELREFS_HOME</c>).</summary>
    public string? EnvironmentVariable { get; init; }
}
