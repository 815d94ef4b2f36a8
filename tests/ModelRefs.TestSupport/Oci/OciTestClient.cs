using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ModelRefs.TestSupport.Oci;

/// <summary>One layer a test pushes: its bytes, media type and annotations.</summary>
public sealed record TestLayer(byte[] Bytes, string MediaType, IReadOnlyDictionary<string, string>? Annotations = null)
{
    public string Digest => OciTestClient.DigestOf(Bytes);

    /// <summary>A ModelPack raw weight layer holding one file at <paramref name="path"/>.</summary>
    public static TestLayer Raw(string path, byte[] bytes) =>
        new(bytes, "application/vnd.cncf.model.weight.v1.raw", new Dictionary<string, string> { ["org.cncf.model.filepath"] = path });

    /// <summary>A tar (or tar+gzip) layer of <paramref name="files"/> with fixed metadata, in the given media type.</summary>
    public static TestLayer Tar(string mediaType, bool gzip, string? filepathAnnotation, params (string Path, byte[] Bytes)[] files)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (path, bytes) in files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(bytes), ModificationTime = DateTimeOffset.UnixEpoch });
        var content = tar.ToArray();
        if (gzip)
        {
            var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
                zip.Write(content);
            content = compressed.ToArray();
        }
        return new TestLayer(content, mediaType,
            filepathAnnotation is null ? null : new Dictionary<string, string> { ["org.cncf.model.filepath"] = filepathAnnotation });
    }
}

/// <summary>
/// A test-side OCI client that speaks the distribution spec on its own (monolithic POST + PUT
/// upload, PUT manifest) so that tests can put artifacts into a real registry independently of
/// ModelRefs' code: this is the "other client" of the interoperability tests.
/// </summary>
public sealed class OciTestClient(string registryUrl, (string User, string Password)? basicAuth = null) : IDisposable
{
    public const string ModelPackManifestType = "application/vnd.cncf.model.manifest.v1+json";
    public const string ModelPackConfigType = "application/vnd.cncf.model.config.v1+json";
    public const string ImageManifestType = "application/vnd.oci.image.manifest.v1+json";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Uri _base = new(registryUrl.TrimEnd('/') + "/");

    public static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private HttpRequestMessage Request(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        if (basicAuth is var (user, password))
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        return request;
    }

    public async Task PushBlobAsync(string repository, byte[] bytes)
    {
        var digest = DigestOf(bytes);
        using var start = Request(HttpMethod.Post, new Uri(_base, $"v2/{repository}/blobs/uploads/"));
        using var started = await _http.SendAsync(start);
        if (started.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"POST upload: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        var location = started.Headers.Location ?? throw new InvalidOperationException("POST upload: no Location");
        var upload = location.IsAbsoluteUri ? location : new Uri(_base, location);
        var put = new UriBuilder(upload);
        put.Query = (put.Query.Length > 1 ? put.Query[1..] + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        using var finish = Request(HttpMethod.Put, put.Uri);
        finish.Content = new ByteArrayContent(bytes);
        finish.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var finished = await _http.SendAsync(finish);
        if (finished.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"PUT upload: {(int)finished.StatusCode} {await finished.Content.ReadAsStringAsync()}");
    }

    /// <summary>PUTs a manifest under a tag (or its digest); returns its digest.</summary>
    public async Task<string> PushManifestAsync(string repository, string reference, byte[] manifest, string mediaType)
    {
        using var request = Request(HttpMethod.Put, new Uri(_base, $"v2/{repository}/manifests/{reference}"));
        request.Content = new ByteArrayContent(manifest);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await _http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"PUT manifest: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return DigestOf(manifest);
    }

    /// <summary>Pushes config and layers, then the image manifest under <paramref name="tag"/>; returns the manifest digest.</summary>
    public async Task<string> PushArtifactAsync(string repository, string tag, byte[] config, string configType, IReadOnlyList<TestLayer> layers,
        string? artifactType = null, IReadOnlyDictionary<string, string>? annotations = null)
    {
        await PushBlobAsync(repository, config);
        foreach (var layer in layers)
            await PushBlobAsync(repository, layer.Bytes);
        var manifest = ManifestOf(config, configType, layers, artifactType, annotations);
        return await PushManifestAsync(repository, tag, manifest, ImageManifestType);
    }

    /// <summary>A CNCF ModelPack artifact: config with name and licences, the given layers.</summary>
    public Task<string> PushModelPackAsync(string repository, string tag, IReadOnlyList<TestLayer> layers, string[]? licenses = null, string name = "test-model")
    {
        var config = ModelPackConfig(name, licenses, layers);
        return PushArtifactAsync(repository, tag, config, ModelPackConfigType, layers, ModelPackManifestType);
    }

    public static byte[] ModelPackConfig(string name, string[]? licenses, IReadOnlyList<TestLayer> layers) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["descriptor"] = new Dictionary<string, object?> { ["name"] = name, ["licenses"] = licenses },
            ["config"] = new Dictionary<string, object?> { ["format"] = "onnx" },
            ["modelfs"] = new Dictionary<string, object?> { ["type"] = "layers", ["diffIds"] = layers.Select(l => l.Digest).ToArray() },
        });

    public static byte[] ManifestOf(byte[] config, string configType, IReadOnlyList<TestLayer> layers, string? artifactType = null,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var manifest = new Dictionary<string, object?>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ImageManifestType,
        };
        if (artifactType is not null)
            manifest["artifactType"] = artifactType;
        manifest["config"] = new Dictionary<string, object?> { ["mediaType"] = configType, ["digest"] = DigestOf(config), ["size"] = config.Length };
        manifest["layers"] = layers.Select(l =>
        {
            var descriptor = new Dictionary<string, object?> { ["mediaType"] = l.MediaType, ["digest"] = l.Digest, ["size"] = l.Bytes.Length };
            if (l.Annotations is { Count: > 0 })
                descriptor["annotations"] = l.Annotations;
            return descriptor;
        }).ToArray();
        if (annotations is { Count: > 0 })
            manifest["annotations"] = annotations;
        return JsonSerializer.SerializeToUtf8Bytes(manifest);
    }

    public void Dispose() => _http.Dispose();
}
