using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>
/// Where the PyTorch Hub source talks to GitHub (<c>ModelRefsGitHubUrl</c>, <c>ModelRefsGitHubApiUrl</c>)
/// and the token it may send there. The token goes only to these two hosts, never into a message,
/// log, lock or cache file, and never into the exporter's environment.
/// </summary>
public sealed class GitHubEndpoints
{
    public const string DefaultWebUrl = "https://github.com/";
    public const string DefaultApiUrl = "https://api.github.com/";
    public const string TokenVariable = "GITHUB_TOKEN";

    private readonly string? _token;

    /// <param name="webUrl">Base of <c>{web}/{owner}/{repo}/zipball/{sha}</c>; null or empty: github.com.</param>
    /// <param name="apiUrl">Base of <c>{api}/repos/{owner}/{repo}/commits/{ref}</c>; null or empty: api.github.com.</param>
    /// <param name="token">A GitHub token; null: none (see <see cref="FromEnvironment"/> for <c>GITHUB_TOKEN</c>).</param>
    public GitHubEndpoints(string? webUrl = null, string? apiUrl = null, string? token = null)
    {
        Web = Parse(webUrl, DefaultWebUrl, "ModelRefsGitHubUrl");
        Api = Parse(apiUrl, DefaultApiUrl, "ModelRefsGitHubApiUrl");
        _token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
    }

    /// <summary>The endpoints with <c>GITHUB_TOKEN</c> from the environment, when set.</summary>
    public static GitHubEndpoints FromEnvironment(string? webUrl = null, string? apiUrl = null) =>
        new(webUrl, apiUrl, Environment.GetEnvironmentVariable(TokenVariable));

    /// <summary>The web base URL, ending with '/'.</summary>
    public Uri Web { get; }

    /// <summary>The API base URL, ending with '/'.</summary>
    public Uri Api { get; }

    public bool HasToken => _token is not null;

    /// <summary>The token for a request to <paramref name="url"/>: only for the configured GitHub hosts, over https (or loopback http).</summary>
    internal string? TokenFor(Uri url)
    {
        if (_token is null)
            return null;
        var secure = url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback);
        return secure && (SameOrigin(url, Web) || SameOrigin(url, Api)) ? _token : null;
    }

    /// <summary>The token as <see cref="Sources.Credentials"/> for the shared downloader: bound to these endpoints and the public GitHub hosts only.</summary>
    internal Credentials ToCredentials() => _token is null
        ? Credentials.None
        : Credentials.FromEnvironment(new Dictionary<string, string?> { [TokenVariable] = _token }, [Web, Api]);

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    internal Uri CommitUrl(string owner, string repo, string gitRef) =>
        new(Api, $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/commits/{EscapeRef(gitRef)}");

    /// <summary>One page of the repo's tags (<c>GET /repos/{owner}/{repo}/tags</c>, newest first as GitHub sorts them).</summary>
    internal Uri TagsUrl(string owner, string repo, int page) =>
        new(Api, $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/tags?per_page=100&page={page}");

    internal Uri ZipballUrl(string owner, string repo, string commit) =>
        new(Web, $"{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/zipball/{commit}");

    // Refs may hold '/', which GitHub takes as is.
    private static string EscapeRef(string gitRef) => string.Join('/', gitRef.Split('/').Select(Uri.EscapeDataString));

    private static Uri Parse(string? text, string fallback, string property)
    {
        var value = string.IsNullOrWhiteSpace(text) ? fallback : text.Trim();
        if (!value.EndsWith('/'))
            value += "/";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"{property} '{text}' is not an http(s) URL. Leave it empty for {fallback}, or set it to your GitHub (Enterprise) server.");
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"{property} '{text}' is plain http://, which is only accepted for loopback test servers: the repo's code runs at export, so it must not be altered on the way. Use https://.");
        if (uri.UserInfo.Length != 0)
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"{property} carries a user name or password. Remove it and set GITHUB_TOKEN instead; ModelRefs never writes credentials to the lock file or logs.");
        return uri;
    }
}
