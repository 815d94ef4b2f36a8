using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// GitHub on loopback, as far as PyTorch Hub needs it: the commits API
/// (<c>GET {ApiUrl}repos/{owner}/{repo}/commits/{ref}</c> → <c>{"sha": …}</c>; 422 when the repo has
/// no such ref, 404 when there is no such repo), the tags API (<c>GET {ApiUrl}repos/{owner}/{repo}/tags</c>,
/// paged by <c>per_page</c>/<c>page</c> with <c>Link: rel="next"</c>; every ref is listed, as the fake
/// does not tell branches from tags) and zipballs (<c>GET {WebUrl}{owner}/{repo}/zipball/{sha}</c>
/// → a zip whose single top folder is <c>{owner}-{repo}-{sha7}/</c>). Commits are built from file
/// maps; refs (tags, branches) can be moved. Other paths can be mapped on <see cref="Server"/> (weights).
/// <code>
/// using var github = LoopbackGitHub.Start();
/// var sha = github.AddCommit("pytorch", "vision", files);
/// github.SetRef("pytorch", "vision", "v0.14.1", sha);
/// // ModelRefsGitHubUrl = github.WebUrl, ModelRefsGitHubApiUrl = github.ApiUrl
/// </code>
/// </summary>
public sealed class LoopbackGitHub : IDisposable, IAsyncDisposable
{
    private sealed class Repo
    {
        public ConcurrentDictionary<string, string> Refs { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, byte[]> Zipballs { get; } = new(StringComparer.Ordinal);
    }

    private readonly ConcurrentDictionary<string, Repo> _repos = new(StringComparer.OrdinalIgnoreCase);

    private LoopbackGitHub()
    {
        Server = LoopbackHttpServer.Start();
        Server.MapPrefix("/api/repos/", Commits);
        Server.Map(r => r.Path.Contains("/zipball/", StringComparison.Ordinal) && !r.Path.StartsWith("/api/", StringComparison.Ordinal), Zipball);
    }

    public static LoopbackGitHub Start() => new();

    public LoopbackHttpServer Server { get; }

    /// <summary>The web base URL (ModelRefsGitHubUrl), with a trailing slash.</summary>
    public string WebUrl => Server.Url;

    /// <summary>The API base URL (ModelRefsGitHubApiUrl), with a trailing slash.</summary>
    public string ApiUrl => Server.Url + "api/";

    public IReadOnlyList<LoopbackRequest> Requests => Server.Requests;

