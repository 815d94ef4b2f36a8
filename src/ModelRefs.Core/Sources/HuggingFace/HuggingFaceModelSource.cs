using System.Net;
using System.Text;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Licensing;

namespace ModelRefs.Core.Sources.HuggingFace;

/// <summary>
/// The Hugging Face Hub (docs/huggingface.md): the revision is resolved to a commit with
/// <c>GET {endpoint}/api/models/{owner}/{repo}/revision/{revision}?blobs=true</c>, the file is downloaded
/// from <c>{endpoint}/{owner}/{repo}/resolve/{commit}/{path}</c> through the shared downloader (redirects
/// to the CDN without the token, a renamed repo's relative 307, resume, retries), an LFS file is verified
/// against the <c>lfs.sha256</c> the Hub lists while it streams and a plain git file by its size (and the
/// lock's SHA-256 once there is one). The lock records <c>hf:owner/repo@&lt;commit&gt;/path</c>; later
/// restores fetch that commit, so a branch that moves changes nothing until the lock entry is removed.
/// The licence is the card's (<c>cardData</c>, else README.md's front matter), else a LICENSE file's text.
/// </summary>
public sealed partial class HuggingFaceModelSource : IModelSource
{
    /// <summary>The <c>licenseSource</c> this source reports for a card's licence.</summary>
    public const string LicenseSourceName = "huggingface card";

    /// <summary>Card and licence files larger than this are not read (they are text).</summary>
    private const long MaxTextFileBytes = 1 << 20;

    private static readonly string[] LicenseFileNames = ["LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "LICENCE.txt", "COPYING"];

    private readonly Func<string, string?> _environment;

    /// <param name="environment">Reads environment variables (<c>HF_HUB_OFFLINE</c>); tests pass their own.</param>
    public HuggingFaceModelSource(Func<string, string?>? environment = null) =>
        _environment = environment ?? Environment.GetEnvironmentVariable;

    public string Scheme => "hf";

    public string HandleForms => HuggingFaceModelHandle.Form + " (also as a https://huggingface.co/<owner>/<repo>/resolve/<revision>/<path> URL)";

    public IReadOnlyList<Setting> Settings => [HuggingFaceSettings.Url];

    /// <summary><c>hf:</c> handles, and huggingface.co file URLs, which name the same files (contract.md).</summary>
    public ModelHandle? TryParse(HandleText include) => include.Scheme switch
    {
        "hf" => HuggingFaceModelHandle.Create(include.Text, include.Rest),
        "https" or "http" when Uri.TryCreate(include.Text, UriKind.Absolute, out var uri) && HuggingFaceModelHandle.IsHubUrl(uri)
            => HuggingFaceModelHandle.CreateFromUrl(include.Text, uri),
        _ => null,
    };

    public async Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var hf = handle as HuggingFaceModelHandle ?? throw new ArgumentException("not an hf: handle", nameof(handle));
        var endpoint = HuggingFaceSettings.ResolveEndpoint(context.Settings);
        context = context.WithCredentials(context.Credentials.WithHuggingFaceEndpoint(endpoint));
        var cache = context.Cache;
        var endpointText = Downloads.Redact(endpoint);
        var expected = context.ExpectedSha256(hf);
        var offline = context.Offline || HuggingFaceSettings.IsOfflineValue(_environment(HuggingFaceSettings.OfflineVariable));
        var latestKey = $"hf-latest|{endpointText}|{hf.RepoId}@{hf.Revision}|{hf.PathInRepo}";

        // A commit in the handle or the lock pins the file; else the revision is resolved below.
        var commit = hf.RevisionIsCommit ? hf.Revision : hf.CommitFromResolved(context.PinnedResolved);
        if (commit is null && offline && cache.TryGetRef(latestKey) is { Resolved: { } known } && HuggingFaceModelHandle.IsCommit(known))
        {
            context.Log($"{hf.Text}: offline, using commit {known} that '{hf.Revision}' named when last resolved on this machine");
            commit = known;
        }
        if (commit is not null && Cached(cache, FileKey(endpointText, hf, commit), expected) is { } hit)
        {
            context.Log($"{hf.Text}: commit {commit[..12]}… in the cache, no network");
            return hit;
        }
        if (offline)
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{hf.Text}': restore is offline ({(context.Offline ? "ModelRefsOffline" : HuggingFaceSettings.OfflineVariable + "=" + _environment(HuggingFaceSettings.OfflineVariable))}) " +
                $"and {hf.PathInRepo} of {hf.RepoId} at {(commit is null ? "revision '" + hf.Revision + "'" : "commit " + commit)} is not in the cache ({cache.Root}). " +
                "Restore once with the network to fill the cache.");

