namespace ModelRefs.Core.Sources.Npm;

/// <summary>Finds the registry npm itself would use, without running npm.</summary>
public static class NpmRegistry
{
    public const string DefaultUrl = "https://registry.npmjs.org/";

    /// <summary>
    /// <c>npm_config_registry</c> / <c>NPM_CONFIG_REGISTRY</c>, then <c>registry=</c> in the
    /// <c>.npmrc</c> files from the project folder upwards, then <c>~/.npmrc</c>, else the public registry.
    /// The result always ends with '/'.
    /// </summary>
    public static string Resolve(string projectDirectory) =>
        Resolve(projectDirectory, Environment.GetEnvironmentVariable,
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string Resolve(string projectDirectory, Func<string, string?> environment, string? userProfile)
    {
        foreach (var variable in new[] { "npm_config_registry", "NPM_CONFIG_REGISTRY" })
            if (Normalize(environment(variable)) is { } fromEnvironment)
                return fromEnvironment;

        foreach (var npmrc in ConfigFiles(projectDirectory, userProfile))
            if (ReadRegistry(npmrc, environment) is { } registry)
                return registry;
        return DefaultUrl;
    }

    /// <summary>The .npmrc files npm reads for a project, nearest first, whether they exist or not: the project folder's and each parent's, then <c>~/.npmrc</c>.</summary>
    public static IReadOnlyList<string> ConfigFiles(string projectDirectory) =>
        ConfigFiles(projectDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static List<string> ConfigFiles(string projectDirectory, string? userProfile)
    {
        var files = new List<string>();
        for (var directory = new DirectoryInfo(Path.GetFullPath(projectDirectory)); directory is not null; directory = directory.Parent)
            files.Add(Path.Combine(directory.FullName, ".npmrc"));
        if (!string.IsNullOrEmpty(userProfile))
        {
            var userNpmrc = Path.Combine(userProfile, ".npmrc");
            if (!files.Contains(userNpmrc, StringComparer.Ordinal))
                files.Add(userNpmrc);
        }
        return files;
    }

    /// <summary>The unscoped <c>registry</c> key of an ini-style .npmrc (scoped and auth keys are ignored).</summary>
    internal static string? ReadRegistry(string npmrcPath, Func<string, string?> environment)
    {
        string[] lines;
        try
        {
            if (!File.Exists(npmrcPath))
                return null;
            lines = File.ReadAllLines(npmrcPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        string? registry = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is ';' or '#' || line[0] == '[')
                continue;
            var equals = line.IndexOf('=');
            if (equals < 0 || !line[..equals].Trim().Equals("registry", StringComparison.Ordinal))
                continue;
            // Later lines win, as in an ini file.
            registry = Normalize(Expand(Unquote(line[(equals + 1)..].Trim()), environment)) ?? registry;
        }
        return registry;
    }

    /// <summary>
    /// The <c>//host[:port]/path/:_authToken=…</c> entries of the <c>.npmrc</c> files from the
    /// project folder upwards and of <c>~/.npmrc</c>, with <c>${VAR}</c> expanded. For the same
    /// prefix the nearest file wins (and within a file, the last line), as in npm.
    /// </summary>
    public static IReadOnlyList<NpmAuthToken> ReadAuthTokens(string projectDirectory) =>
        ReadAuthTokens(projectDirectory, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static IReadOnlyList<NpmAuthToken> ReadAuthTokens(string projectDirectory, Func<string, string?> environment, string? userProfile)
    {
        var files = ConfigFiles(projectDirectory, userProfile);
        var tokens = new Dictionary<string, NpmAuthToken>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
            foreach (var (prefix, token) in ReadAuthTokenLines(file, environment))
                tokens.TryAdd(prefix, new NpmAuthToken(prefix, token)); // nearer files came first
        return tokens.Values.ToArray();
    }

    private static IEnumerable<(string Prefix, string Token)> ReadAuthTokenLines(string npmrcPath, Func<string, string?> environment)
    {
        string[] lines;
        try
        {
            if (!File.Exists(npmrcPath))
                return [];
            lines = File.ReadAllLines(npmrcPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        const string suffix = ":_authToken";
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is ';' or '#' or '[')
                continue;
            var equals = line.IndexOf('=');
            if (equals < 0)
                continue;
            var key = line[..equals].Trim();
            if (!key.StartsWith("//", StringComparison.Ordinal) || !key.EndsWith(suffix, StringComparison.Ordinal))
                continue;
            var token = Expand(Unquote(line[(equals + 1)..].Trim()), environment).Trim();
            if (token.Length > 0)
                found[key[..^suffix.Length]] = token; // later lines win within a file
        }
        return found.Select(p => (p.Key, p.Value)).ToArray();
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    // npm expands ${VAR} in .npmrc values.
    private static string Expand(string value, Func<string, string?> environment)
    {
        var start = value.IndexOf("${", StringComparison.Ordinal);
        while (start >= 0)
        {
            var end = value.IndexOf('}', start);
            if (end < 0)
                break;
            var replacement = environment(value[(start + 2)..end]) ?? "";
            value = value[..start] + replacement + value[(end + 1)..];
            start = value.IndexOf("${", start + replacement.Length, StringComparison.Ordinal);
        }
        return value;
    }

    private static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return null;
        var text = uri.AbsoluteUri;
        return text.EndsWith('/') ? text : text + "/";
    }
}
