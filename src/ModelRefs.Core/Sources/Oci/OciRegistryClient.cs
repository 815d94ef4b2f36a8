using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>
/// The pull side of the OCI distribution protocol for one repository: manifests by <c>Accept</c>,
/// blobs by digest through the shared downloader (redirects to storage hosts without credentials,
/// resume, retries), every body verified against the digest asked for, and authentication as
/// container tools do it: anonymous first; on a 401, its <c>WWW-Authenticate</c> challenge —
/// <c>Bearer realm=…,service=…,scope=…</c> (a token from the realm, asked with the registry's Basic
/// credentials when there are any) or <c>Basic</c> (the credentials themselves). Credentials go only
/// to the registry's origin and the token realm, never in a log or a message.
/// </summary>
internal sealed class OciRegistryClient
{
    private const int MaxManifestBytes = 4 << 20; // distribution's own limit for manifests
    private const int MaxTokenBytes = 1 << 20;

    private readonly OciModelHandle _handle;
    private readonly FetchContext _context;
    private readonly Uri _baseUrl;
    private readonly DockerCredentials _credentials;
    private readonly Func<Uri, bool> _plainHttpAllowed;
    private AuthenticationHeaderValue? _authorization;
    private string? _authorizationSource;
    private RegistryCredential? _credential;
    private bool _credentialRead;

    private readonly bool _push;

    public OciRegistryClient(OciModelHandle handle, FetchContext context, Uri baseUrl, DockerCredentials credentials, Func<Uri, bool> plainHttpAllowed, bool push = false)
    {
        _handle = handle;
        _context = context;
        _baseUrl = baseUrl;
        _credentials = credentials;
        _plainHttpAllowed = plainHttpAllowed;
        _push = push;
    }

    /// <summary>A client for the handle's registry and repository with the settings of <paramref name="context"/> (plain HTTP rules, credentials from <paramref name="environment"/>).</summary>
    internal static OciRegistryClient Create(OciModelHandle handle, FetchContext context, Func<string, string?> environment, bool push = false)
    {
        var insecure = context.Settings.GetList(OciSettings.InsecureRegistries) ?? [];
        bool PlainHttpAllowed(Uri url) => OciSettings.IsLoopback(url.Host)
            || insecure.Any(r => string.Equals(r.Trim(), url.Host, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Trim(), url.Authority, StringComparison.OrdinalIgnoreCase));
        return new OciRegistryClient(handle, context, OciSettings.BaseUrl(handle, context.Settings), new DockerCredentials(environment), PlainHttpAllowed, push);
    }

    public OciModelHandle Handle => _handle;

    /// <summary>The registry's base URL (<c>https://host/</c>, or http for loopback and insecure registries).</summary>
    public Uri BaseUrl => _baseUrl;

    /// <summary><c>/v2/&lt;name&gt;/&lt;path&gt;</c> of this repository.</summary>
    public Uri RepositoryUrl(string path) => new(_baseUrl, $"v2/{_handle.Repository}/{path}");

