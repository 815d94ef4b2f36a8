namespace ModelRefs.Core.Sources.Oci;

/// <summary>How a layer holds its files.</summary>
internal enum LayerPacking
{
    /// <summary>The blob is the file itself.</summary>
    Raw,
    Tar,
    TarGzip,
}

/// <summary>A layer of a model artifact: its blob, how it is packed, and the path its annotation gives (the file, or for a tar the folder or file it packs).</summary>
internal sealed record OciArtifactLayer(OciDescriptor Descriptor, LayerPacking Packing, string? Path);

/// <summary>
/// A manifest read as a model artifact: a CNCF ModelPack artifact, a KitOps ModelKit, or a plain
/// artifact whose layers name their files (<c>org.opencontainers.image.title</c>, as ORAS pushes them).
/// </summary>
internal sealed record OciArtifact(string Kind, IReadOnlyList<OciArtifactLayer> Layers)
{
    public const string ModelPackKind = "CNCF ModelPack artifact";
    public const string KitOpsKind = "KitOps ModelKit";
    public const string PlainKind = "OCI artifact";

    /// <summary>The artifact, or null with what was found instead (for MR0062).</summary>
    public static OciArtifact? Read(OciManifest manifest, out string found)
    {
        var configType = manifest.Config?.MediaType ?? "";
        found = Describe(manifest);
        if (manifest.ArtifactType == OciMediaTypes.ModelPackArtifact || configType == OciMediaTypes.ModelPackConfig)
            return Typed(ModelPackKind, manifest, OciMediaTypes.ModelPackLayerPrefix, out found);
        if (configType == OciMediaTypes.KitOpsConfig)
            return Typed(KitOpsKind, manifest, OciMediaTypes.KitOpsLayerPrefix, out found);

        var titled = manifest.Layers
            .Select(l => (Layer: l, Path: NormalizePath(l.Annotation(OciMediaTypes.TitleAnnotation) ?? l.Annotation(OciMediaTypes.FilePathAnnotation))))
            .Where(l => l.Path is not null)
            .Select(l => new OciArtifactLayer(l.Layer,
                // ORAS packs a folder as tar+gzip and marks it for unpacking; a file is pushed as it is, whatever its media type.
                l.Layer.Annotation("io.deis.oras.content.unpack") == "true" ? LayerPacking.TarGzip : LayerPacking.Raw, l.Path))
            .ToList();
        return titled.Count > 0 ? new OciArtifact(PlainKind, titled) : null;
    }

    private static OciArtifact? Typed(string kind, OciManifest manifest, string layerPrefix, out string found)
    {
        found = Describe(manifest);
        var layers = new List<OciArtifactLayer>();
        foreach (var layer in manifest.Layers)
        {
            var path = NormalizePath(layer.Annotation(OciMediaTypes.FilePathAnnotation) ?? layer.Annotation(OciMediaTypes.TitleAnnotation));
            if (!layer.MediaType.StartsWith(layerPrefix, StringComparison.Ordinal))
            {
                if (path is not null)
                    layers.Add(new OciArtifactLayer(layer, LayerPacking.Raw, path));
                continue;
            }
            // <kind>.v1.<packing>: weight.v1.raw, weight.config.v1.tar, model.v1.tar+gzip, …
            var marker = layer.MediaType.LastIndexOf(".v1.", StringComparison.Ordinal);
            var packing = marker < 0 ? "" : layer.MediaType[(marker + 4)..];
            switch (packing)
            {
                case "raw":
                    if (path is not null)
                        layers.Add(new OciArtifactLayer(layer, LayerPacking.Raw, path));
                    break;
                case "tar":
                    layers.Add(new OciArtifactLayer(layer, LayerPacking.Tar, path));
                    break;
                case "tar+gzip":
                    layers.Add(new OciArtifactLayer(layer, LayerPacking.TarGzip, path));
                    break;
                default:
                    // tar+zstd and unknown packings: say so rather than skip a layer that may be the model.
                    found = $"a {kind} with a layer of media type {layer.MediaType}, whose packing ('{packing}') ModelRefs does not read (raw, tar and tar+gzip it does)";
                    return null;
            }
        }
        return new OciArtifact(kind, layers);
    }

    /// <summary>What a manifest holds, in words, for the error about an artifact that is not a model.</summary>
    public static string Describe(OciManifest manifest)
    {
        var layerTypes = manifest.Layers.GroupBy(l => l.MediaType).Select(g => $"{g.Count()} × {(g.Key.Length == 0 ? "(no media type)" : g.Key)}");
        return $"a manifest of media type {manifest.MediaType ?? "(none)"}" +
               (manifest.ArtifactType is null ? "" : $", artifactType {manifest.ArtifactType}") +
               $", config {(manifest.Config?.MediaType is { Length: > 0 } c ? c : "(none)")}" +
               (manifest.Layers.Count == 0 ? ", no layers" : $", layers {string.Join(", ", layerTypes)}, none naming a file (no {OciMediaTypes.TitleAnnotation} or {OciMediaTypes.FilePathAnnotation} annotation)");
    }

    /// <summary>A path inside the artifact, '/'-separated without '.', '..' or empty segments; null when it is not one.</summary>
    public static string? NormalizePath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            return null;
        var segments = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Length == 0 || segments.Any(s => s == ".." || s.Any(char.IsControl)))
            return null;
        return string.Join('/', segments);
    }
}
