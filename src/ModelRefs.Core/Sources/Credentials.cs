using System.Collections;
using ModelRefs.Core.Sources.Npm;

namespace ModelRefs.Core.Sources;

/// <summary>
/// Tokens for the hubs, each bound to its own origins: <c>GITHUB_TOKEN</c> (github.com,
/// api.github.com, codeload.github.com and configured GitHub endpoints), the Hugging Face token
/// (<c>HF_TOKEN</c>, else the stock client's token file <c>$HF_HOME/token</c>; for huggingface.co and,
/// through <see cref="WithHuggingFaceEndpoint"/>, the configured endpoint) and npm <c>_authToken</c>
/// entries of .npmrc. A token is sent as
/// <c>Authorization: Bearer</c> only to a URL of its own origin (scheme, host, port; npm tokens
/// also a path prefix), never over plain http except to loopback, and never after a redirect to
/// another origin (see <see cref="Downloads"/>). <see cref="ToString"/> and every message name the
/// variables, never the values.
/// </summary>
public sealed class Credentials
{
    public const string GitHubTokenVariable = "GITHUB_TOKEN";
    public const string HuggingFaceTokenVariable = "HF_TOKEN";
    public const string HuggingFaceHomeVariable = "HF_HOME";

    /// <summary>What messages call the token file (never its content).</summary>
    public const string HuggingFaceTokenFileSource = "the Hugging Face token file";

    private static readonly string[] GitHubHosts = ["github.com", "api.github.com", "codeload.github.com"];
    private static readonly string[] HuggingFaceHosts = ["huggingface.co"];

    private readonly IReadOnlyList<Entry> _entries;

    // Kept so that a configured Hugging Face endpoint (a mirror, a loopback hub) can be bound to it later.
    private readonly (string Token, string Source)? _huggingFace;

    /// <param name="Scheme">null: https, or http to loopback (npm tokens, which name no scheme).</param>
    /// <param name="Port">-1: the scheme's default port.</param>
    private sealed record Entry(string? Scheme, string Host, int Port, string PathPrefix, string Token, string Source)
    {
        public override string ToString() => Source; // never the token
    }

    private Credentials(IReadOnlyList<Entry> entries, (string Token, string Source)? huggingFace = null) =>
        (_entries, _huggingFace) = (entries, huggingFace);

    public static Credentials None { get; } = new([]);

    /// <summary>
    /// Reads <c>GITHUB_TOKEN</c> and <c>HF_TOKEN</c> from <paramref name="environment"/> (tests pass
    /// their own dictionary), binds the GitHub token also to <paramref name="gitHubEndpoints"/>
    /// (ModelRefsGitHubUrl, ModelRefsGitHubApiUrl) and adds the npm tokens. Without <c>HF_TOKEN</c>,
    /// the Hugging Face token is the first line of <c>$HF_HOME/token</c>, where <c>HF_HOME</c>
    /// defaults to <c>$XDG_CACHE_HOME/huggingface</c>, else <c>&lt;userProfile&gt;/.cache/huggingface</c>
    /// (no file is read when neither is known).
    /// </summary>
    public static Credentials FromEnvironment(IReadOnlyDictionary<string, string?> environment,
        IEnumerable<Uri>? gitHubEndpoints = null, IEnumerable<NpmAuthToken>? npmTokens = null, string? userProfile = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var entries = new List<Entry>();
        if (Value(environment, GitHubTokenVariable) is { } github)
        {
            foreach (var host in GitHubHosts)
                entries.Add(new Entry(Uri.UriSchemeHttps, host, 443, "/", github, GitHubTokenVariable));
            foreach (var endpoint in gitHubEndpoints ?? [])
                if (endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttps || endpoint.IsLoopback))
                    entries.Add(new Entry(endpoint.Scheme, endpoint.Host, endpoint.Port, "/", github, GitHubTokenVariable));
        }
        var huggingFace = Value(environment, HuggingFaceTokenVariable) is { } fromVariable
            ? (fromVariable, HuggingFaceTokenVariable)
            : ReadHuggingFaceTokenFile(environment, userProfile) is { } fromFile ? (fromFile, HuggingFaceTokenFileSource) : ((string, string)?)null;
        if (huggingFace is var (hfToken, hfSource))
            foreach (var host in HuggingFaceHosts)
                entries.Add(new Entry(Uri.UriSchemeHttps, host, 443, "/", hfToken, hfSource));