    /// <summary>Adds a commit holding these files ('/'-separated paths); returns its SHA (a hash of the content).</summary>
    public string AddCommit(string owner, string repo, IReadOnlyDictionary<string, string> files) =>
        AddCommit(owner, repo, files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value)));

    public string AddCommit(string owner, string repo, IReadOnlyDictionary<string, byte[]> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        hash.AppendData(Encoding.UTF8.GetBytes(owner + "/" + repo + "\n"));
        foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\n"));
            hash.AppendData(SHA1.HashData(content));
        }
        var sha = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        var top = $"{owner}-{repo}-{sha[..7]}/";
        var zip = BuildZip(files.Select(f => new ZipEntrySpec(top + f.Key, f.Value)).Prepend(new ZipEntrySpec(top, null)));
        return AddZipball(owner, repo, zip, sha);
    }

    /// <summary>Serves these exact bytes as a commit's zipball (attack archives); returns the commit SHA.</summary>
    public string AddZipball(string owner, string repo, byte[] zip, string? sha = null)
    {
        sha ??= Convert.ToHexString(SHA1.HashData(zip)).ToLowerInvariant();
        _repos.GetOrAdd(owner + "/" + repo, _ => new Repo()).Zipballs[sha] = zip;
        return sha;
    }

    /// <summary>Points a tag or branch at a commit (again to move it).</summary>
    public void SetRef(string owner, string repo, string gitRef, string sha) =>
        _repos.GetOrAdd(owner + "/" + repo, _ => new Repo()).Refs[gitRef] = sha;

    public void RemoveRef(string owner, string repo, string gitRef)
    {
        if (_repos.TryGetValue(owner + "/" + repo, out var r))
            r.Refs.TryRemove(gitRef, out _);
    }

    /// <summary>One zip entry: a folder when <see cref="Content"/> is null.</summary>
    public sealed record ZipEntrySpec(string Name, byte[]? Content, int? UnixMode = null);

    /// <summary>Builds a zip as GitHub does (Unix modes in the external attributes); any name, any mode.</summary>
    public static byte[] BuildZip(IEnumerable<ZipEntrySpec> entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var spec in entries)
            {
                var entry = archive.CreateEntry(spec.Name, CompressionLevel.Fastest);
                var mode = spec.UnixMode ?? (spec.Content is null ? 0x41ED : 0x81A4); // drwxr-xr-x / -rw-r--r--
                entry.ExternalAttributes = mode << 16;
                if (spec.Content is not null)
                {
                    using var stream = entry.Open();
                    stream.Write(spec.Content);
                }
            }
        }
        return buffer.ToArray();
    }

    private LoopbackResponse Commits(LoopbackRequest request)
    {
        // /api/repos/{owner}/{repo}/commits/{ref…}
        var parts = request.Path["/api/repos/".Length..].Split('/');
        if (parts.Length == 3 && parts[2] == "tags")
            return _repos.TryGetValue(Uri.UnescapeDataString(parts[0]) + "/" + Uri.UnescapeDataString(parts[1]), out var tagged)
                ? Tags(request, tagged)
                : NotFound();
        if (parts.Length < 4 || parts[2] != "commits")
            return NotFound();
        if (!_repos.TryGetValue(Uri.UnescapeDataString(parts[0]) + "/" + Uri.UnescapeDataString(parts[1]), out var repo))
            return NotFound();
        var gitRef = string.Join('/', parts.Skip(3).Select(Uri.UnescapeDataString));
        if (repo.Refs.TryGetValue(gitRef, out var sha) || (repo.Zipballs.ContainsKey(gitRef) && (sha = gitRef) is not null))
            return LoopbackResponse.Json(JsonSerializer.Serialize(new { sha, commit = new { message = "fixture" } }));
        return LoopbackResponse.Json(JsonSerializer.Serialize(new { message = $"No commit found for SHA: {gitRef}" }), 422);
    }

    private static LoopbackResponse Tags(LoopbackRequest request, Repo repo)
    {
        var query = request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        var perPage = query.TryGetValue("per_page", out var pp) && int.TryParse(pp, out var n) ? Math.Clamp(n, 1, 100) : 30;
        var page = query.TryGetValue("page", out var pg) && int.TryParse(pg, out var p) ? Math.Max(p, 1) : 1;
        var all = repo.Refs.OrderByDescending(r => r.Key, StringComparer.Ordinal).ToList();
        var slice = all.Skip((page - 1) * perPage).Take(perPage)
            .Select(r => new { name = r.Key, commit = new { sha = r.Value } });
        var response = LoopbackResponse.Json(JsonSerializer.Serialize(slice));
        if (page * perPage < all.Count)
            response.WithHeader("Link", $"<{request.Path}?per_page={perPage}&page={page + 1}>; rel=\"next\"");
        return response;
    }

    private LoopbackResponse Zipball(LoopbackRequest request)
    {
        // /{owner}/{repo}/zipball/{sha}
        var parts = request.Path.Trim('/').Split('/');
        if (parts.Length != 4 || parts[2] != "zipball"
            || !_repos.TryGetValue(Uri.UnescapeDataString(parts[0]) + "/" + Uri.UnescapeDataString(parts[1]), out var repo)
            || !repo.Zipballs.TryGetValue(parts[3], out var zip))
            return LoopbackResponse.NotFound();
        return LoopbackResponse.Bytes(zip, "application/zip");
    }

    private static LoopbackResponse NotFound() =>
        LoopbackResponse.Json("{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}", 404);

    public void Dispose() => Server.Dispose();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