        var fetchLock = await context.AcquireFetchLockAsync(hf, $"hf-download|{endpointText}|{hf.RepoId}@{commit ?? hf.Revision}|{hf.PathInRepo}", $"'{hf.Text}'", cancellationToken).ConfigureAwait(false);
        await using (fetchLock)
        {
            if (commit is not null && Cached(cache, FileKey(endpointText, hf, commit), expected) is { } fresh)
                return fresh; // another restore downloaded it while this one waited

            var info = await SharedRepoInfoAsync(hf, context, endpoint, commit ?? hf.Revision, cancellationToken).ConfigureAwait(false);
            if (commit is not null && info.Commit != commit)
                throw new ModelRefsException(RestoreDiagnostics.HuggingFaceInvalidAnswer,
                    $"Model '{hf.Text}': asked for commit {commit}, the endpoint {endpointText} answered with commit {info.Commit}. " +
                    "Check ModelRefsHuggingFaceUrl (a mirror that does not serve commits as the Hub does).");
            if (commit is null)
                context.Log($"{hf.Text}: revision '{hf.Revision}' is commit {info.Commit}; models.lock.json pins it");
            if (info.Id.Length > 0 && !string.Equals(info.Id, hf.RepoId, StringComparison.OrdinalIgnoreCase))
                context.Log($"{hf.Text}: warning: the repository is now {info.Id} (the Hub redirects the old name); write hf:{info.Id}/… in the Include");

            var file = info.Siblings.GetValueOrDefault(hf.PathInRepo) ?? throw FileNotFound(hf, info);
            if (expected is not null && file.LfsSha256 is { } listed && listed != expected)
                throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                    $"Model '{hf.Text}': at commit {info.Commit} the Hub lists {hf.PathInRepo} with SHA-256 {listed}, but {expected} is expected; nothing was downloaded. " +
                    "A commit's files never change on the Hub, so the endpoint or the pin is wrong. If the new content is intended, update the Sha256 metadata or the models.lock.json entry.");

