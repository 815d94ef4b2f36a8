using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// The Hugging Face Hub on loopback, as huggingface.co answers the two requests a client needs
/// (see huggingface_hub's hf_api.py and file_download.py):
/// <list type="bullet">
/// <item><c>GET /api/models/{owner}/{repo}/revision/{revision}</c>: <c>id</c>, <c>sha</c> (the commit the
/// branch, tag or commit names), <c>gated</c>, <c>cardData</c> and <c>siblings</c>; with <c>?blobs=true</c>
/// each sibling has <c>size</c> and, for LFS files, <c>lfs: {sha256, size}</c>.</item>
/// <item><c>GET /{owner}/{repo}/resolve/{revision}/{path}</c>: a plain git file is answered directly; an LFS
/// file with a 302 to <see cref="Cdn"/>, a second server (another origin) standing in for the Hub's CDN,
/// which honours <c>Range</c>. Both carry <c>X-Repo-Commit</c>; LFS answers <c>X-Linked-Etag</c> and <c>X-Linked-Size</c>.</item>
/// </list>
/// Errors as the Hub sends them: 401 <c>X-Error-Code: RepoNotFound</c> (missing, or private without a
/// valid token), 401/403 <c>GatedRepo</c> (terms not accepted), 404 <c>RevisionNotFound</c> and
/// <c>EntryNotFound</c>, 429 with <c>Retry-After</c> (<see cref="RateLimitNext"/>). A renamed repo
/// answers a relative 307 to its new name (<see cref="Rename"/>); <see cref="CutNextDownloadAt"/> drops one
/// CDN download halfway.
/// <code>
/// using var hub = LoopbackHuggingFace.Start();
/// var repo = hub.AddRepo("onnx-community/silero-vad");
/// var commit = repo.Commit(new() { ["onnx/model.onnx"] = bytes }, cardData: new { license = "mit" });
/// // ModelRefsHuggingFaceUrl = hub.Url
/// </code>
/// </summary>
public sealed class LoopbackHuggingFace : IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Repo> _repos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _renamed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _lfsObjects = new(StringComparer.Ordinal);
    private int _rateLimited;
    private long _cutAt = -1;

    private LoopbackHuggingFace()
    {
        Server = LoopbackHttpServer.Start();
        Cdn = LoopbackHttpServer.Start();
        Server.MapPrefix("/", Handle);
        Cdn.MapPrefix("/repos/", ServeLfs);
    }

    public static LoopbackHuggingFace Start() => new();

    /// <summary>The Hub itself: API and resolve URLs.</summary>
    public LoopbackHttpServer Server { get; }

    /// <summary>Where LFS files are served from after the 302 (another origin: another port).</summary>
    public LoopbackHttpServer Cdn { get; }

    /// <summary>ModelRefsHuggingFaceUrl / HF_ENDPOINT, without a trailing slash as users write it.</summary>
    public string Url => Server.Url.TrimEnd('/');

    /// <summary>Tokens the Hub knows (sent as <c>Authorization: Bearer</c>); a private repo needs one of them.</summary>
    public HashSet<string> ValidTokens { get; } = [];

    /// <summary>When set, the CDN serves this instead of an LFS object's real bytes (a corrupt CDN or proxy).</summary>
    public Func<byte[], byte[]>? TamperLfs { get; set; }

    /// <summary>The next <paramref name="count"/> Hub requests answer 429 with <c>Retry-After</c>.</summary>
    public void RateLimitNext(int count, int retryAfterSeconds = 0)
    {
        RetryAfterSeconds = retryAfterSeconds;
        Interlocked.Exchange(ref _rateLimited, count);
    }

    public int RetryAfterSeconds { get; private set; }

    /// <summary>The next CDN download drops the connection after this many body bytes.</summary>
    public void CutNextDownloadAt(long bytes) => Interlocked.Exchange(ref _cutAt, bytes);

    /// <summary>Requests for the model info API.</summary>
    public IReadOnlyList<LoopbackRequest> ApiRequests => Server.Requests.Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)).ToArray();

    /// <summary>Every request to either host.</summary>
    public int RequestCount => Server.RequestCount + Cdn.RequestCount;

    public void ClearRequests()
    {
        Server.ClearRequests();
        Cdn.ClearRequests();
    }

    public Repo AddRepo(string id) => _repos.GetOrAdd(id, i => new Repo(this, i));

    /// <summary>The repo moves to <paramref name="newId"/>; the old name answers a relative 307, as the Hub does after a rename.</summary>
    public void Rename(string oldId, string newId)
    {
        if (!_repos.TryRemove(oldId, out var repo))
            throw new InvalidOperationException("no repo " + oldId);
        repo.Id = newId;
        _repos[newId] = repo;
        _renamed[oldId] = newId;
    }

    /// <summary>One file at a commit. LFS files are stored by SHA-256 on the CDN, as Git LFS stores them.</summary>
    public sealed record RepoFile(string Path, byte[] Content, bool Lfs)
    {
        public string Sha256 { get; } = Convert.ToHexString(SHA256.HashData(Content)).ToLowerInvariant();

        // Git's blob id: SHA-1 of "blob <length>\0" and the content.
        public string GitBlobId { get; } = Convert.ToHexString(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {Content.Length}\0"), .. Content])).ToLowerInvariant();
    }

    public sealed class Repo(LoopbackHuggingFace hub, string id)
    {
        private readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, RepoFile> Files, JsonElement? CardData)> _commits = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string> _refs = new(StringComparer.Ordinal);
        private int _counter;

        public string Id { get; internal set; } = id;

        /// <summary>Only requests with a valid token see it; others get RepoNotFound, as for a missing repo.</summary>
        public bool Private { get; set; }

        /// <summary>"manual" or "auto": files need a token in <see cref="AcceptedTokens"/> (the account accepted the terms).</summary>
        public string? Gated { get; set; }

        public HashSet<string> AcceptedTokens { get; } = [];

        /// <summary>Leave <c>cardData</c> out of the API answer (an endpoint that does not parse cards; clients read README.md).</summary>
        public bool OmitCardData { get; set; }

        /// <summary>Which paths are stored with Git LFS; default: ONNX files and their external data.</summary>
        public Func<string, bool> IsLfs { get; set; } = path => path.EndsWith(".onnx", StringComparison.Ordinal) || path.EndsWith(".onnx_data", StringComparison.Ordinal);

        /// <summary>A commit whose tree is exactly <paramref name="files"/>; <paramref name="branch"/> moves to it. Returns its 40-hex id.</summary>
        public string Commit(Dictionary<string, byte[]> files, object? cardData = null, string branch = "main")
        {
            var number = Interlocked.Increment(ref _counter);
            var commit = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes($"{Id}|{number}|{string.Join(",", files.Keys.Order())}"))).ToLowerInvariant();
            var tree = files.ToDictionary(f => f.Key, f => new RepoFile(f.Key, f.Value, IsLfs(f.Key)), StringComparer.Ordinal);
            foreach (var file in tree.Values.Where(f => f.Lfs))
                hub._lfsObjects[file.Sha256] = file.Content;
            _commits[commit] = (tree, cardData is null ? null : JsonSerializer.SerializeToElement(cardData));
            _refs[branch] = commit;
            return commit;
        }

        /// <summary>Points a branch or tag at a commit (a branch that moves, a new tag).</summary>
        public void SetRef(string name, string commit)
        {
            if (!_commits.ContainsKey(commit))
                throw new InvalidOperationException("no commit " + commit);
            _refs[name] = commit;
        }

        internal string? ResolveRevision(string revision) =>
            _commits.ContainsKey(revision) ? revision : _refs.TryGetValue(revision, out var commit) ? commit : null;

        internal (IReadOnlyDictionary<string, RepoFile> Files, JsonElement? CardData) At(string commit) => _commits[commit];
    }

    private LoopbackResponse Handle(LoopbackRequest request)
    {
        if (Interlocked.Decrement(ref _rateLimited) >= 0)
            return Error(429, "RateLimited", "You have been rate-limited; you can retry this action in a few minutes.")
                .WithHeader("Retry-After", RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Interlocked.Exchange(ref _rateLimited, 0);

        // Segments stay percent-encoded until split: a revision refs%2Fpr%2F1 is one segment.
        var segments = request.Path.Trim('/').Split('/');
        var api = segments.Length >= 6 && segments[0] == "api" && segments[1] == "models" && segments[4] == "revision";
        var resolve = segments.Length >= 5 && segments[2] == "resolve";
        if (!api && !resolve)
            return LoopbackResponse.NotFound();
        var at = api ? 2 : 0;
        var repoId = Uri.UnescapeDataString(segments[at]) + "/" + Uri.UnescapeDataString(segments[at + 1]);
        if (_renamed.TryGetValue(repoId, out var newId))
        {
            var rest = string.Join('/', segments.Skip(at + 2));
            var location = (api ? "/api/models/" : "/") + newId + "/" + rest + (request.Query.Length > 0 ? "?" + request.Query : "");
            return LoopbackResponse.Redirect(location, 307);
        }

        var token = request.Header("Authorization") is { } authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? authorization["Bearer ".Length..]
            : null;
        if (token is not null && !ValidTokens.Contains(token))
            return Error(401, null, "Invalid credentials in Authorization header");
        if (!_repos.TryGetValue(repoId, out var repo) || (repo.Private && token is null))
            return Error(401, "RepoNotFound", "Repository not found");

        var revisionIndex = api ? 5 : 3;
        var revision = Uri.UnescapeDataString(segments[revisionIndex]);
        if (repo.ResolveRevision(revision) is not { } commit)
            return Error(404, "RevisionNotFound", $"Invalid rev id: {revision}");
        var (files, cardData) = repo.At(commit);

        if (api)
            return Info(repo, commit, files, cardData, request.Query.Split('&').Contains("blobs=true"));

        if (repo.Gated is not null && (token is null || !repo.AcceptedTokens.Contains(token)))
            return Error(token is null ? 401 : 403, "GatedRepo",
                $"Access to model {repo.Id} is restricted. You must have access to it and be authenticated to access it. Please log in.");
        var path = string.Join('/', segments.Skip(4).Select(Uri.UnescapeDataString));
        if (!files.TryGetValue(path, out var file))
            return Error(404, "EntryNotFound", $"{path} does not exist on \"{revision}\"");

        if (file.Lfs)
            return LoopbackResponse.Redirect($"{Cdn.Url}repos/{file.Sha256[..2]}/{file.Sha256}?X-Amz-Signature=cdn-secret&Expires=9999999999", 302)
                .WithHeader("X-Repo-Commit", commit)
                .WithHeader("X-Linked-Etag", $"\"{file.Sha256}\"")
                .WithHeader("X-Linked-Size", file.Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithHeader("ETag", $"\"{file.GitBlobId}\"");
        return LoopbackResponse.Bytes(file.Content)
            .WithHeader("X-Repo-Commit", commit)
            .WithHeader("ETag", $"\"{file.GitBlobId}\"");
    }

    private static LoopbackResponse Info(Repo repo, string commit, IReadOnlyDictionary<string, RepoFile> files, JsonElement? cardData, bool blobs)
    {
        var siblings = files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => blobs
            ? f.Lfs
                ? (object)new { rfilename = f.Path, size = f.Content.Length, blobId = f.GitBlobId, lfs = new { sha256 = f.Sha256, size = f.Content.Length, pointerSize = 134 } }
                : new { rfilename = f.Path, size = f.Content.Length, blobId = f.GitBlobId }
            : new { rfilename = f.Path }).ToArray();
        var info = new Dictionary<string, object?>
        {
            ["_id"] = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(repo.Id)))[..24].ToLowerInvariant(),
            ["id"] = repo.Id,
            ["modelId"] = repo.Id,
            ["author"] = repo.Id.Split('/')[0],
            ["sha"] = commit,
            ["lastModified"] = "2025-01-01T00:00:00.000Z",
            ["private"] = repo.Private,
            ["gated"] = repo.Gated is null ? false : repo.Gated,
            ["disabled"] = false,
            ["tags"] = new[] { "onnx" },
            ["siblings"] = siblings,
        };
        if (cardData is not null && !repo.OmitCardData)
            info["cardData"] = cardData;
        return LoopbackResponse.Json(JsonSerializer.Serialize(info));
    }

    private LoopbackResponse ServeLfs(LoopbackRequest request)
    {
        var sha256 = request.Path.Split('/')[^1];
        if (!_lfsObjects.TryGetValue(sha256, out var content))
            return LoopbackResponse.NotFound();
        if (TamperLfs is { } tamper)
            content = tamper(content);
        var response = LoopbackResponse.Ranged(request, content, etag: $"\"{sha256}\"");
        var cut = Interlocked.Exchange(ref _cutAt, -1);
        if (cut >= 0)
            response.DropAfterBodyBytes = cut;
        return response;
    }

    private static LoopbackResponse Error(int status, string? code, string message)
    {
        var response = LoopbackResponse.Json(JsonSerializer.Serialize(new { error = message }), status)
            .WithHeader("X-Error-Message", message);
        return code is null ? response : response.WithHeader("X-Error-Code", code);
    }

    public void Dispose()
    {
        Server.Dispose();
        Cdn.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        await Cdn.DisposeAsync().ConfigureAwait(false);
    }
}
