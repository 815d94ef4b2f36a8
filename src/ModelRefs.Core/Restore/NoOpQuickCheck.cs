using System.Collections;
using System.Text;

namespace ModelRefs.Core.Restore;

/// <summary>
/// The no-op restore's first check, for a host that restores on every build (the MSBuild task):
/// compares a key over the host's raw inputs with the one in the no-op record before any input is
/// interpreted, so that an unchanged build loads and JIT-compiles almost none of Core (no settings,
/// sources, request or cache). The key covers the items and their metadata, the settings as the host
/// passes them, the project's paths and its file's size and timestamp (the items' lines come from
/// it), the working folder, the process environment (settings and sources fall back to environment
/// variables) and the tool; the record's <see cref="NoOpState.Probes"/> cover the other files the
/// inputs are read from. When it does not answer, the host restores with the key in
/// <see cref="RestoreRequest.QuickKey"/>: the full no-op check (<see cref="NoOpState.InputsHash"/>)
/// or the restore then renews the record.
/// </summary>
public static class NoOpQuickCheck
{
    /// <summary>Logged by an up-to-date restore, whichever check answered it.</summary>
    public const string UpToDateMessage = "ModelRefs: models are up to date (no-op restore).";

    /// <summary>
    /// The key over a host's raw inputs, to be computed before the host reads anything else (the
    /// project file's stamp goes into it; the items carry no lines here).
    /// </summary>
    public static string Key(string projectFile, string intermediatePath, string defaultNamespace,
        IEnumerable<KeyValuePair<string, string?>> settings, IReadOnlyList<ModelReference> items) =>
        Key(projectFile, intermediatePath, defaultNamespace, settings, items, Environment.GetEnvironmentVariables());

    internal static string Key(string projectFile, string intermediatePath, string defaultNamespace,
        IEnumerable<KeyValuePair<string, string?>> settings, IReadOnlyList<ModelReference> items, IDictionary environment)
    {
        var text = new StringBuilder();
        NoOpState.AppendTool(text);
        var project = NoOpState.DescribeProbe(projectFile);
        NoOpState.AppendField(text.Append("project="), project.Path).Append(';').Append(project.Size).Append(';').Append(project.LastWriteTicks).Append('\n');
        NoOpState.AppendField(text.Append("obj="), intermediatePath).Append('\n');
        NoOpState.AppendField(text.Append("namespace="), defaultNamespace).Append('\n');
        NoOpState.AppendField(text.Append("cwd="), Environment.CurrentDirectory).Append('\n');
        NoOpState.AppendField(text.Append("profile="), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)).Append('\n');
        foreach (var (name, value) in settings)
            NoOpState.AppendField(NoOpState.AppendField(text.Append("setting="), name), value).Append('\n');
        foreach (var item in items)
            NoOpState.AppendItem(text, item, withLine: false);
        var names = new string[environment.Count];
        environment.Keys.CopyTo(names, 0);
        Array.Sort(names, StringComparer.Ordinal);
        foreach (var name in names)
        {
            // A credential's value changes nothing a restore produces (no no-op input is one), so
            // it is left out: the record must not even hold a hash that could confirm a guess.
            NoOpState.AppendField(text.Append("env="), name);
            NoOpState.AppendField(text, IsCredentialName(name) ? null : environment[name] as string).Append('\n');
        }
        return NoOpState.HashText(text);
    }

    /// <summary>
    /// Whether an environment variable's name says it holds a credential (<c>NPM_TOKEN</c>,
    /// <c>HF_TOKEN</c>, <c>GITHUB_TOKEN</c>, <c>*_PASSWORD</c>, <c>*_SECRET</c>, <c>*_API_KEY</c>…):
    /// only its presence goes into the key. No setting may fall back to such a variable (a test says so).
    /// </summary>
    internal static bool IsCredentialName(string name)
    {
        foreach (var word in CredentialWords)
            if (name.Contains(word, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private static readonly string[] CredentialWords = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "APIKEY", "API_KEY", "ACCESS_KEY", "PRIVATE_KEY", "AUTH"];

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