            var blob = await DownloadFileAsync(hf, context, endpoint, info.Commit, file, file.LfsSha256 ?? expected, cancellationToken).ConfigureAwait(false);
            var (license, attribution, licenseText) = await ReadLicenseAsync(hf, context, endpoint, info, cancellationToken).ConfigureAwait(false);
            var resolved = hf.AtCommit(info.Commit);
            var licenseSource = license is null ? null : LicenseSourceName;
            cache.SetRef(new CacheRef(FileKey(endpointText, hf, info.Commit), blob.Sha256, resolved, license, licenseSource)
            {
                LicenseText = licenseText,
                Attribution = attribution,
            });
            if (!hf.RevisionIsCommit) // remember what the revision named, for offline restores of an unlocked handle
                cache.SetRef(new CacheRef(latestKey, blob.Sha256, info.Commit));
            context.Log($"{hf.Text}: downloaded {blob.Length} bytes at commit {info.Commit[..12]}…, SHA-256 {blob.Sha256}" +
                (file.LfsSha256 is null ? "" : " (verified against the Hub's LFS hash)"));
            return new FetchedArtifact(blob.Path, blob.Sha256, resolved, license, licenseSource) { LicenseText = licenseText, Attribution = attribution };
        }
    }

    private static string FileKey(string endpointText, HuggingFaceModelHandle hf, string commit, string? pathInRepo = null) =>
        $"hf-file|{endpointText}|{hf.RepoId}@{commit}|{pathInRepo ?? hf.PathInRepo}";

    /// <summary>
    /// Each file from the same repository at the model's pinned commit, at the location relative to
    /// the model's folder in the repo: from the cache when downloaded before, else listed by one
    /// model-info request and downloaded like the model (LFS files verified by the Hub's SHA-256).
    /// </summary>
    public async Task<IReadOnlyList<ExternalDataFile>> FetchExternalDataAsync(ModelHandle handle, FetchedArtifact model, IReadOnlyList<ExternalDataRequest> files,
        FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var hf = handle as HuggingFaceModelHandle ?? throw new ArgumentException("not an hf: handle", nameof(handle));
        var endpoint = HuggingFaceSettings.ResolveEndpoint(context.Settings);
        context = context.WithCredentials(context.Credentials.WithHuggingFaceEndpoint(endpoint));
        var cache = context.Cache;
        var endpointText = Downloads.Redact(endpoint);
        // The model was restored at a commit (the lock's or the one just resolved): its files come from that one.
        var commit = hf.CommitFromResolved(model.Resolved)
            ?? throw new ModelRefsException(RestoreDiagnostics.HuggingFaceInvalidAnswer,
                $"Model '{hf.Text}': its resolution '{model.Resolved}' names no commit of {hf.RepoId}, so its external data files cannot be pinned to the model's commit. " +
                "Remove the model's entry from models.lock.json and restore again.");
        var folder = hf.PathInRepo[..(hf.PathInRepo.LastIndexOf('/') + 1)];
        var found = new Dictionary<string, ExternalDataFile>(StringComparer.Ordinal);
        List<ExternalDataRequest> Missing() => files.Where(f => !found.ContainsKey(f.Location)).ToList();
        void FromCache()
        {
            foreach (var file in Missing())
                if (Cached(cache, FileKey(endpointText, hf, commit, folder + file.Location), file.Sha256) is { } hit)
                    found[file.Location] = new ExternalDataFile(file.Location, hit.Path, hit.Sha256, new FileInfo(hit.Path).Length);
        }

        FromCache();
        if (Missing().Count == 0)
            return files.Select(f => found[f.Location]).ToArray();
        var offline = context.Offline || HuggingFaceSettings.IsOfflineValue(_environment(HuggingFaceSettings.OfflineVariable));
        if (offline)
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{hf.Text}': restore is offline and its external data files ({string.Join(", ", Missing().Select(f => f.Location))}) of {hf.RepoId} at commit {commit} " +
                $"are not in the cache ({cache.Root}). Restore once with the network to fill the cache.");

        var fetchLock = await context.AcquireFetchLockAsync(hf, $"hf-download|{endpointText}|{hf.RepoId}@{commit}|{hf.PathInRepo}|external-data", $"'{hf.Text}' (external data)", cancellationToken).ConfigureAwait(false);
        await using (fetchLock)
        {
            FromCache(); // another restore may have downloaded them while this one waited
            var missing = Missing();
            if (missing.Count == 0)
                return files.Select(f => found[f.Location]).ToArray();
            var info = await SharedRepoInfoAsync(hf, context, endpoint, commit, cancellationToken).ConfigureAwait(false);
            foreach (var file in missing)
            {
                var path = folder + file.Location;
                if (info.Siblings.GetValueOrDefault(path) is not { } sibling)
                {
                    var beside = info.Siblings.Keys.Where(p => p.StartsWith(folder, StringComparison.Ordinal) && !p[folder.Length..].Contains('/')).Order(StringComparer.Ordinal).ToList();
                    throw ExternalDataErrors.NotFound(hf, file.Location, $"{hf.RepoId} at commit {commit} has no file '{path}'",
                        beside.Count == 0 ? null : $"Files in {(folder.Length == 0 ? "the repository's root" : folder)} at that commit: {string.Join(", ", beside.Take(20))}{(beside.Count > 20 ? $" and {beside.Count - 20} more" : "")}.");
                }
                if (file.Sha256 is not null && sibling.LfsSha256 is { } listed && listed != file.Sha256)
                    throw ExternalDataErrors.HashMismatch(hf, file.Location, $"{path} as the Hub lists it at commit {commit}; nothing was downloaded", listed, file.Sha256);
                var blob = await DownloadFileAsync(hf, context, endpoint, commit, sibling, sibling.LfsSha256 ?? file.Sha256, cancellationToken).ConfigureAwait(false);
                cache.SetRef(new CacheRef(FileKey(endpointText, hf, commit, path), blob.Sha256, $"hf:{hf.RepoId}@{commit}/{path}"));
                context.Log($"{hf.Text}: downloaded its external data file {path} ({blob.Length} bytes, SHA-256 {blob.Sha256})");
                found[file.Location] = new ExternalDataFile(file.Location, blob.Path, blob.Sha256, blob.Length);
            }
        }
        return files.Select(f => found[f.Location]).ToArray();
    }

    private static FetchedArtifact? Cached(ModelCache cache, string key, string? expected)
    {
        if (cache.TryGetRef(key) is not { Resolved: { } resolved } known || (expected is not null && expected != known.Sha256))
            return null;
        return cache.TryGetBlob(known.Sha256) is { } path
            ? new FetchedArtifact(path, known.Sha256, resolved, known.License, known.LicenseSource) { LicenseText = known.LicenseText, Attribution = known.Attribution }
            : null;
    }

    /// <summary>
    /// The repository's file list at a revision, asked for once for every item of the restore that
    /// names that repository and revision (<see cref="RestoreBatch"/>), its failure included: sixteen
    /// files of one repository make one API request, not sixteen.
    /// </summary>
    private static Task<HuggingFaceRepoInfo> SharedRepoInfoAsync(HuggingFaceModelHandle hf, FetchContext context, Uri endpoint, string revision,
        CancellationToken cancellationToken) =>
        context.Batch is { } batch
            ? batch.ShareForAsync($"hf-info|{Downloads.Redact(endpoint)}|{hf.RepoId}@{revision}", hf, () => GetRepoInfoAsync(hf, context, endpoint, revision, cancellationToken))
            : GetRepoInfoAsync(hf, context, endpoint, revision, cancellationToken);

    /// <summary><c>{endpoint}/api/models/{owner}/{repo}/revision/{revision}?blobs=true</c>, with the Hub's errors named.</summary>
    private static async Task<HuggingFaceRepoInfo> GetRepoInfoAsync(HuggingFaceModelHandle hf, FetchContext context, Uri endpoint, string revision,
        CancellationToken cancellationToken)
    {
        var url = new Uri(endpoint, $"api/models/{Uri.EscapeDataString(hf.Owner)}/{Uri.EscapeDataString(hf.Repo)}/revision/{Uri.EscapeDataString(revision)}?blobs=true");
        context.Log($"{hf.Text}: GET {Downloads.Redact(url)}");
        using var document = await Downloads.GetJsonAsync(hf, context, url, statusError: null,
            e => InvalidAnswer(hf, url, "it is not JSON (" + e.Message + ")"), cancellationToken,
            Errors(hf, context, endpoint, revision, info: null)).ConfigureAwait(false);
        return HuggingFaceRepoInfo.Parse(document.RootElement, out var problem) ?? throw InvalidAnswer(hf, url, problem!);
    }

    private static async Task<CachedBlob> DownloadFileAsync(HuggingFaceModelHandle hf, FetchContext context, Uri endpoint, string commit,
        HuggingFaceSibling file, string? expected, CancellationToken cancellationToken)
    {
        var url = ResolveUrl(endpoint, hf, commit, file.Path);
        context.Log($"{hf.Text}: downloading {Downloads.Redact(url)}");
        var options = new BlobAddOptions
        {
            ExpectedSha256 = expected,
            Verify = file.Size is { } size
                ? hashes =>
                {
                    if (hashes.Length != size)
                        throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                            $"Model '{hf.Text}': the download of {file.Path} at commit {commit} has {hashes.Length} bytes, the Hub lists {size}; nothing was cached. " +
                            "Restore again; if it persists, the endpoint (ModelRefsHuggingFaceUrl) serves something else than the Hub lists.");
                }
                : null,
        };
        try
        {
            var downloaded = await Downloads.DownloadToCacheAsync(hf, context, url, options, cancellationToken, statusError: null,
                Errors(hf, context, endpoint, commit, info: null)).ConfigureAwait(false);
            return downloaded.Blob;
        }
        catch (ContentHashMismatchException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                $"Model '{hf.Text}': the download of {file.Path} at commit {commit} has SHA-256 {e.ActualSha256}, expected {e.ExpectedSha256} " +
                $"({(file.LfsSha256 is not null ? "the LFS hash the Hub lists" : "the pinned SHA-256")}); nothing was cached. " +
                "The endpoint, its CDN or a proxy served other content; restore again, and if it persists check ModelRefsHuggingFaceUrl and the network.", e);
        }
    }

    private static Uri ResolveUrl(Uri endpoint, HuggingFaceModelHandle hf, string commit, string path) =>
        new(endpoint, $"{Uri.EscapeDataString(hf.Owner)}/{Uri.EscapeDataString(hf.Repo)}/resolve/{commit}/" +
                      string.Join('/', path.Split('/').Select(Uri.EscapeDataString)));

    /// <summary>
    /// The card's licence (the API's <c>cardData</c>, else README.md's front matter when the endpoint
    /// gives no cardData), else the text of a LICENSE file at the root for restore to recognise.
    /// A card or licence file that cannot be read leaves the licence unknown (License metadata can name it).
    /// </summary>
    private static async Task<(string? License, string? Attribution, string? LicenseText)> ReadLicenseAsync(HuggingFaceModelHandle hf, FetchContext context,
        Uri endpoint, HuggingFaceRepoInfo info, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> licenses = info.CardLicenses;
        string? name = info.LicenseName, link = info.LicenseLink;
        if (!info.HasCardData && info.Siblings.GetValueOrDefault("README.md") is { } readme
            && await ReadTextAsync(hf, context, endpoint, info.Commit, readme, cancellationToken).ConfigureAwait(false) is { } card)
        {
            var frontMatter = LicenseInfo.ReadFrontMatter(card) ?? [];
            licenses = frontMatter.GetValueOrDefault("license") ?? [];
            name = frontMatter.GetValueOrDefault("license_name")?.FirstOrDefault();
            link = frontMatter.GetValueOrDefault("license_link")?.FirstOrDefault();
        }
        if (HuggingFaceLicenses.Map(licenses, name, link) is { } mapped)
            return (mapped.Expression, mapped.Link is null ? null : $"Licence terms: {mapped.Link}", null);

        foreach (var fileName in LicenseFileNames)
            if (info.Siblings.GetValueOrDefault(fileName) is { } licenseFile
                && await ReadTextAsync(hf, context, endpoint, info.Commit, licenseFile, cancellationToken).ConfigureAwait(false) is { } text)
                return (null, null, text);
        context.Log($"{hf.Text}: the model card states no licence and the repository has no LICENSE file; the licence stays unknown unless License is set");
        return (null, null, null);
    }

    private static async Task<string?> ReadTextAsync(HuggingFaceModelHandle hf, FetchContext context, Uri endpoint, string commit,
        HuggingFaceSibling file, CancellationToken cancellationToken)
    {
        if (file.Size is > MaxTextFileBytes)
            return null;
        try
        {
            // Through the cache like any file: verified, and kept by content for the next restore.
            var blob = await DownloadFileAsync(hf, context, endpoint, commit, file, file.LfsSha256, cancellationToken).ConfigureAwait(false);
            return blob.Length > MaxTextFileBytes ? null : Encoding.UTF8.GetString(await File.ReadAllBytesAsync(blob.Path, cancellationToken).ConfigureAwait(false));
        }
        catch (ModelRefsException e)
        {
            context.Log($"{hf.Text}: reading {file.Path} for the licence failed ({e.Message})");
            return null;
        }
    }

    /// <summary>The Hub's errors, by its <c>X-Error-Code</c> header, and the rate limit once every retry was spent.</summary>
    private static Downloads.ErrorMap Errors(HuggingFaceModelHandle hf, FetchContext context, Uri endpoint, string revision, HuggingFaceRepoInfo? info) => new()
    {
        Response = response => HubError(hf, context, endpoint, revision, response, info),
        GaveUp = (status, what) => status == 429
            ? new ModelRefsException(RestoreDiagnostics.HuggingFaceRateLimited, context.Credentials.Scrub(
                $"Model '{hf.Text}': the Hugging Face endpoint {Downloads.Redact(endpoint)} is rate limiting these requests ({what}, waiting as its Retry-After asked). " +
                "Wait a few minutes and restore again; " + (TokenSource(context, endpoint) is null
                    ? "requests with a token have higher limits: set HF_TOKEN (or log in with the Hugging Face CLI)"
                    : "a mirror or proxy (ModelRefsHuggingFaceUrl) spares the Hub") + "."))
            : null,
    };

    private static string? TokenSource(FetchContext context, Uri endpoint) =>
        context.Credentials.TokenFor(endpoint) is null ? null : context.Credentials.HuggingFaceTokenSource ?? Credentials.HuggingFaceTokenVariable;

    private static ModelRefsException? HubError(HuggingFaceModelHandle hf, FetchContext context, Uri endpoint, string revision,
        HttpResponseMessage response, HuggingFaceRepoInfo? info)
    {
        var code = Header(response, "X-Error-Code");
        var status = (int)response.StatusCode;
        var hubSays = Header(response, "X-Error-Message") is { } message ? $" (the Hub says: {message})" : "";
        var page = new Uri(endpoint, $"{hf.Owner}/{hf.Repo}");
        var token = TokenSource(context, endpoint);
        var isApi = response.RequestMessage?.RequestUri?.AbsolutePath.Contains("/api/models/", StringComparison.Ordinal) == true;
        ModelRefsException Error(RestoreDiagnostic diagnostic, string text) =>
            new(diagnostic, context.Credentials.Scrub($"Model '{hf.Text}': {text}"));

        switch (code)
        {
            case "GatedRepo":
                return Error(RestoreDiagnostics.HuggingFaceGatedRepo,
                    $"{hf.RepoId} is a gated repository: its files are given only to accounts that accepted its terms (HTTP {status}){hubSays}. " +
                    $"Open {page}, log in and accept the terms, then set HF_TOKEN to an access token of that account" +
                    (token is null ? " (no token was sent)" : $" (the token from {token} was sent, and its account has no access yet)") + ".");
            case "RevisionNotFound":
                return Error(RestoreDiagnostics.HuggingFaceRevisionNotFound,
                    $"{hf.RepoId} has no revision '{revision}' (HTTP {status}){hubSays}. Write an existing branch, tag or 40-digit commit after '@' " +
                    $"(see the branches and the commit history on {page}), or leave it out for main.");
            case "EntryNotFound":
                // Not of the file list, which items share (RestoreBatch): that one names no item's file.
                return isApi ? RepoNotFound() : FileNotFound(hf, info, $" (HTTP {status}){hubSays}");
            case "RepoNotFound":
                return RepoNotFound();
        }
        return status switch
        {
            401 or 403 => RepoNotFound(),
            404 when isApi => RepoNotFound(),
            404 => FileNotFound(hf, info, $" (HTTP 404){hubSays}"),
            _ => null,
        };

        ModelRefsException RepoNotFound() =>
            Error(RestoreDiagnostics.HuggingFaceRepoNotFound,
                $"the repository {hf.RepoId} was not found on {Downloads.Redact(endpoint)} (HTTP {status}){hubSays}. Check the owner and the name on {page}; " +
                (token is null
                    ? "if it is private, set HF_TOKEN (or log in with the Hugging Face CLI, which writes $HF_HOME/token) to a token that can read it."
                    : $"the token from {token} was sent: if the repository is private, that token's account has no access to it (or the token is invalid)."));
    }

    private static ModelRefsException FileNotFound(HuggingFaceModelHandle hf, HuggingFaceRepoInfo? info, string? detail = null)
    {
        // What could be meant, nearest first: files of the same kind, else the .onnx files.
        var extension = Path.GetExtension(hf.PathInRepo).ToLowerInvariant();
        var sameKind = info is null || extension is "" or ".onnx" ? [] : info.Siblings.Keys.Where(p => p.EndsWith(extension, StringComparison.OrdinalIgnoreCase)).ToList();
        var onnx = NearestNames.Order(hf.PathInRepo, info?.OnnxFiles ?? []);
        var listing = info is null ? ""
            : sameKind.Count > 0 ? $" Its {extension} files at commit {info.Commit[..12]}…: {NearestNames.Join(NearestNames.Order(hf.PathInRepo, sameKind), 20)}."
            : onnx.Count == 0 ? $" The repository has no .onnx file at commit {info.Commit}."
            : $" Its .onnx files at commit {info.Commit[..12]}…: {NearestNames.Join(onnx, 20)}.";
        return new ModelRefsException(RestoreDiagnostics.HuggingFaceFileNotFound,
            $"Model '{hf.Text}': {hf.RepoId} at revision '{hf.Revision}' has no file '{hf.PathInRepo}'{detail}.{listing} " +
            "Write the path as the repository's file list shows it (ONNX repos keep models under onnx/).");
    }

    private static ModelRefsException InvalidAnswer(HuggingFaceModelHandle hf, Uri url, string problem) =>
        new(RestoreDiagnostics.HuggingFaceInvalidAnswer,
            $"Model '{hf.Text}': the answer of {Downloads.Redact(url)} is not a Hugging Face model info: {problem}. " +
            "Check ModelRefsHuggingFaceUrl (and HF_ENDPOINT): it must name an endpoint that speaks the Hub's API, such as https://huggingface.co.");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 and < 1024 } value ? value.Trim() : null;
}
