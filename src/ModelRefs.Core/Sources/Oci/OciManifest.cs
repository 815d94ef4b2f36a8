using System.Text.Json;
using System.Text.RegularExpressions;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>The media types and annotations this source reads (image-spec, CNCF ModelPack, KitOps).</summary>
internal static class OciMediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>The Accept of a manifest request: both OCI types first, Docker's for registries that still store those.</summary>
    public const string ManifestAccept = ImageManifest + ", " + ImageIndex + ", " + DockerManifest + ", " + DockerManifestList;

    public const string ModelPackArtifact = "application/vnd.cncf.model.manifest.v1+json";
    public const string ModelPackConfig = "application/vnd.cncf.model.config.v1+json";
    public const string ModelPackLayerPrefix = "application/vnd.cncf.model.";
    public const string KitOpsConfig = "application/vnd.kitops.modelkit.config.v1+json";
    public const string KitOpsLayerPrefix = "application/vnd.kitops.modelkit.";

    public const string FilePathAnnotation = "org.cncf.model.filepath";
    public const string TitleAnnotation = "org.opencontainers.image.title";
    public const string LicensesAnnotation = "org.opencontainers.image.licenses";

    public static bool IsIndex(string? mediaType) => mediaType is ImageIndex or DockerManifestList;
}

/// <summary>A content descriptor: what a manifest says about a blob or another manifest.</summary>
internal sealed record OciDescriptor(string MediaType, string Digest, long Size, IReadOnlyDictionary<string, string> Annotations, string? ArtifactType)
{
    public string? Annotation(string name) => Annotations.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}

/// <summary>An image manifest or an index, as far as a model restore reads it.</summary>
internal sealed partial record OciManifest(string? MediaType, string? ArtifactType, OciDescriptor? Config, IReadOnlyList<OciDescriptor> Layers,
    IReadOnlyList<OciDescriptor> Manifests, IReadOnlyDictionary<string, string> Annotations)
{
    public bool IsIndex => OciMediaTypes.IsIndex(MediaType);

    /// <summary>Parses a manifest; <paramref name="contentType"/> decides when the document names no mediaType. Throws <see cref="FormatException"/>.</summary>
    public static OciManifest Parse(byte[] bytes, string? contentType)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new FormatException("it is not JSON (" + e.Message + ")", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("it is not a JSON object");
            // 2 (or 2.0: the same number in JSON); anything else, Docker's old v1 manifests among them, is not read.
            if (root.TryGetProperty("schemaVersion", out var version) && version.ValueKind == JsonValueKind.Number
                && !(version.TryGetDouble(out var number) && number == 2))
                throw new FormatException($"its schemaVersion is {version.GetRawText()}, not 2 (Docker's old v1 manifests are not read)");
            var mediaType = String(root, "mediaType") ?? contentType;
            var manifests = root.TryGetProperty("manifests", out var list) ? Descriptors(list, "manifests") : [];
            if (mediaType is null && manifests.Count > 0)
                mediaType = OciMediaTypes.ImageIndex;
            var config = root.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? Descriptor(c, "config") : null;
            var layers = root.TryGetProperty("layers", out var l) ? Descriptors(l, "layers") : [];
            if (!OciMediaTypes.IsIndex(mediaType) && config is null)
                throw new FormatException("it has neither a config (an image manifest) nor manifests (an index)");
            return new OciManifest(mediaType, String(root, "artifactType"), config, layers, manifests, ReadAnnotations(root));
        }
    }

    private static List<OciDescriptor> Descriptors(JsonElement list, string what)
    {
        if (list.ValueKind != JsonValueKind.Array)
            throw new FormatException($"'{what}' is not an array");
        return list.EnumerateArray().Select(d => Descriptor(d, what)).ToList();
    }

    private static OciDescriptor Descriptor(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new FormatException($"an entry of '{what}' is not an object");
        var digest = String(element, "digest") ?? throw new FormatException($"an entry of '{what}' has no digest");
        // The spec's grammar, algorithm:encoded: a digest goes into request paths, so nothing else may.
        if (!DigestGrammar().IsMatch(digest))
            throw new FormatException($"an entry of '{what}' has the digest '{digest}', which is not a digest (algorithm:hex)");
        var size = element.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) && n >= 0 ? n
            : throw new FormatException($"the entry {digest} of '{what}' has no valid size");
        return new OciDescriptor(String(element, "mediaType") ?? "", digest, size, ReadAnnotations(element), String(element, "artifactType"));
    }

    private static Dictionary<string, string> ReadAnnotations(JsonElement element)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("annotations", out var map) && map.ValueKind == JsonValueKind.Object)
            foreach (var property in map.EnumerateObject())
                if (property.Value.ValueKind == JsonValueKind.String)
                    annotations[property.Name] = property.Value.GetString()!;
        return annotations;
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex DigestGrammar();

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
