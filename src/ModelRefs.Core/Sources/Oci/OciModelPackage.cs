using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>One file of a model package: where it goes in the artifact, its layer media type, its content (a file or bytes) and digest.</summary>
public sealed record OciPackageFile(string Path, string MediaType, string Sha256, long Size, string? LocalPath, byte[]? Bytes = null)
{
    public string Digest => "sha256:" + Sha256;

    public Stream Open() => Bytes is not null ? new MemoryStream(Bytes, writable: false)
        : new FileStream(LocalPath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);

    public static OciPackageFile FromFile(string path, string mediaType, string localPath, string? sha256 = null)
    {
        sha256 ??= Hash(localPath);
        return new OciPackageFile(path, mediaType, sha256, new FileInfo(localPath).Length, localPath);
    }

    public static OciPackageFile FromBytes(string path, string mediaType, byte[] bytes) =>
        new(path, mediaType, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), bytes.Length, null, bytes);

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}

/// <summary>
/// A model as a CNCF ModelPack artifact (docs/oci.md, "What modelref push writes"): an OCI image
/// manifest with <c>artifactType</c> <c>application/vnd.cncf.model.manifest.v1+json</c>, a ModelPack
/// config (name, licences, format onnx, the layers' digests), one raw layer per file (the ONNX file,
/// its external data, the original artifact a converter read, the licence text) annotated with
/// <c>org.cncf.model.filepath</c> and <c>org.opencontainers.image.title</c>, and the provenance as
/// manifest annotations. Reproducible: no timestamps, fixed key order, files sorted by path, so the
/// same model gives the same manifest digest on every push.
/// </summary>
public sealed class OciModelPackage
{
    public const string WeightLayer = "application/vnd.cncf.model.weight.v1.raw";
    public const string DocLayer = "application/vnd.cncf.model.doc.v1.raw";

    /// <summary>The provenance annotations (manifest level).</summary>
    public const string SourceAnnotation = "org.modelrefs.source";
    public const string ResolvedAnnotation = "org.modelrefs.resolved";
    public const string UpstreamSha256Annotation = "org.modelrefs.upstream.sha256";
    public const string ConverterAnnotation = "org.modelrefs.converter";
    public const string OnnxSha256Annotation = "org.modelrefs.onnx.sha256";

    private OciModelPackage(string name, IReadOnlyList<OciPackageFile> files, string? license, byte[] config, byte[] manifest)
    {
        Name = name;
        Files = files;
        License = license;
        Config = config;
        Manifest = manifest;
        Digest = "sha256:" + Convert.ToHexString(SHA256.HashData(manifest)).ToLowerInvariant();
    }

    public string Name { get; }
    public IReadOnlyList<OciPackageFile> Files { get; }
    public string? License { get; }
    public byte[] Config { get; }
    public string ConfigDigest => "sha256:" + Convert.ToHexString(SHA256.HashData(Config)).ToLowerInvariant();
    public byte[] Manifest { get; }

    /// <summary>The manifest digest the registry will know the artifact by.</summary>
    public string Digest { get; }

