namespace ModelRefs.Core.Configuration;

/// <summary>
/// The values of the declared <see cref="Setting"/>s for one project: MSBuild property name
/// → value, as the task received them. Blank values mean "not set"; a setting with an
/// environment variable falls back to it. Readers apply their own documented defaults.
/// </summary>
public sealed class SettingValues
{
    private readonly Dictionary<string, string> _values;

    public SettingValues() => _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public SettingValues(IEnumerable<KeyValuePair<string, string?>> values) : this()
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (property, value) in values)
            if (!string.IsNullOrWhiteSpace(value))
                _values[property] = value.Trim();
    }

    private SettingValues(SettingValues other) => (_values, ProjectDirectory) =
        (new Dictionary<string, string>(other._values, StringComparer.OrdinalIgnoreCase), other.ProjectDirectory);

    /// <summary>Nothing set: every setting has its default.</summary>
    public static SettingValues Default { get; } = new();

    /// <summary>The project folder (for relative paths in metadata); null: the current folder.</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>Sets or clears (null or blank) one setting: <c>new SettingValues { [TfHubSettings.Url] = url }</c>.</summary>
    public string? this[Setting setting]
    {
        get => Get(setting);
        init
        {
            ArgumentNullException.ThrowIfNull(setting);
            if (string.IsNullOrWhiteSpace(value))
                _values.Remove(setting.Property);
            else
                _values[setting.Property] = value.Trim();
        }
    }

    /// <summary>The property's value, else its environment variable's, else null.</summary>
    public string? Get(Setting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (_values.TryGetValue(setting.Property, out var value))
            return value;
        return setting.EnvironmentVariable is { } variable && Environment.GetEnvironmentVariable(variable) is { } env
               && !string.IsNullOrWhiteSpace(env)
            ? env.Trim()
            : null;
    }

    /// <summary>A <c>;</c>-separated list; null when the setting is not set.</summary>
    public IReadOnlyList<string>? GetList(Setting setting) => Get(setting) is { } value ? SplitList(value) : null;

    /// <summary>
    /// An MSBuild boolean (<c>true</c>/<c>false</c>, also <c>on</c>/<c>off</c>, <c>yes</c>/<c>no</c>,
    /// <c>!false</c>/<c>!true</c>, as MSBuild reads task parameters); unset is false. Throws
    /// <see cref="FormatException"/> naming the property for anything else.
    /// </summary>
    public bool GetBool(Setting setting) => Get(setting)?.ToLowerInvariant() switch
    {
        null or "false" or "off" or "no" or "!true" => false,
        "true" or "on" or "yes" or "!false" => true,
        var other => throw new FormatException($"{setting.Property}='{other}' is not true or false."),
    };

    /// <summary>A copy for another project folder.</summary>
    public SettingValues ForProject(string? projectDirectory) => new(this) { ProjectDirectory = projectDirectory };

    /// <summary>Splits a <c>;</c>-separated MSBuild list, dropping blanks.</summary>
    public static IReadOnlyList<string> SplitList(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
