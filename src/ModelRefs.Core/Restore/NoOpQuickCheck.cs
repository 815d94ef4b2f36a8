using System.Collections;
using System.Text;

namespace ModelRefs.Core.Restore;

/// <summary>
/// The no-op restore's first check, for a host that restores on every build (the MSBuild task):
/// compares a key over the host's raw inputs with the one in the no-op record before any input is
/// interpreted, so that an unchanged build loads and JIT-compiles almost none of Core (no settings,
/// sources, request or cache). The key covers the items and their metadata, the settings as the host
/// passes them, the project's paths, the working folder, the whole process environment (settings and
/// sources fall back to environment variables; it is hashed, never written) and the tool; the
/// record's <see cref="NoOpState.Probes"/> cover the files the inputs are read from. When it does not
/// answer, the host restores with the key in <see cref="RestoreRequest.QuickKey"/>: the full no-op
/// check (<see cref="NoOpState.InputsHash"/>) or the restore then renews the record.
/// </summary>
public static class NoOpQuickCheck
{
    /// <summary>Logged by an up-to-date restore, whichever check answered it.</summary>
    public const string UpToDateMessage = "ModelRefs: models are up to date (no-op restore).";

    /// <summary>The key over a host's raw inputs (items without their lines: the project file is a probe).</summary>
    public static string Key(string projectFile, string intermediatePath, string defaultNamespace,
        IEnumerable<KeyValuePair<string, string?>> settings, IReadOnlyList<ModelReference> items) =>
        Key(projectFile, intermediatePath, defaultNamespace, settings, items, Environment.GetEnvironmentVariables());

    internal static string Key(string projectFile, string intermediatePath, string defaultNamespace,
        IEnumerable<KeyValuePair<string, string?>> settings, IReadOnlyList<ModelReference> items, IDictionary environment)
    {
        var text = new StringBuilder();
        NoOpState.AppendTool(text);
        text.Append("project=").Append(projectFile).Append('\n');
        text.Append("obj=").Append(intermediatePath).Append('\n');
        text.Append("namespace=").Append(defaultNamespace).Append('\n');
        text.Append("cwd=").Append(Environment.CurrentDirectory).Append('\n');
        text.Append("profile=").Append(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)).Append('\n');
        foreach (var (name, value) in settings)
            text.Append("setting=").Append(name).Append('=').Append(value).Append('\n');
        foreach (var item in items)
            NoOpState.AppendItem(text, item, withLine: false);
        var names = new string[environment.Count];
        environment.Keys.CopyTo(names, 0);
        Array.Sort(names, StringComparer.Ordinal);
        foreach (var name in names)
            text.Append("env=").Append(name).Append('=').Append(environment[name] as string).Append('\n');
        return NoOpState.HashText(text);
    }

    /// <summary>
    /// The up-to-date restore, when the project's no-op record has this <paramref name="key"/>, its
    /// probes and files are unchanged and it restored <paramref name="items"/>; otherwise null, and
    /// the host restores (with the key in <see cref="RestoreRequest.QuickKey"/>).
    /// </summary>
    public static RestoreResult? TryAnswer(string projectFile, string intermediatePath, string key, IReadOnlyList<ModelReference> items)
    {
        var path = Path.Combine(RestoreRequest.ResolveIntermediatePath(projectFile, intermediatePath), NoOpState.FileName);
        return NoOpState.TryLoad(path) is { } record && record.QuickKey == key && record.ProbesUnchanged() && record.FilesUnchanged()
            ? record.Answer(items)
            : null;
    }
}
