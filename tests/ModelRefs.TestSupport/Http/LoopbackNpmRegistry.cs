using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// An npm registry on loopback that serves real package tarballs (from <c>npm pack</c>) with
/// version documents built the way the public registry builds them: the tarball's package.json,
/// plus <c>dist.tarball</c> pointing back here and <c>dist.integrity</c>/<c>dist.shasum</c> of the bytes.
/// <code>
/// using var registry = LoopbackNpmRegistry.Start();
/// registry.AddTarball(NpmPackages.GetTarball(NpmPackages.SileroVad));
/// // ModelRefsNpmRegistry / FetchContext.NpmRegistry = registry.Url
/// </code>
/// Routes: <c>/{name}</c> (packument), <c>/{name}/{version}</c>, <c>/{name}/-/{file}.tgz</c>;
/// scoped names work both as <c>@scope%2fname</c> and <c>@scope/name</c>.
/// </summary>
public sealed class LoopbackNpmRegistry : IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LoopbackNpmPackage> _packages = new(StringComparer.Ordinal);

    private LoopbackNpmRegistry()
    {
        Server = LoopbackHttpServer.Start();
        Server.MapPrefix("/", Handle);
    }

    public static LoopbackNpmRegistry Start() => new();

    /// <summary>The underlying server: its request log, <see cref="LoopbackHttpServer.Intercept"/> for more faults.</summary>
    public LoopbackHttpServer Server { get; }

    /// <summary>The registry base URL, with a trailing slash.</summary>
    public string Url => Server.Url;

    /// <summary>
    /// The base of the tarball URLs in the version documents of packages added from now on;
    /// default <see cref="Url"/>. Another host name (http://registry.example/) with this server as
    /// the client's proxy makes a registry that is not loopback.
    /// </summary>
    public string? TarballBaseUrl { get; set; }

    public IReadOnlyList<LoopbackRequest> Requests => Server.Requests;

    /// <summary>A pause after every 64 KiB of a tarball, for downloads that last (progress).</summary>
    public TimeSpan TarballChunkDelay { get; set; }

    /// <summary>Each tarball response at most this many bytes a second (every download on a link of its own); null for loopback speed.</summary>
    public double? TarballBytesPerSecond { get; set; }

    /// <summary>When set, the next tarball response drops the connection after this many body bytes (once; later ones are whole).</summary>
    public long? DropNextTarballAfterBytes { get; set; }

    /// <summary>
    /// Serve tarballs the way the public registry's CDN does: an <c>ETag</c>, and <c>Range</c>
    /// honoured with 206 (so an interrupted download resumes); off by default, which starts it again.
    /// </summary>
    public bool ServeRanges { get; set; }

    /// <summary>
    /// When set, the next answer to a <c>Range</c> request serves its bytes from a copy corrupted in
    /// the tarball's last quarter, under the same ETag (once): a CDN edge with a stale file.
    /// </summary>
    public bool CorruptNextResumedTarball { get; set; }

    public int RequestCount => Server.RequestCount;

    public void ClearRequests() => Server.ClearRequests();

    /// <summary>Serves a package tarball; name, version and licence are read from its package.json.</summary>
    public LoopbackNpmPackage AddTarball(string tarballPath)
    {
        var bytes = File.ReadAllBytes(tarballPath);
        var packageJson = ReadPackageJson(bytes, tarballPath);
        var name = packageJson["name"]?.GetValue<string>() ?? throw new InvalidDataException($"{tarballPath}: package.json has no name");
        var version = packageJson["version"]?.GetValue<string>() ?? throw new InvalidDataException($"{tarballPath}: package.json has no version");
        var baseName = name[(name.LastIndexOf('/') + 1)..];
        var package = new LoopbackNpmPackage(name, version, bytes, packageJson, $"{TarballBaseUrl ?? Url}{name}/-/{baseName}-{version}.tgz");
        _packages[Key(name, version)] = package;
        return package;
    }

    /// <summary>Fetches the package once per machine with <c>npm pack</c> (see <see cref="NpmPackages"/>) and serves it.</summary>
    public LoopbackNpmPackage AddPackage(string spec) => AddTarball(NpmPackages.GetTarball(spec));

    public LoopbackNpmPackage Get(string name, string version) => _packages[Key(name, version)];

    private static string Key(string name, string version) => name + "@" + version;

    private LoopbackResponse Handle(LoopbackRequest request)
    {
        var segments = request.DecodedPath.Trim('/').Split('/');
        if (segments.Length == 0 || segments[0].Length == 0)
            return LoopbackResponse.NotFound();
        var scoped = segments[0].StartsWith('@');
        if (scoped && segments.Length < 2)
            return LoopbackResponse.NotFound();
        var name = scoped ? segments[0] + "/" + segments[1] : segments[0];
        var rest = segments.Skip(scoped ? 2 : 1).ToArray();

        if (rest.Length == 0)
            return Packument(name);
        if (rest.Length == 1)
            return _packages.TryGetValue(Key(name, rest[0]), out var package)
                ? LoopbackResponse.Json(package.VersionDocument().ToJsonString())
                : NotFoundJson();
        if (rest.Length == 2 && rest[0] == "-")
        {
            var match = _packages.Values.FirstOrDefault(p => p.Name == name && p.TarballUrl.EndsWith("/-/" + rest[1], StringComparison.Ordinal));
            if (match is null)
                return NotFoundJson();
            var served = match.ServedTarball();
            LoopbackResponse response;
            if (ServeRanges)
            {
                if (CorruptNextResumedTarball && request.Header("Range") is not null)
                {
                    CorruptNextResumedTarball = false;
                    served = LoopbackNpmPackage.Corrupted(served, served.Length * 3 / 4);
                }
                response = LoopbackResponse.Ranged(request, served, etag: $"\"{match.Shasum}\"");
            }
            else
            {
                response = new LoopbackResponse { Body = served, Headers = { ["Content-Type"] = "application/octet-stream" } };
            }
            response.ChunkDelay = TarballChunkDelay;
            response.BytesPerSecond = TarballBytesPerSecond;
            if (DropNextTarballAfterBytes is { } cut)
            {
                response.DropAfterBodyBytes = cut;
                DropNextTarballAfterBytes = null;
            }
            return response;
        }
        return NotFoundJson();
    }

    private LoopbackResponse Packument(string name)
    {
        var versions = _packages.Values.Where(p => p.Name == name).OrderBy(p => p.Version, StringComparer.Ordinal).ToArray();
        if (versions.Length == 0)
            return NotFoundJson();
        var versionsObject = new JsonObject();
        foreach (var package in versions)
            versionsObject[package.Version] = package.VersionDocument();
        var document = new JsonObject
        {
            ["name"] = name,
            ["dist-tags"] = new JsonObject { ["latest"] = versions[^1].Version },
            ["versions"] = versionsObject,
        };
        return LoopbackResponse.Json(document.ToJsonString());
    }

    private static LoopbackResponse NotFoundJson() => LoopbackResponse.Json("{\"error\":\"Not found\"}", 404);

    private static JsonObject ReadPackageJson(byte[] tarball, string path)
    {
        using var gzip = new GZipStream(new MemoryStream(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            // npm strips the top folder, whatever it is called (usually package/).
            var parts = entry.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] == "package.json" && entry.DataStream is not null)
                return JsonNode.Parse(entry.DataStream)?.AsObject() ?? throw new InvalidDataException($"{path}: package.json is empty");
        }
        throw new InvalidDataException($"{path} has no package/package.json");
    }

    public void Dispose() => Server.Dispose();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>One package version the loopback registry serves, with switches for faults.</summary>
