using System.Collections.Concurrent;
using System.Text;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// A fake OCI registry on loopback for fault and auth tests (the real one is
/// <see cref="Oci.DistributionRegistry"/>): manifests by tag or digest and blobs by digest (with
/// <c>Range</c>), as the distribution spec serves them; optionally a Bearer token flow against its own
/// token server (<see cref="RequireBearer"/>), blobs redirected to a storage server on another origin
/// (<see cref="RedirectBlobsToStorage"/>), and whatever faults <see cref="Server"/>'s Intercept injects.
/// It takes pushes too (chunked uploads that keep what a broken chunk brought, as registries that
/// support resumable uploads do; <see cref="BreakPatches"/> breaks chunks half-way).
/// </summary>
public sealed class LoopbackOciRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string MediaType)> _manifests = new();
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<string, MemoryStream> _uploads = new();
    private string? _issuedToken;
    private int _breakPatches;

    /// <summary>How many more PATCH requests to break: keep the first half of the chunk, then close the connection without an answer.</summary>
    public int BreakPatches
    {
        get => Volatile.Read(ref _breakPatches);
        set => Volatile.Write(ref _breakPatches, value);
    }

    /// <summary>A blob's bytes, when it was pushed or added.</summary>
    public byte[]? Blob(string digest) => _blobs.TryGetValue(digest, out var bytes) ? bytes : null;

    private LoopbackOciRegistry()
    {
        Server = LoopbackHttpServer.Start();
        Server.Map(r => r.Path.StartsWith("/v2/", StringComparison.Ordinal), Serve);
    }

    public static LoopbackOciRegistry Start() => new();

    public LoopbackHttpServer Server { get; }

    /// <summary>The token server, once <see cref="RequireBearer"/> started it.</summary>
    public LoopbackHttpServer? TokenServer { get; private set; }

    /// <summary>The storage host blobs are redirected to, once <see cref="RedirectBlobsToStorage"/> started it.</summary>
    public LoopbackHttpServer? Storage { get; private set; }

    public string Authority => $"127.0.0.1:{Server.Port}";

    /// <summary>Content served for a blob digest instead of its own (fault: a registry that serves wrong bytes).</summary>
    public ConcurrentDictionary<string, byte[]> WrongBlobs { get; } = new();

    public void AddBlob(byte[] bytes) => _blobs[Oci.OciTestClient.DigestOf(bytes)] = bytes;

    public string AddManifest(string repository, string tag, byte[] manifest, string mediaType = Oci.OciTestClient.ImageManifestType)
    {
        var digest = Oci.OciTestClient.DigestOf(manifest);
        _manifests[$"{repository}:{tag}"] = (manifest, mediaType);
        _manifests[$"{repository}@{digest}"] = (manifest, mediaType);
        return digest;
    }

    /// <summary>Every request needs <c>Bearer &lt;token&gt;</c>; the 401 names a token server that issues it for the Basic credentials given (or to anyone when null).</summary>
    public void RequireBearer((string User, string Password)? user)
    {
        _issuedToken = "tok-" + Guid.NewGuid().ToString("N");
        TokenServer = LoopbackHttpServer.Start();
        TokenServer.Map("/token", request =>
        {
            if (user is var (name, password)
                && request.Header("Authorization") != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(name + ":" + password)))
                return LoopbackResponse.Status(401);
            return LoopbackResponse.Json($"{{\"token\":\"{_issuedToken}\",\"expires_in\":300}}");
        });
    }

    /// <summary>Blob requests are answered with a 307 to a storage server on another port (another origin), which serves the bytes.</summary>
    public void RedirectBlobsToStorage()
    {
        Storage = LoopbackHttpServer.Start();
        Storage.MapPrefix("/storage/", request =>
            _blobs.TryGetValue(request.Path["/storage/".Length..], out var bytes) ? LoopbackResponse.Ranged(request, bytes) : LoopbackResponse.NotFound());
    }

    private LoopbackResponse Serve(LoopbackRequest request)
    {
        if (_issuedToken is not null && request.Header("Authorization") != "Bearer " + _issuedToken)
            return LoopbackResponse.Json("{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", 401)
                .WithHeader("WWW-Authenticate", $"Bearer realm=\"{TokenServer!.Url}token\",service=\"{Authority}\",scope=\"repository:x:pull\"");
        var path = request.Path["/v2/".Length..];
        if (path.Length == 0)
            return LoopbackResponse.Json("{}");
        var uploads = path.IndexOf("/blobs/uploads/", StringComparison.Ordinal);
        if (uploads > 0)
            return Upload(request, path[..uploads], path[(uploads + "/blobs/uploads/".Length)..]);
        if (path.EndsWith("/tags/list", StringComparison.Ordinal))
            return TagList(path[..^"/tags/list".Length], request.Query);
        var manifests = path.LastIndexOf("/manifests/", StringComparison.Ordinal);
        if (manifests > 0)
        {
            var repository = path[..manifests];
            var reference = path[(manifests + "/manifests/".Length)..];
            if (request.Method == "PUT")
            {
                var digest = AddManifest(repository, reference, request.Body, request.Header("Content-Type") ?? Oci.OciTestClient.ImageManifestType);
                return LoopbackResponse.Status(201).WithHeader("Docker-Content-Digest", digest).WithHeader("Location", $"/v2/{repository}/manifests/{digest}");
            }
            var key = reference.StartsWith("sha256:", StringComparison.Ordinal) ? $"{repository}@{reference}" : $"{repository}:{reference}";
            return _manifests.TryGetValue(key, out var manifest)
                ? LoopbackResponse.Bytes(manifest.Bytes, manifest.MediaType).WithHeader("Docker-Content-Digest", Oci.OciTestClient.DigestOf(manifest.Bytes))
                : LoopbackResponse.Json("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}", 404);
        }
        var blobs = path.LastIndexOf("/blobs/", StringComparison.Ordinal);
        if (blobs > 0)
        {
            var digest = path[(blobs + "/blobs/".Length)..];
            if (Storage is not null)
                return LoopbackResponse.Redirect($"{Storage.Url}storage/{digest}?X-Amz-Signature=abc", 307);
            if (WrongBlobs.TryGetValue(digest, out var wrong))
                return LoopbackResponse.Ranged(request, wrong);
            return _blobs.TryGetValue(digest, out var bytes)
                ? LoopbackResponse.Ranged(request, bytes, etag: $"\"{digest}\"")
                : LoopbackResponse.Json("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}", 404);
        }
        return LoopbackResponse.NotFound();
    }

    /// <summary>The upload endpoints: POST starts one, PATCH appends a chunk at its Content-Range, GET tells where it stands, PUT ?digest= finishes it.</summary>
    private LoopbackResponse Upload(LoopbackRequest request, string repository, string id)
    {
        var query = request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
        if (request.Method == "POST" && id.Length == 0)
        {
            var created = Guid.NewGuid().ToString("N");
            _uploads[created] = new MemoryStream();
            return LoopbackResponse.Status(202).WithHeader("Location", $"/v2/{repository}/blobs/uploads/{created}").WithHeader("Range", "0-0");
        }
        if (!_uploads.TryGetValue(id, out var upload))
            return LoopbackResponse.Json("{\"errors\":[{\"code\":\"BLOB_UPLOAD_UNKNOWN\"}]}", 404);
        lock (upload)
        {
            string Range() => $"0-{Math.Max(0, upload.Length - 1)}";
            switch (request.Method)
            {
                case "GET":
                    return LoopbackResponse.Status(204).WithHeader("Range", Range()).WithHeader("Location", $"/v2/{repository}/blobs/uploads/{id}");
                case "PATCH":
                    if (request.Header("Content-Range") is { } range && long.TryParse(range.Split('-')[0], out var start) && start != upload.Length)
                        return LoopbackResponse.Status(416).WithHeader("Range", Range());
                    var body = request.Body;
                    if (Interlocked.Decrement(ref _breakPatches) >= 0)
                    {
                        upload.Write(body, 0, body.Length / 2);
                        return new LoopbackResponse { DropWithoutResponse = true };
                    }
                    Interlocked.Exchange(ref _breakPatches, 0);
                    upload.Write(body);
                    return LoopbackResponse.Status(202).WithHeader("Range", Range()).WithHeader("Location", $"/v2/{repository}/blobs/uploads/{id}");
                case "PUT":
                    upload.Write(request.Body);
                    var bytes = upload.ToArray();
                    if (!query.TryGetValue("digest", out var digest) || Oci.OciTestClient.DigestOf(bytes) != digest)
                        return LoopbackResponse.Json("{\"errors\":[{\"code\":\"DIGEST_INVALID\"}]}", 400);
                    _blobs[digest] = bytes;
                    _uploads.TryRemove(id, out _);
                    return LoopbackResponse.Status(201).WithHeader("Docker-Content-Digest", digest).WithHeader("Location", $"/v2/{repository}/blobs/{digest}");
                default:
                    return LoopbackResponse.Status(405);
            }
        }
    }

    /// <summary>A repository's tags in lexical order, paginated as the distribution spec says: <c>?n=</c> per page, <c>&amp;last=</c> to go on, a <c>Link: &lt;…&gt;; rel="next"</c> while more remain.</summary>
    private LoopbackResponse TagList(string repository, string query)
    {
        var parameters = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
        var tags = _manifests.Keys.Where(k => k.StartsWith(repository + ":", StringComparison.Ordinal)).Select(k => k[(repository.Length + 1)..])
            .Order(StringComparer.Ordinal).ToList();
        if (tags.Count == 0)
            return LoopbackResponse.Json("{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}", 404);
        if (parameters.TryGetValue("last", out var last))
            tags = tags.Where(t => string.CompareOrdinal(t, last) > 0).ToList();
        var page = parameters.TryGetValue("n", out var n) && int.TryParse(n, out var size) ? tags.Take(size).ToList() : tags;
        var json = System.Text.Json.JsonSerializer.Serialize(new { name = repository, tags = page });
        var response = LoopbackResponse.Json(json);
        return page.Count < tags.Count
            ? response.WithHeader("Link", $"</v2/{repository}/tags/list?n={page.Count}&last={Uri.EscapeDataString(page[^1])}>; rel=\"next\"")
            : response;
    }

    public void Dispose()
    {
        Server.Dispose();
        TokenServer?.Dispose();
        Storage?.Dispose();
    }
}