        // Longest path prefix first, as npm picks the most specific entry.
        foreach (var npm in (npmTokens ?? []).OrderByDescending(t => t.Prefix.Length))
            if (ParseNerfDart(npm.Prefix) is { } origin && !string.IsNullOrWhiteSpace(npm.Token))
                entries.Add(new Entry(null, origin.Host, origin.Port, origin.Path, npm.Token.Trim(), $"npm _authToken for {npm.Prefix}"));
        return new Credentials(entries, huggingFace);
    }

    /// <summary>The token file of the Hugging Face client, as <c>huggingface-cli login</c> writes it; null when absent or unreadable.</summary>
    private static string? ReadHuggingFaceTokenFile(IReadOnlyDictionary<string, string?> environment, string? userProfile)
    {
        var home = Value(environment, HuggingFaceHomeVariable)
                   ?? (Value(environment, "XDG_CACHE_HOME") is { } xdg ? Path.Combine(xdg, "huggingface")
                       : string.IsNullOrEmpty(userProfile) ? null : Path.Combine(userProfile, ".cache", "huggingface"));
        if (home is null)
            return null;
        try
        {
            var path = Path.Combine(home, "token");
            if (!File.Exists(path) || new FileInfo(path).Length > 4096)
                return null;
            var token = File.ReadAllText(path).Split('\n')[0].Trim();
            return token.Length == 0 ? null : token;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// These credentials with the Hugging Face token also bound to <paramref name="endpoint"/>'s origin
    /// (ModelRefsHuggingFaceUrl or HF_ENDPOINT: a mirror, a proxy), when it is https or loopback;
    /// the same instance when there is no token or the origin already has it.
    /// </summary>
    public Credentials WithHuggingFaceEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_huggingFace is not var (token, source) || !endpoint.IsAbsoluteUri
            || !(endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback))
            || TokenFor(endpoint) == token)
            return this;
        return new Credentials([new Entry(endpoint.Scheme, endpoint.Host, endpoint.Port, "/", token, source), .. _entries], _huggingFace);
    }

    /// <summary>Where the Hugging Face token comes from (<c>HF_TOKEN</c> or the token file), null when there is none; never the value.</summary>
    public string? HuggingFaceTokenSource => _huggingFace?.Source;

    /// <summary>
    /// The process environment plus the npm tokens of the <c>.npmrc</c> files from
    /// <paramref name="projectDirectory"/> (default: the current folder) upwards and of <c>~/.npmrc</c>.
    /// </summary>
    public static Credentials FromProcess(string? projectDirectory = null, IEnumerable<Uri>? gitHubEndpoints = null)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
            environment[(string)variable.Key] = variable.Value as string;
        var tokens = NpmRegistry.ReadAuthTokens(projectDirectory ?? Environment.CurrentDirectory,
            name => environment.GetValueOrDefault(name), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        return FromEnvironment(environment, gitHubEndpoints, tokens, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
    }

    /// <summary>Where tokens come from, without their values (for logs).</summary>
    public IReadOnlyList<string> Sources => _entries.Select(e => e.Source).Distinct().ToArray();

    /// <summary>The token to send to this URL, or null. Plain http gets one only on loopback.</summary>
    public string? TokenFor(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            return null;
        foreach (var entry in _entries)
        {
            if (!string.Equals(entry.Host, url.Host, StringComparison.OrdinalIgnoreCase))
                continue;
            if (entry.Scheme is not null ? entry.Scheme != url.Scheme || entry.Port != url.Port
                : entry.Port == -1 ? !url.IsDefaultPort || url.Scheme != Uri.UriSchemeHttps : entry.Port != url.Port)
                continue;
            if (url.AbsolutePath.StartsWith(entry.PathPrefix, StringComparison.Ordinal) || url.AbsolutePath + "/" == entry.PathPrefix)
                return entry.Token;
        }
        return null;
    }

    /// <summary>Replaces every token value in a text by <c>***</c> (a last line of defence for messages).</summary>
    public string Scrub(string text)
    {
        foreach (var entry in _entries)
            if (entry.Token.Length >= 4)
                text = text.Replace(entry.Token, "***", StringComparison.Ordinal);
        return text;
    }

    public override string ToString() => $"Credentials({string.Join(", ", Sources)})";

    private static string? Value(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary><c>//host[:port]/path/</c> (npm's "nerf dart") → host, port (-1 when absent), path prefix.</summary>
    private static (string Host, int Port, string Path)? ParseNerfDart(string prefix)
    {
        if (!prefix.StartsWith("//", StringComparison.Ordinal))
            return null;
        var slash = prefix.IndexOf('/', 2);
        var authority = slash < 0 ? prefix[2..] : prefix[2..slash];
        var path = slash < 0 ? "/" : prefix[slash..];
        if (!path.EndsWith('/'))
            path += "/";
        if (!Uri.TryCreate("https://" + authority + "/", UriKind.Absolute, out var parsed) || parsed.UserInfo.Length > 0)
            return null;
        var explicitPort = authority.LastIndexOf(':') > authority.LastIndexOf(']');
        return (parsed.Host, explicitPort ? parsed.Port : -1, path);
    }
}

/// <summary>An npm <c>//host/path/:_authToken=…</c> entry of an .npmrc.</summary>
/// <param name="Prefix">The key before <c>:_authToken</c>: <c>//registry.example.com/path/</c>.</param>
public sealed record NpmAuthToken(string Prefix, string Token)
{
    public override string ToString() => $"NpmAuthToken {{ Prefix = {Prefix}, Token = *** }}";
}