    /// <summary>Builds the config and manifest bytes of <paramref name="files"/> (sorted by path; one file per path, one layer per digest).</summary>
    public static OciModelPackage Create(string name, IEnumerable<OciPackageFile> files, string? license, string? authors, IReadOnlyDictionary<string, string> annotations)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(annotations);
        var sorted = files.GroupBy(f => f.Path, StringComparer.Ordinal).Select(g => g.First()).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var config = Json(w =>
        {
            w.WriteStartObject("descriptor");
            w.WriteString("name", name);
            if (authors is { Length: > 0 })
            {
                w.WriteStartArray("authors");
                w.WriteStringValue(authors);
                w.WriteEndArray();
            }
            if (annotations.TryGetValue(SourceAnnotation, out var source))
                w.WriteString("sourceURL", source);
            if (annotations.TryGetValue(ResolvedAnnotation, out var resolved))
                w.WriteString("revision", resolved);
            if (license is { Length: > 0 })
            {
                w.WriteStartArray("licenses");
                w.WriteStringValue(license);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteStartObject("config");
            w.WriteString("format", "onnx");
            w.WriteEndObject();
            w.WriteStartObject("modelfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diffIds");
            foreach (var file in sorted)
                w.WriteStringValue(file.Digest);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        var all = new SortedDictionary<string, string>(annotations.ToDictionary(a => a.Key, a => a.Value), StringComparer.Ordinal)
        {
            [OciMediaTypes.TitleAnnotation] = name,
        };
        if (license is { Length: > 0 })
            all[OciMediaTypes.LicensesAnnotation] = license;
        var manifest = Json(w =>
        {
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", OciMediaTypes.ImageManifest);
            w.WriteString("artifactType", OciMediaTypes.ModelPackArtifact);
            w.WriteStartObject("config");
            w.WriteString("mediaType", OciMediaTypes.ModelPackConfig);
            w.WriteString("digest", "sha256:" + Convert.ToHexString(SHA256.HashData(config)).ToLowerInvariant());
            w.WriteNumber("size", config.Length);
            w.WriteEndObject();
            w.WriteStartArray("layers");
            foreach (var file in sorted)
            {
                w.WriteStartObject();
                w.WriteString("mediaType", file.MediaType);
                w.WriteString("digest", file.Digest);
                w.WriteNumber("size", file.Size);
                w.WriteStartObject("annotations");
                w.WriteString(OciMediaTypes.FilePathAnnotation, file.Path);
                w.WriteString(OciMediaTypes.TitleAnnotation, file.Path);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("annotations");
            foreach (var (key, value) in all)
                w.WriteString(key, value);
            w.WriteEndObject();
        });
        return new OciModelPackage(name, sorted, license, config, manifest);
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// A model file on disk: the ONNX file as <c>&lt;name&gt;.onnx</c>, the external data files its
    /// tensors name (beside it, under their locations), and a licence text when given.
    /// </summary>
    public static OciModelPackage FromModelFile(string modelPath, string? name, string? license, string? licenseText)
    {
        var full = System.IO.Path.GetFullPath(modelPath);
        if (!File.Exists(full))
            throw new ModelRefsException(RestoreDiagnostics.OciPushFailed, $"The model file {full} does not exist. Name an .onnx file, or a model of the project by its Name or handle.");
        OnnxModelSignature signature;
        try
        {
            signature = OnnxSignatureReader.Read(full);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.InvalidOnnx, $"{full}: {e.Problem} at byte {e.Offset}; it is not a valid ONNX model, so it is not pushed.", e);
        }
        name ??= System.IO.Path.GetFileNameWithoutExtension(full);
        var files = new List<OciPackageFile> { OciPackageFile.FromFile(name + ".onnx", WeightLayer, full) };
        var folder = System.IO.Path.GetDirectoryName(full)!;
        foreach (var location in signature.ExternalDataFiles)
        {
            var path = System.IO.Path.Combine(folder, location);
            if (ExternalDataLocation.Problem(location) is not null || !File.Exists(path))
                throw new ModelRefsException(RestoreDiagnostics.ExternalDataNotFound,
                    $"{full} keeps weights in the external data file '{location}', which is not beside it ({path}). Put the file beside the model, then push again.");
            files.Add(OciPackageFile.FromFile(location, WeightLayer, path));
        }
        if (licenseText is not null)
            files.Add(OciPackageFile.FromBytes("LICENSE", DocLayer, Encoding.UTF8.GetBytes(licenseText)));
        var sha256 = files[0].Sha256;
        return Create(name, files, license, null, new Dictionary<string, string> { [OnnxSha256Annotation] = sha256, [UpstreamSha256Annotation] = sha256 });
    }

    /// <summary>
    /// A restored model as its lock entry pins it, from the cache: the ONNX file that runs, its
    /// external data, the licence text restore remembered, and with <paramref name="includeOriginal"/>
    /// the artifact a converter read (under <c>source/</c>), with the handle, resolution, upstream
    /// SHA-256 and converter as annotations. MR0068 when the cache lacks a file (restore first).
    /// </summary>
    public static OciModelPackage FromLockedModel(ModelHandle handle, string name, LockedModel locked, ModelCache cache, bool includeOriginal)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(locked);
        ArgumentNullException.ThrowIfNull(cache);
        string Blob(string sha256, string what) => cache.TryGetBlob(sha256) ?? throw new ModelRefsException(RestoreDiagnostics.OciPushFailed,
            $"Model '{handle.Text}': {what} (SHA-256 {sha256}) is not in the cache {cache.Root}. Restore the project first (dotnet build or dotnet restore), then push again.");
        var files = new List<OciPackageFile>
        {
            OciPackageFile.FromFile(name + ".onnx", WeightLayer, Blob(locked.OnnxSha256, "its ONNX file"), locked.OnnxSha256),
        };
        foreach (var (location, file) in locked.ExternalData)
            files.Add(OciPackageFile.FromFile(location, WeightLayer, Blob(file.Sha256, $"its external data file '{location}'"), file.Sha256));
        if (includeOriginal && locked.Sha256 != locked.OnnxSha256)
            files.Add(OciPackageFile.FromFile("source/" + OriginalFileName(locked.Resolved), WeightLayer, Blob(locked.Sha256, "the artifact it was converted from"), locked.Sha256));
        var details = Restore.LicenseDetails.Find(cache, locked);
        if (details?.LicenseText is { Length: > 0 } text)
            files.Add(OciPackageFile.FromBytes("LICENSE", DocLayer, Encoding.UTF8.GetBytes(text)));
        var annotations = new Dictionary<string, string>
        {
            [SourceAnnotation] = handle.Text,
            [ResolvedAnnotation] = locked.Resolved,
            [UpstreamSha256Annotation] = locked.Sha256,
            [OnnxSha256Annotation] = locked.OnnxSha256,
        };
        if (locked.Converter is { } converter)
            annotations[ConverterAnnotation] = converter;
        return Create(name, files, locked.License, details?.Attribution, annotations);
    }

    /// <summary>A file name for the original artifact: the last segment of its resolution (after '#', else the URL path), made safe.</summary>
    private static string OriginalFileName(string resolved)
    {
        var text = resolved.Contains('#') ? resolved[(resolved.LastIndexOf('#') + 1)..] : resolved;
        var query = text.IndexOfAny(['?', '@']);
        var last = text.TrimEnd('/').Split('/', '\\', ':').LastOrDefault(s => s.Length > 0) ?? "artifact";
        if (query > 0 && last.Contains('?'))
            last = last[..last.IndexOf('?')];
        var safe = new string(last.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray()).Trim('.');
        return safe.Length == 0 ? "artifact" : safe;
    }
}