    /// <summary>
    /// Sends a request that <paramref name="create"/> makes (again after authenticating, so it must
    /// make a fresh one each time), with the registry's Authorization when the URL is on the
    /// registry's origin. On a 401 whose challenge it can answer it authenticates once and sends it
    /// again; a 401 or 403 then is MR0061. Other answers are the caller's to read and dispose.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var round = 0; ; round++)
        {
            using var request = create();
            if (_authorization is not null && SameOrigin(request.RequestUri!))
                request.Headers.Authorization = _authorization;
            var response = await _context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is not (401 or 403))
                return response;
            var challenges = response.Headers.WwwAuthenticate.ToArray();
            response.Dispose();
            if (status == 401 && round == 0 && _authorization is null && challenges.Length > 0
                && await AuthenticateAsync(challenges, cancellationToken).ConfigureAwait(false))
                continue;
            throw Denied(status, status == 401 ? challenges : []);
        }
    }

    private bool SameOrigin(Uri url) =>
        url.Scheme == _baseUrl.Scheme && string.Equals(url.Host, _baseUrl.Host, StringComparison.OrdinalIgnoreCase) && url.Port == _baseUrl.Port;

    /// <summary>Registry-relative URLs of this repository: <c>/v2/&lt;name&gt;/…</c>.</summary>
    private Uri Url(string kind, string reference) => new(_baseUrl, $"v2/{_handle.Repository}/{kind}/{reference}");

    public string ManifestUrlText(string reference) => Downloads.Redact(Url("manifests", reference));

    /// <summary>The manifest <paramref name="reference"/> names, its bytes verified against the digest when it is one; returns its digest.</summary>
    public async Task<(byte[] Bytes, string? MediaType, string Digest)> GetManifestAsync(string reference, CancellationToken cancellationToken)
    {
        var url = Url("manifests", reference);
        var body = await WithAuthenticationAsync(errors => Downloads.GetBytesAsync(_handle, _context, url, OciMediaTypes.ManifestAccept, MaxManifestBytes,
            size => new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer,
                $"Model '{_handle.Text}': the manifest {Downloads.Redact(url)} is {size} bytes or more, over the {MaxManifestBytes >> 20} MB a manifest may have. Check the handle."),
            cancellationToken, errors, Authorize), "manifest", reference, cancellationToken).ConfigureAwait(false);
        var digest = "sha256:" + Convert.ToHexString(SHA256.HashData(body.Bytes)).ToLowerInvariant();
        // Verified against what was asked for, never against the registry's Docker-Content-Digest.
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && digest != reference)
            throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                $"Model '{_handle.Text}': the registry answered the manifest {reference} with content whose digest is {digest}; nothing was cached. " +
                "A digest names exactly one content, so the registry (or something between it and this machine) serves wrong data. Check the registry, then restore again.");
        return (body.Bytes, body.MediaType, digest);
    }

    /// <summary>A blob into the cache, verified against its digest and size; from the cache when it is already there (whichever source brought it).</summary>
    public async Task<CachedBlob> GetBlobAsync(OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        var sha256 = Sha256Of(descriptor);
        if (_context.Cache.TryGetBlob(sha256) is { } cached)
            return new CachedBlob(sha256, cached, new FileInfo(cached).Length);
        var url = Url("blobs", descriptor.Digest);
        var options = new BlobAddOptions
        {
            ExpectedSha256 = sha256,
            Verify = hashes =>
            {
                if (hashes.Length != descriptor.Size)
                    throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                        $"Model '{_handle.Text}': the blob {descriptor.Digest} has {hashes.Length} bytes, its manifest says {descriptor.Size}; nothing was cached.");
            },
        };
        try
        {
            var downloaded = await WithAuthenticationAsync(errors => Downloads.DownloadToCacheAsync(_handle, _context, url, options, cancellationToken,
                errors: errors, authorization: Authorize), "blob", descriptor.Digest, cancellationToken).ConfigureAwait(false);
            return downloaded.Blob;
        }
        catch (ContentHashMismatchException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                $"Model '{_handle.Text}': the registry served content with SHA-256 {e.ActualSha256} for the blob {descriptor.Digest} ({Downloads.Redact(url)}); nothing was cached. " +
                "A digest names exactly one content, so the registry or a storage host it redirects to serves wrong data. Check the registry, then restore again.", e);
        }
    }

    public static string Sha256Of(OciDescriptor descriptor) =>
        descriptor.Digest.StartsWith("sha256:", StringComparison.Ordinal) && Sha256Hex.Normalize(descriptor.Digest[7..]) is { } hex ? hex
            : throw new FormatException($"the digest '{descriptor.Digest}' is not a sha256 digest (other algorithms are not read)");

    private AuthenticationHeaderValue? Authorize(Uri url) => _authorization;

    /// <summary>
    /// Runs a request; on a 401 whose challenge it can answer, authenticates once and runs it again.
    /// The 401, 403 and 404 answers become this source's errors.
    /// </summary>
    private async Task<T> WithAuthenticationAsync<T>(Func<Downloads.ErrorMap, Task<T>> request, string what, string reference, CancellationToken cancellationToken)
    {
        for (var round = 0; ; round++)
        {
            AuthenticationHeaderValue[]? challenges = null;
            var errors = new Downloads.ErrorMap
            {
                Response = response =>
                {
                    var status = (int)response.StatusCode;
                    if (status == 401)
                    {
                        challenges = response.Headers.WwwAuthenticate.ToArray();
                        return Denied(status, challenges);
                    }
                    if (status == 403)
                        return Denied(status, []);
                    if (status == 404)
                        return NotFound(what, reference);
                    return null;
                },
            };
            try
            {
                return await request(errors).ConfigureAwait(false);
            }
            catch (ModelRefsException) when (round == 0 && _authorization is null && challenges is { Length: > 0 })
            {
                if (!await AuthenticateAsync(challenges, cancellationToken).ConfigureAwait(false))
                    throw;
                // authenticated: ask again
            }
        }
    }

    /// <summary>Answers a challenge: true when an Authorization to send was found.</summary>
    private async Task<bool> AuthenticateAsync(AuthenticationHeaderValue[] challenges, CancellationToken cancellationToken)
    {
        if (challenges.FirstOrDefault(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) is { } bearer)
        {
            var parameters = ParseParameters(bearer.Parameter);
            if (!parameters.TryGetValue("realm", out var realmText) || !Uri.TryCreate(realmText, UriKind.Absolute, out var realm)
                || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
                return false;
            if (realm.Scheme == Uri.UriSchemeHttp && !_plainHttpAllowed(realm))
                throw new ModelRefsException(RestoreDiagnostics.OciPlainHttpRefused,
                    $"Model '{_handle.Text}': the registry {_handle.Registry} sends clients for a token to {Downloads.Redact(realm)}, which is plain HTTP; " +
                    "credentials and tokens are not sent without transport security. Use the registry's https token server, or list the host in ModelRefsInsecureRegistries if it is trusted.");
            var credential = await CredentialAsync(cancellationToken).ConfigureAwait(false);
            var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : "");
            if (parameters.TryGetValue("service", out var service))
                query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
            var own = $"repository:{_handle.Repository}:{(_push ? "pull,push" : "pull")}";
            var asked = parameters.TryGetValue("scope", out var scope) ? scope : own;
            // A push asks for push rights up front: the first challenge (a HEAD) names pull only, and
            // a token without push would be refused at the upload.
            query.Append("scope=").Append(Uri.EscapeDataString(_push ? own : asked));
            if (_push && asked != own)
                query.Append("&scope=").Append(Uri.EscapeDataString(asked));
            var tokenUrl = new UriBuilder(realm) { Query = query.ToString() }.Uri;
            var basic = credential is null ? null : BasicOf(credential);
            var errors = new Downloads.ErrorMap
            {
                Response = response => (int)response.StatusCode is 401 or 403
                    ? new ModelRefsException(RestoreDiagnostics.OciAccessDenied,
                        $"Model '{_handle.Text}': the token server {Downloads.Redact(realm)} of {_handle.Registry} refused to issue a token (HTTP {(int)response.StatusCode})" +
                        (credential is null ? " without credentials. " + LoginAdvice() : $" for the credentials from {credential.Source}: they are wrong, or that account cannot {(_push ? "push to" : "pull")} {_handle.Repository}."))
                    : null,
            };
            var answer = await Downloads.GetBytesAsync(_handle, _context, tokenUrl, "application/json", MaxTokenBytes,
                size => InvalidAnswer($"the token server {Downloads.Redact(realm)} answered {size} bytes or more, which is no token"),
                cancellationToken, errors, _ => basic).ConfigureAwait(false);
            string? token;
            try
            {
                using var json = JsonDocument.Parse(answer.Bytes);
                token = (json.RootElement.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null)
                        ?? (json.RootElement.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null);
            }
            catch (JsonException)
            {
                token = null;
            }
            if (string.IsNullOrEmpty(token))
                throw InvalidAnswer($"the token server {Downloads.Redact(realm)} answered without a 'token' or 'access_token'");
            _authorization = new AuthenticationHeaderValue("Bearer", token);
            _authorizationSource = credential is null ? "an anonymous token" : $"a token for the credentials from {credential.Source}";
            return true;
        }
        if (challenges.Any(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)))
        {
            if (_baseUrl.Scheme == Uri.UriSchemeHttp && !_plainHttpAllowed(_baseUrl))
                return false;
            if (await CredentialAsync(cancellationToken).ConfigureAwait(false) is not { } credential)
                return false;
            _authorization = BasicOf(credential);
            _authorizationSource = $"the credentials from {credential.Source}";
            return true;
        }
        return false;
    }

    private async Task<RegistryCredential?> CredentialAsync(CancellationToken cancellationToken)
    {
        if (!_credentialRead)
        {
            _credential = await _credentials.FindAsync(_handle, _handle.Registry, cancellationToken).ConfigureAwait(false);
            _credentialRead = true;
        }
        return _credential;
    }

    private static AuthenticationHeaderValue BasicOf(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Secret)));

    /// <summary>The auth-params of a challenge: <c>realm="…",service="…",scope="a:b:pull,push"</c> (quoted values may hold commas).</summary>
    internal static Dictionary<string, string> ParseParameters(string? parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = parameter ?? "";
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
                i++;
            var equals = text.IndexOf('=', i);
            if (equals < 0)
                break;
            var name = text[i..equals].Trim();
            i = equals + 1;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                    value.Append(text[i] == '\\' && i + 1 < text.Length ? text[++i] : text[i]);
                i++;
            }
            else
            {
                for (; i < text.Length && text[i] != ','; i++)
                    value.Append(text[i]);
            }
            if (name.Length > 0)
                result[name] = value.ToString().Trim();
        }
        return result;
    }

    private string LoginAdvice() =>
        $"If the repository is private, log in with 'docker login {_handle.Registry}' (or podman, skopeo, oras: they write the same config.json; " +
        $"ModelRefs reads {_credentials.ConfigPath ?? "$DOCKER_CONFIG/config.json"}).";

    private ModelRefsException Denied(int status, AuthenticationHeaderValue[] challenges)
    {
        string why;
        if (_authorization is not null)
            why = $"with {_authorizationSource}: that account has no {(_push ? "push" : "pull")} access to {_handle.Repository}, or the credentials are wrong.";
        else if (status == 401 && challenges.Length == 0)
            why = "and its 401 answer carries no WWW-Authenticate challenge, so there is no way to authenticate. Check that the handle names an OCI registry.";
        else if (status == 401 && !challenges.Any(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)))
            why = $"and it asks for {string.Join(", ", challenges.Select(c => c.Scheme))} authentication, which ModelRefs does not speak (Bearer and Basic it does).";
        else if (status == 401 && _baseUrl.Scheme == Uri.UriSchemeHttp && !_plainHttpAllowed(_baseUrl))
            why = "and credentials are not sent to it over plain HTTP.";
        else if (status == 401 && _credentialRead && _credential is null)
            why = $"and there are no credentials for it. {LoginAdvice()}";
        else
            why = $"anonymously. {LoginAdvice()}";
        return new ModelRefsException(RestoreDiagnostics.OciAccessDenied,
            $"{(_push ? "Pushing to" : "Model")} '{_handle.Text}': the registry {_handle.Registry} refused {(_push ? "the upload" : "access")} to {_handle.Repository} (HTTP {status}) {why}");
    }

    private ModelRefsException NotFound(string what, string reference) =>
        new(RestoreDiagnostics.OciNotFound,
            what == "manifest"
                ? $"Model '{_handle.Text}': the registry {_handle.Registry} has no manifest '{reference}' in {_handle.Repository} (HTTP 404): the repository, " +
                  (reference.StartsWith("sha256:", StringComparison.Ordinal) ? "or that digest in it, " : "or the tag in it, ") +
                  "does not exist (a private repository may also answer 404 to those who cannot see it). Check the handle, and the repository's tags."
                : $"Model '{_handle.Text}': the registry {_handle.Registry} has no blob {reference} in {_handle.Repository} (HTTP 404), although the manifest names it. " +
                  "The artifact is incomplete on this registry: push it again.");

    private ModelRefsException InvalidAnswer(string what) =>
        new(RestoreDiagnostics.OciInvalidAnswer, $"Model '{_handle.Text}': {what}. Check that {_handle.Registry} is an OCI registry.");
}
