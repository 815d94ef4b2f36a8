using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ModelRefs.Core.Archives;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>A hub ref pinned to a commit.</summary>
/// <param name="Ref">The ref that was resolved: as written, or <c>main</c>/<c>master</c> by the default-branch rule.</param>
/// <param name="Commit">The full commit SHA (40 lower-case hex digits): what the lock records.</param>
/// <param name="Source">How it was pinned: <c>github</c> (asked the API now), <c>lock</c>, <c>commit</c> (the ref is a full SHA) or <c>cache</c> (offline, last known).</param>
public sealed record TorchHubResolution(TorchHubModelHandle Handle, string Ref, string Commit, string Source);

/// <summary>A hub repo at a commit, extracted in the cache.</summary>
/// <param name="Directory">The repo's root folder (holds hubconf.py): <c>&lt;cache&gt;/torchhub/&lt;owner&gt;_&lt;repo&gt;_&lt;sha&gt;/</c>.</param>
/// <param name="ZipballUrl">Where the archive was (or would be) downloaded from.</param>
/// <param name="ZipballSha256">SHA-256 of the downloaded archive; null when the folder was already in the cache. Informational
/// only: GitHub does not promise byte-stable zipballs, so the lock pins the commit, not this.</param>
public sealed record TorchHubCheckout(TorchHubResolution Resolution, string Directory, string ZipballUrl, string? ZipballSha256)
{
    public string HubconfPath => Path.Combine(Directory, "hubconf.py");
}

/// <summary>
/// The GitHub client of the torchhub source, speaking the PyTorch Hub protocol over GitHub: a ref
/// is pinned to a commit through the API (<c>GET {api}/repos/{owner}/{repo}/commits/{ref}</c> → <c>sha</c>; no ref: <c>main</c>, else <c>master</c>),
/// the commit's zipball (<c>{web}/{owner}/{repo}/zipball/{sha}</c>) is downloaded into the cache and
/// extracted safely, once per commit and machine.
/// </summary>
public sealed class GitHubRepoClient
{
    public const string UserAgent = "ModelRefs (+https://github.com/modelrefs/modelrefs)";
    private static readonly string[] DefaultBranches = ["main", "master"];