public sealed class LoopbackNpmPackage
{
    private readonly JsonObject _packageJson;

    internal LoopbackNpmPackage(string name, string version, byte[] tarball, JsonObject packageJson, string tarballUrl)
    {
        Name = name;
        Version = version;
        Tarball = tarball;
        _packageJson = packageJson;
        TarballUrl = tarballUrl;
        Integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball));
        Shasum = Convert.ToHexString(SHA1.HashData(tarball)).ToLowerInvariant();
        License = packageJson["license"] is JsonValue value && value.TryGetValue<string>(out var license) ? license : null;
    }

    public string Name { get; }
    public string Version { get; }

    /// <summary>The tarball's bytes exactly as packed.</summary>
    public byte[] Tarball { get; }

    public string TarballUrl { get; }

    /// <summary>The true SRI integrity of <see cref="Tarball"/>.</summary>
    public string Integrity { get; }

    /// <summary>The true hex SHA-1 of <see cref="Tarball"/>.</summary>
    public string Shasum { get; }

    /// <summary>The package.json <c>license</c> when it is a string.</summary>
    public string? License { get; }

    /// <summary>Serve the tarball with some bytes flipped (the version document stays right).</summary>
    public bool CorruptTarball { get; set; }

    /// <summary>Advertise a dist.integrity (and shasum) that does not match the tarball.</summary>
    public bool WrongIntegrity { get; set; }

    /// <summary>Leave dist.integrity out so that clients fall back to dist.shasum (old registries).</summary>
    public bool OmitIntegrity { get; set; }

    /// <summary>Leave both dist.integrity and dist.shasum out.</summary>
    public bool OmitAllHashes { get; set; }

    /// <summary>The version document: package.json plus <c>_id</c> and <c>dist</c>, as the public registry serves it.</summary>
    public JsonObject VersionDocument()
    {
        var document = _packageJson.DeepClone().AsObject();
        document["_id"] = Name + "@" + Version;
        var integrity = WrongIntegrity ? "sha512-" + Convert.ToBase64String(SHA512.HashData("not the tarball"u8)) : Integrity;
        var shasum = WrongIntegrity ? Convert.ToHexString(SHA1.HashData("not the tarball"u8)).ToLowerInvariant() : Shasum;
        var dist = new JsonObject { ["tarball"] = TarballUrl };
        if (!OmitAllHashes)
        {
            if (!OmitIntegrity)
                dist["integrity"] = integrity;
            dist["shasum"] = shasum;
        }
        document["dist"] = dist;
        return document;
    }

    internal byte[] ServedTarball() => CorruptTarball ? Corrupted(Tarball, Tarball.Length / 2) : Tarball;

    /// <summary>The bytes with 16 of them flipped from <paramref name="at"/> on.</summary>
    internal static byte[] Corrupted(byte[] tarball, int at)
    {
        var corrupted = (byte[])tarball.Clone();
        for (var i = at; i < at + 16 && i < corrupted.Length; i++)
            corrupted[i] ^= 0xFF;
        return corrupted;
    }
}