    public GitHubRepoClient(GitHubEndpoints endpoints, ArchiveLimits? limits = null)
    {
        Endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints));
        Limits = limits ?? ArchiveLimits.Default;
    }

    public GitHubEndpoints Endpoints { get; }

    public ArchiveLimits Limits { get; }

    /// <summary>
    /// Pins the handle's ref to a commit. <paramref name="lockedCommit"/> (from models.lock.json) wins
    /// and needs no network; a full 40-digit SHA as the ref needs none either; offline, the last
    /// commit this machine resolved for the ref is used (MR0010 when there is none). Otherwise the
    /// GitHub API is asked every time, so a moved tag or branch is seen (and the lock then shows the change).
    /// </summary>
    public async Task<TorchHubResolution> ResolveAsync(TorchHubModelHandle handle, FetchContext context, string? lockedCommit = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrWhiteSpace(lockedCommit))
        {
            var locked = lockedCommit.Trim().ToLowerInvariant();
            if (!IsCommitSha(locked))
                throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                    $"Model '{handle.Text}': the locked commit '{lockedCommit}' is not a 40-digit git commit SHA. Fix or remove the models.lock.json entry.");
            return new TorchHubResolution(handle, handle.Ref ?? "", locked, "lock");
        }
        if (handle.Ref is { } written && IsCommitSha(written.ToLowerInvariant()))
            return new TorchHubResolution(handle, written, written.ToLowerInvariant(), "commit");

        var indexKey = $"{Downloads.Redact(Endpoints.Api)}|{handle.Owner.ToLowerInvariant()}/{handle.Repo.ToLowerInvariant()}|{handle.Ref ?? ""}";
        if (context.Offline)
        {
            if (RefIndex.Read(context.Cache, indexKey) is { } known)
            {
                context.Log($"{handle.Text}: offline, using commit {known.Commit} last resolved for '{known.Ref}'");
                return new TorchHubResolution(handle, known.Ref, known.Commit, "cache");
            }
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{handle.Text}': restore is offline (ModelRefsOffline) and this machine has never resolved " +
                $"{handle.Repository}{(handle.Ref is null ? " (default branch)" : ":" + handle.Ref)} to a commit. " +
                "Restore once with the network (without ModelRefsOffline), or pin the commit in models.lock.json.");
        }

        TorchHubResolution resolution;
        if (handle.Ref is { } gitRef)
        {
            var commit = await GetCommitAsync(handle, context, gitRef, cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(handle, $"GitHub has no repository {handle.Repository} with a tag, branch or commit '{gitRef}'");
            resolution = new TorchHubResolution(handle, gitRef, commit, "github");
        }
        else
        {
            resolution = null!;
            foreach (var branch in DefaultBranches)
            {
                // torch.hub's rule: main when it exists, else master.
                if (await GetCommitAsync(handle, context, branch, cancellationToken).ConfigureAwait(false) is { } commit)
                {
                    resolution = new TorchHubResolution(handle, branch, commit, "github");
                    break;
                }
            }
            if (resolution is null)
                throw NotFound(handle, $"GitHub has no repository {handle.Repository} with a 'main' or 'master' branch; name the ref " +
                    $"after ':' (torchhub:{handle.Repository}:<tag or branch>/{handle.Entry})");
        }
        RefIndex.Write(context.Cache, indexKey, resolution.Ref, resolution.Commit);
        context.Log($"{handle.Text}: {handle.Repository}:{resolution.Ref} is commit {resolution.Commit}");
        return resolution;
    }

    /// <summary>
    /// The repo at the resolved commit, extracted under the cache. No network when this machine has
    /// it already; otherwise the zipball is downloaded (kept as a blob) and extracted with
    /// <see cref="SafeZipExtractor"/>. The repo must have a hubconf.py at its root.
    /// </summary>
    public async Task<TorchHubCheckout> FetchAsync(TorchHubResolution resolution, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        ArgumentNullException.ThrowIfNull(context);
        var handle = resolution.Handle;
        var directory = new TorchHubCacheFolders(context.Cache).Repo(handle.Owner, handle.Repo, resolution.Commit);
        var url = Endpoints.ZipballUrl(handle.Owner, handle.Repo, resolution.Commit);
        if (Directory.Exists(directory))
        {
            context.Log($"{handle.Text}: repo at {resolution.Commit[..12]} in the cache, no network");
            return Checked(new TorchHubCheckout(resolution, directory, Downloads.Redact(url), null));
        }
        if (context.Offline)
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{handle.Text}': restore is offline (ModelRefsOffline) and {handle.Repository} at commit {resolution.Commit} " +
                $"is not in the cache ({context.Cache.Root}). Restore once with the network to fill the cache.");

        context.Log($"{handle.Text}: downloading {Downloads.Redact(url)}");
        // The shared downloader: retries with backoff, resume, idle timeouts, redirects by hand, the
        // cache's atomic blobs. The token goes only to the GitHub endpoints (never across a redirect).
        var download = new FetchContext(context.Cache, context.Http)
        {
            Credentials = Endpoints.ToCredentials(),
            Download = context.Download,
            Log = context.Log,
            Progress = context.Progress,
        };
        var blob = (await Downloads.DownloadToCacheAsync(handle, download, url, new BlobAddOptions(), cancellationToken,
            status => status is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity
                ? NotFound(handle, $"GitHub has no archive of {handle.Repository} at commit {resolution.Commit} ({Downloads.Redact(url)} answered HTTP {(int)status})")
                : null).ConfigureAwait(false)).Blob;

        try
        {
            var files = SafeZipExtractor.Extract(blob.Path, directory, stripTopFolder: true, Limits, cancellationToken);
            context.Log($"{handle.Text}: extracted {files} files of {handle.Repository}@{resolution.Commit[..12]}");
        }
        catch (UnsafeArchiveException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.UnsafeArchive,
                $"Model '{handle.Text}': the archive of {handle.Repository} at commit {resolution.Commit} ({Downloads.Redact(url)}) was refused: " +
                $"{e.Message}. Nothing was extracted. A hub repo's archive must hold only plain files and folders inside its top folder; " +
                "report this to the repo's owner, or use another commit.", e);
        }
        return Checked(new TorchHubCheckout(resolution, directory, Downloads.Redact(url), blob.Sha256));
    }

    private static TorchHubCheckout Checked(TorchHubCheckout checkout)
    {
        if (!File.Exists(checkout.HubconfPath))
            throw NotFound(checkout.Resolution.Handle,
                $"{checkout.Resolution.Handle.Repository} at commit {checkout.Resolution.Commit} has no hubconf.py at its root, so it is not a PyTorch Hub repo");
        return checkout;
    }

    /// <summary>The commit SHA for a ref, or null when GitHub says there is none (404, 422).</summary>
    private async Task<string?> GetCommitAsync(TorchHubModelHandle handle, FetchContext context, string gitRef, CancellationToken cancellationToken)
    {
        var url = Endpoints.CommitUrl(handle.Owner, handle.Repo, gitRef);
        context.Log($"{handle.Text}: GET {Downloads.Redact(url)}");
        using var response = await SendAsync(handle, context, url, "application/vnd.github+json", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity)
            return null;
        EnsureSuccess(handle, response, url);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("sha", out var sha) && sha.ValueKind == JsonValueKind.String
                && sha.GetString()!.ToLowerInvariant() is var commit && IsCommitSha(commit))
                return commit;
        }
        catch (JsonException)
        {
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ModelRefsException(RestoreDiagnostics.DownloadFailed,
                $"Model '{handle.Text}': reading {Downloads.Redact(url)} failed ({e.Message}). Check the network and restore again.", e);
        }
        throw new ModelRefsException(RestoreDiagnostics.DownloadFailed,
            $"Model '{handle.Text}': the GitHub API's answer {Downloads.Redact(url)} has no commit 'sha'. Check that ModelRefsGitHubApiUrl points at a GitHub API.");
    }

    /// <summary>How many pages of 100 tags <see cref="ListTagsAsync"/> reads at most; a repo with more has its newest in the first pages.</summary>
    internal const int MaxTagPages = 10;

    /// <summary>
    /// The repo's tag names (<c>GET /repos/{owner}/{repo}/tags</c>), following the pages GitHub's
    /// <c>Link: rel="next"</c> names, up to <see cref="MaxTagPages"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(TorchHubModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(context);
        var tags = new List<string>();
        for (var page = 1; page <= MaxTagPages; page++)
        {
            var url = Endpoints.TagsUrl(handle.Owner, handle.Repo, page);
            context.Log($"{handle.Text}: GET {Downloads.Redact(url)}");
            using var response = await SendAsync(handle, context, url, "application/vnd.github+json", cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound)
                throw NotFound(handle, $"GitHub has no repository {handle.Repository}");
            EnsureSuccess(handle, response, url);
            var count = 0;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                    throw new JsonException("not an array");
                foreach (var tag in document.RootElement.EnumerateArray())
                {
                    count++;
                    if (tag.ValueKind == JsonValueKind.Object && tag.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                        tags.Add(name.GetString()!);
                }
            }
            catch (JsonException e)
            {
                throw new ModelRefsException(RestoreDiagnostics.DownloadFailed,
                    $"Model '{handle.Text}': the GitHub API's answer {Downloads.Redact(url)} is not a list of tags ({e.Message}). " +
                    "Check that ModelRefsGitHubApiUrl points at a GitHub API.", e);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new ModelRefsException(RestoreDiagnostics.DownloadFailed,
                    $"Model '{handle.Text}': reading {Downloads.Redact(url)} failed ({e.Message}). Check the network and try again.", e);
            }
            var hasNext = response.Headers.TryGetValues("Link", out var links) && links.Any(l => l.Contains("rel=\"next\"", StringComparison.Ordinal));
            if (count == 0 || !hasNext)
                break;
        }
        return tags;
    }

    private async Task<HttpResponseMessage> SendAsync(TorchHubModelHandle handle, FetchContext context, Uri url, string? accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
            request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", "2022-11-28");
        }
        if (Endpoints.TokenFor(url) is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            // HttpClient drops Authorization when it follows a redirect (GitHub sends zipballs on to codeload).
            return await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var what = e is OperationCanceledException ? "timed out" : e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new ModelRefsException(RestoreDiagnostics.DownloadFailed,
                $"Model '{handle.Text}': {Downloads.Redact(url)} failed: {what}. Check the network (proxy settings, HTTPS_PROXY) and " +
                "ModelRefsGitHubUrl/ModelRefsGitHubApiUrl, then restore again; to build without network, restore once online and then use ModelRefsOffline.", e);
        }
    }

    private void EnsureSuccess(TorchHubModelHandle handle, HttpResponseMessage response, Uri url)
    {
        if (response.IsSuccessStatusCode)
            return;
        var status = (int)response.StatusCode;
        var hint = "";
        if (response.StatusCode is HttpStatusCode.Unauthorized)
            hint = " The token in GITHUB_TOKEN was refused: check or unset it.";
        else if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
            hint = response.Headers.TryGetValues("X-RateLimit-Remaining", out var remaining) && remaining.FirstOrDefault() == "0"
                ? Endpoints.HasToken
                    ? " The GitHub API rate limit of the token in GITHUB_TOKEN is used up; wait and restore again."
                    : " The GitHub API rate limit for anonymous requests is used up: set GITHUB_TOKEN to a GitHub token (it is sent only to the GitHub hosts and never logged), or wait."
                : " GitHub refused the request; a private repo needs GITHUB_TOKEN.";
        throw new ModelRefsException(RestoreDiagnostics.DownloadFailed,
            $"Model '{handle.Text}': {Downloads.Redact(url)} answered HTTP {status} {response.ReasonPhrase}.{hint}");
    }

    internal static bool IsCommitSha(string text) => text.Length == 40 && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static ModelRefsException NotFound(TorchHubModelHandle handle, string what) =>
        new(RestoreDiagnostics.HubNotFound,
            $"Model '{handle.Text}': {what}. Check the owner, repo and ref in the Include (a private repo needs GITHUB_TOKEN), " +
            "and ModelRefsGitHubUrl/ModelRefsGitHubApiUrl for a GitHub Enterprise server.");

    /// <summary>Ref → commit as last resolved on this machine, for offline restores. One small JSON file per ref, replaced atomically.</summary>
    private static class RefIndex
    {
        public sealed record Entry(string Key, string Ref, string Commit);

        private static string PathFor(ModelCache cache, string key) => new TorchHubCacheFolders(cache).RefIndexFile(key);

        public static Entry? Read(ModelCache cache, string key)
        {
            try
            {
                var path = PathFor(cache, key);
                if (!File.Exists(path))
                    return null;
                var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllBytes(path));
                return entry is not null && entry.Key == key && IsCommitSha(entry.Commit) ? entry : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                return null;
            }
        }

        public static void Write(ModelCache cache, string key, string gitRef, string commit) =>
            AtomicFile.WriteAllBytes(PathFor(cache, key), JsonSerializer.SerializeToUtf8Bytes(new Entry(key, gitRef, commit)));
    }
}
