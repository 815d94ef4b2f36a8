using System.Text.Json;
using ModelRefs.Core.Archives;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>
/// OCI registries (docs/oci.md): the manifest a tag or digest names (an index is followed to its one
/// model manifest), read as a CNCF ModelPack artifact, a KitOps ModelKit or a plain artifact whose
/// layers name their files; the model file is one raw layer (a blob whose digest is the file's
/// SHA-256, so content another source brought is not downloaded again) or an entry of a tar layer.
/// The lock records <c>oci:&lt;registry&gt;/&lt;repository&gt;@&lt;manifest digest&gt;#&lt;file&gt;</c>; later restores
/// fetch that digest, so a tag that moves changes nothing until the lock entry is removed. The licence
/// is the ModelPack config's <c>descriptor.licenses</c> (KitOps: <c>package.license</c>), else the
/// manifest's <c>org.opencontainers.image.licenses</c>.
/// </summary>
public sealed partial class OciModelSource : IModelSource
{
    /// <summary>The <c>licenseSource</c> this source reports.</summary>
    public const string LicenseSourceName = "oci artifact";

    private const int MaxConfigBytes = 1 << 20;

    private readonly Func<string, string?> _environment;

    /// <param name="environment">Reads environment variables (<c>DOCKER_CONFIG</c>, <c>HOME</c>, <c>PATH</c> for credential helpers); tests pass their own.</param>
    public OciModelSource(Func<string, string?>? environment = null) =>
        _environment = environment ?? Environment.GetEnvironmentVariable;

    public string Scheme => "oci";

    public string HandleForms => OciModelHandle.Form;

    public IReadOnlyList<Setting> Settings => [OciSettings.InsecureRegistries, OciMirror.Mirror, OciMirror.MirrorOnly];

    public ModelHandle? TryParse(HandleText include) =>
        include.Scheme == "oci" ? OciModelHandle.Create(include.Text, include.Rest) : null;

    /// <summary>A lock entry written for another <c>File</c> of the artifact does not pin this item.</summary>
    public bool LockEntryApplies(ModelHandle handle, string resolved, IReadOnlyDictionary<string, string> metadata)
    {
        if (handle is not OciModelHandle oci || oci.FromResolved(resolved) is not (_, var lockedFile))
            return true;
        var file = metadata.TryGetValue("File", out var written) && !string.IsNullOrWhiteSpace(written) ? OciArtifact.NormalizePath(written.Trim()) : null;
        // Without File the entry names the file found then; with one, it must be that file.
        return file is null || file == lockedFile;
    }

    /// <summary>What a fetch works with: the handle, the registry client, the manifest digest and the artifact it names.</summary>
    private sealed record Resolution(string Digest, OciManifest Manifest, OciArtifact Artifact);

    public async Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var oci = handle as OciModelHandle ?? throw new ArgumentException("not an oci: handle", nameof(handle));
        var cache = context.Cache;
        var expected = context.ExpectedSha256(oci);
        var file = FileMetadata(oci, context);
        var pinned = oci.FromResolved(context.PinnedResolved);
        if (pinned is { File: { } pinnedFile } && file is not null && pinnedFile != file)
            pinned = null; // File changed since the lock was written: the lock's file hash is of another file
        var tagKey = $"oci-tag|{oci.Registry}/{oci.Repository}:{oci.Tag}";
        var digest = oci.Digest ?? pinned?.Digest;
        if (digest is null && context.Offline && oci.Tag is not null && cache.TryGetRef(tagKey) is { Resolved: { } known })
        {
            context.Log($"{oci.Text}: offline, using the manifest {known} that tag '{oci.Tag}' named when last resolved on this machine");
            digest = known;
        }
        if (digest is not null && Cached(cache, FileKey(oci, digest, file ?? pinned?.File), expected) is { } hit)
        {
            context.Log($"{oci.Text}: manifest {digest[..19]}… in the cache, no network");
            return hit;
        }
        if (context.Offline)
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{oci.Text}': restore is offline (ModelRefsOffline) and the artifact {(digest ?? oci.Reference)} of {oci.Registry}/{oci.Repository} " +
                $"is not in the cache ({cache.Root}). Restore once with the network to fill the cache.");

        var fetchLock = await context.AcquireFetchLockAsync(oci, $"oci-fetch|{oci.Registry}/{oci.Repository}@{digest ?? oci.Reference}|{file}", $"'{oci.Text}'", cancellationToken).ConfigureAwait(false);
        await using (fetchLock)
        {
            if (digest is not null && Cached(cache, FileKey(oci, digest, file ?? pinned?.File), expected) is { } fresh)
                return fresh; // another restore fetched it while this one waited

            var client = Client(oci, context);
            var resolution = await SharedResolveAsync(oci, client, context, digest ?? oci.Reference, cancellationToken).ConfigureAwait(false);
            if (digest is null)
                context.Log($"{oci.Text}: tag '{oci.Tag}' names the manifest {resolution.Digest}; models.lock.json pins it");

            var (path, blob) = await FindFileAsync(oci, client, context, resolution, file ?? pinned?.File, expected, cancellationToken).ConfigureAwait(false);
            var (license, attribution) = await ReadLicenseAsync(oci, client, resolution, cancellationToken).ConfigureAwait(false);
            var resolved = oci.AtDigest(resolution.Digest, path);
            var licenseSource = license is null ? null : LicenseSourceName;
            var value = new CacheRef(FileKey(oci, resolution.Digest, path), blob.Sha256, resolved, license, licenseSource) { Attribution = attribution };
            cache.SetRef(value);
            if (file is null) // the artifact's only model file, found without File: remember it for offline and locked restores
                cache.SetRef(value with { Key = FileKey(oci, resolution.Digest, null) });
            if (oci.Digest is null && oci.Tag is not null)
                cache.SetRef(new CacheRef(tagKey, blob.Sha256, resolution.Digest));
            context.Log($"{oci.Text}: {path} of the {resolution.Artifact.Kind} {resolution.Digest[..19]}…, {blob.Length} bytes, SHA-256 {blob.Sha256}");
            return new FetchedArtifact(blob.Path, blob.Sha256, resolved, license, licenseSource) { Attribution = attribution };
        }
    }

    /// <summary>
    /// The external data files of a model from the same artifact at the manifest digest the model was
    /// restored from, each at its location relative to the model's folder in the artifact.
    /// </summary>
    public async Task<IReadOnlyList<ExternalDataFile>> FetchExternalDataAsync(ModelHandle handle, FetchedArtifact model, IReadOnlyList<ExternalDataRequest> files,
        FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(files);
        var oci = handle as OciModelHandle ?? throw new ArgumentException("not an oci: handle", nameof(handle));
        if (oci.FromResolved(model.Resolved) is not ({ } digest, { } modelPath))
            throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer,
                $"Model '{oci.Text}': its resolution '{model.Resolved}' names no manifest digest and file of {oci.Registry}/{oci.Repository}, so its external data files " +
                "cannot be taken from the same artifact. Remove the model's entry from models.lock.json and restore again.");
        var folder = modelPath[..(modelPath.LastIndexOf('/') + 1)];
        var result = new List<ExternalDataFile>();
        OciRegistryClient? client = null;
        Resolution? resolution = null;
        foreach (var request in files)
        {
            var path = folder + request.Location;
            if (Cached(context.Cache, FileKey(oci, digest, path), request.Sha256) is { } hit)
            {
                result.Add(new ExternalDataFile(request.Location, hit.Path, hit.Sha256, new FileInfo(hit.Path).Length));
                continue;
            }
            if (context.Offline)
                throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                    $"Model '{oci.Text}': restore is offline and its external data file {request.Location} of the artifact {digest} is not in the cache ({context.Cache.Root}). " +
                    "Restore once with the network to fill the cache.");
            client ??= Client(oci, context);
            resolution ??= await ResolveAsync(oci, client, context, digest, cancellationToken).ConfigureAwait(false);
            (string, CachedBlob) found;
            try
            {
                found = await FindFileAsync(oci, client, context, resolution, path, request.Sha256, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelRefsException e) when (e.Diagnostic == RestoreDiagnostics.OciFileNotFound)
            {
                throw ExternalDataErrors.NotFound(oci, request.Location, $"the artifact {digest} has no file '{path}'", ListingOf(resolution.Artifact, wanted: path));
            }
            catch (ModelRefsException e) when (e.Diagnostic == RestoreDiagnostics.HashMismatch && request.Sha256 is not null)
            {
                throw ExternalDataErrors.HashMismatch(oci, request.Location, $"{path} in the artifact {digest}", "(other content)", request.Sha256);
            }
            var blob = found.Item2;
            context.Cache.SetRef(new CacheRef(FileKey(oci, digest, path), blob.Sha256, oci.AtDigest(digest, path)));
            result.Add(new ExternalDataFile(request.Location, blob.Path, blob.Sha256, blob.Length));
        }
        return result;
    }

    private OciRegistryClient Client(OciModelHandle oci, FetchContext context) => OciRegistryClient.Create(oci, context, _environment);

    private static string FileKey(OciModelHandle oci, string digest, string? path) => $"oci-file|{oci.Registry}/{oci.Repository}@{digest}#{path}";

    private static string? FileMetadata(OciModelHandle oci, FetchContext context)
    {
        if (context.GetMetadata("File") is not { } written)
            return null;
        return OciArtifact.NormalizePath(written) ?? throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
            $"Model '{oci.Text}': File '{written}' is not a path inside an artifact ('/'-separated, without '..'). Write the file's path as the artifact names it, e.g. File=\"model/model.onnx\".");
    }

    private static FetchedArtifact? Cached(ModelCache cache, string key, string? expected)
    {
        if (cache.TryGetRef(key) is not { Resolved: { } resolved } known || (expected is not null && expected != known.Sha256))
            return null;
        return cache.TryGetBlob(known.Sha256) is { } path
            ? new FetchedArtifact(path, known.Sha256, resolved, known.License, known.LicenseSource) { Attribution = known.Attribution }
            : null;
    }

    /// <summary>
    /// <see cref="ResolveAsync"/> once for every item of the restore that names the same artifact
    /// (<see cref="RestoreBatch"/>), its failure included: items taking different files of one
    /// artifact fetch its manifest once.
    /// </summary>
    private static Task<Resolution> SharedResolveAsync(OciModelHandle oci, OciRegistryClient client, FetchContext context, string reference, CancellationToken cancellationToken) =>
        context.Batch is { } batch
            ? batch.ShareForAsync($"oci-resolve|{oci.Registry}/{oci.Repository}@{reference}", oci, () => ResolveAsync(oci, client, context, reference, cancellationToken))
            : ResolveAsync(oci, client, context, reference, cancellationToken);

    /// <summary>The manifest (from the cache when it is there by its digest), an index followed to its model manifest, read as an artifact.</summary>
    private static async Task<Resolution> ResolveAsync(OciModelHandle oci, OciRegistryClient client, FetchContext context, string reference, CancellationToken cancellationToken)
    {
        var (digest, manifest) = await ManifestAsync(oci, client, context, reference, cancellationToken).ConfigureAwait(false);
        if (manifest.IsIndex)
        {
            // An index of model manifests (one per variant) or of platforms: exactly one must be a model.
            var children = manifest.Manifests.Where(m => !OciMediaTypes.IsIndex(m.MediaType)).ToList();
            var models = children.Where(m => m.ArtifactType is OciMediaTypes.ModelPackArtifact).ToList();
            var chosen = models.Count == 1 ? models[0] : children.Count == 1 ? children[0] : null;
            if (chosen is null)
                throw new ModelRefsException(RestoreDiagnostics.OciNotAModel,
                    $"Model '{oci.Text}': {reference} is an index of {manifest.Manifests.Count} manifests ({string.Join(", ", manifest.Manifests.Take(10).Select(m => m.Digest + (m.ArtifactType is null ? "" : " " + m.ArtifactType)))}), " +
                    "not one model artifact. Write the digest of the model's manifest in the handle (oci:…@sha256:…).");
            // Fetched by a digest this source verifies, or the index's own pin would not cover what it leads to.
            if (!OciModelHandle.DigestPattern().IsMatch(chosen.Digest))
                throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer,
                    $"Model '{oci.Text}': the index {digest} names its model manifest by the digest {chosen.Digest}, and this source reads sha256 digests only. " +
                    "Push the model with a sha256 digest (the default of every registry tool), or reference the model's manifest itself.");
            var (_, child) = await ManifestAsync(oci, client, context, chosen.Digest, cancellationToken).ConfigureAwait(false);
            if (child.IsIndex)
                throw new ModelRefsException(RestoreDiagnostics.OciNotAModel, $"Model '{oci.Text}': the index {digest} leads to another index {chosen.Digest}; write the digest of the model's manifest in the handle.");
            manifest = child;
        }
        var artifact = OciArtifact.Read(manifest, out var found)
            ?? throw new ModelRefsException(RestoreDiagnostics.OciNotAModel,
                $"Model '{oci.Text}': {oci.Registry}/{oci.Repository}@{digest} is not a model artifact: it is {found}. ModelRefs reads CNCF ModelPack artifacts " +
                $"({OciMediaTypes.ModelPackArtifact}), KitOps ModelKits and artifacts whose layers carry {OciMediaTypes.TitleAnnotation} (as 'oras push' writes them). " +
                "Reference a model artifact, or push the model with 'modelref push'.");
        return new Resolution(digest, manifest, artifact);
    }

    private static async Task<(string Digest, OciManifest Manifest)> ManifestAsync(OciModelHandle oci, OciRegistryClient client, FetchContext context, string reference,
        CancellationToken cancellationToken)
    {
        byte[] bytes;
        string? mediaType = null;
        string digest;
        // A manifest is content-addressed like any blob: once fetched by digest, the cache holds it.
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && context.Cache.TryGetBlob(reference[7..]) is { } cached)
        {
            bytes = await File.ReadAllBytesAsync(cached, cancellationToken).ConfigureAwait(false);
            digest = reference;
        }
        else
        {
            (bytes, mediaType, digest) = await client.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
            await context.Cache.AddAsync(new MemoryStream(bytes, writable: false), digest[7..], cancellationToken).ConfigureAwait(false);
        }
        try
        {
            return (digest, OciManifest.Parse(bytes, mediaType));
        }
        catch (FormatException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer,
                $"Model '{oci.Text}': the manifest {client.ManifestUrlText(reference)} cannot be read: {e.Message}. Check that the handle names an OCI artifact.", e);
        }
    }

    /// <summary>The model file of the artifact: <paramref name="wanted"/> when given, else its only .onnx file. Raw layers are looked at first (no download needed to list them).</summary>
    private static async Task<(string Path, CachedBlob Blob)> FindFileAsync(OciModelHandle oci, OciRegistryClient client, FetchContext context, Resolution resolution,
        string? wanted, string? expected, CancellationToken cancellationToken)
    {
        var artifact = resolution.Artifact;
        var raw = artifact.Layers.Where(l => l.Packing == LayerPacking.Raw && l.Path is not null).ToList();
        var tars = artifact.Layers.Where(l => l.Packing != LayerPacking.Raw).ToList();
        OciArtifactLayer? rawChoice = null;
        if (wanted is not null)
            rawChoice = raw.FirstOrDefault(l => l.Path == wanted);
        else
        {
            var onnx = raw.Where(l => IsOnnx(l.Path!)).ToList();
            if (onnx.Count > 1)
                throw Ambiguous(oci, resolution, onnx.Select(l => l.Path!));
            rawChoice = onnx.SingleOrDefault();
        }
        if (rawChoice is not null)
        {
            if (expected is not null && LayerSha256(oci, rawChoice.Descriptor) != expected)
                throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                    $"Model '{oci.Text}': the artifact {resolution.Digest} lists {rawChoice.Path} as the blob {rawChoice.Descriptor.Digest}, but SHA-256 {expected} is expected; nothing was downloaded.");
            return (rawChoice.Path!, await BlobAsync(oci, client, rawChoice.Descriptor, cancellationToken).ConfigureAwait(false));
        }

        // Tar layers: the ones whose annotation could hold the file first, each read from the cache after one verified download.
        var limits = ArchiveSettings.Limits(context.Settings);
        var candidates = new List<(OciArtifactLayer Layer, string Path)>();
        foreach (var layer in tars.OrderBy(l => wanted is not null && l.Path is { } p && (wanted == p || wanted.StartsWith(p + "/", StringComparison.Ordinal)) ? 0 : 1))
        {
            var blob = await BlobAsync(oci, client, layer.Descriptor, cancellationToken).ConfigureAwait(false);
            foreach (var path in TarFiles(oci, layer, blob, limits, cancellationToken))
                if (wanted is null ? IsOnnx(path) : path == wanted)
                    candidates.Add((layer, path));
            if (wanted is not null && candidates.Count > 0)
                break;
        }
        if (candidates.Count == 0)
            throw new ModelRefsException(RestoreDiagnostics.OciFileNotFound,
                $"Model '{oci.Text}': the {artifact.Kind} {resolution.Digest} has {(wanted is null ? "no .onnx file" : $"no file '{wanted}'")}. {ListingOf(artifact, tars.Count > 0 ? "" : null, wanted)}" +
                (wanted is null ? " Set File to the path of the model file in the artifact." : " Write File as the artifact names the file."));
        if (candidates.Count > 1)
            throw Ambiguous(oci, resolution, candidates.Select(c => c.Path).Concat(raw.Where(l => IsOnnx(l.Path!)).Select(l => l.Path!)));
        var (chosenLayer, chosenPath) = candidates[0];
        var layerBlob = await BlobAsync(oci, client, chosenLayer.Descriptor, cancellationToken).ConfigureAwait(false);
        return (chosenPath, await ExtractAsync(oci, chosenLayer, layerBlob, chosenPath, expected, limits, context.Cache, cancellationToken).ConfigureAwait(false));
    }

    private static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    private static async Task<CachedBlob> BlobAsync(OciModelHandle oci, OciRegistryClient client, OciDescriptor descriptor, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer, $"Model '{oci.Text}': a layer of the artifact cannot be fetched: {e.Message}.", e);
        }
    }

    /// <summary>The SHA-256 a layer's digest names; MR0065 for a digest of another algorithm (sha512) or none, which this source does not read.</summary>
    private static string LayerSha256(OciModelHandle oci, OciDescriptor descriptor)
    {
        try
        {
            return OciRegistryClient.Sha256Of(descriptor);
        }
        catch (FormatException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer, $"Model '{oci.Text}': a layer of the artifact cannot be fetched: {e.Message}.", e);
        }
    }

    /// <summary>The regular files of a tar layer, as paths inside the artifact (the tar's own names).</summary>
    private static List<string> TarFiles(OciModelHandle oci, OciArtifactLayer layer, CachedBlob blob, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        try
        {
            foreach (var entry in TarArchive.Entries(blob.Path, Compression(layer), limits, cancellationToken))
                if (entry.IsRegularFile && OciArtifact.NormalizePath(entry.Name) is { } path)
                    files.Add(path);
        }
        catch (UnsafeArchiveException e)
        {
            throw RefusedLayer(oci, layer, e);
        }
        return files;
    }

    private static async Task<CachedBlob> ExtractAsync(OciModelHandle oci, OciArtifactLayer layer, CachedBlob blob, string path, string? expected, ArchiveLimits limits,
        ModelCache cache, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var entry in TarArchive.Entries(blob.Path, Compression(layer), limits, cancellationToken))
            {
                if (!entry.IsRegularFile || OciArtifact.NormalizePath(entry.Name) != path)
                    continue;
                try
                {
                    return await cache.AddAsync(entry.DataStream, expected, cancellationToken).ConfigureAwait(false);
                }
                catch (ContentHashMismatchException e)
                {
                    throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                        $"Model '{oci.Text}': {path} in the layer {layer.Descriptor.Digest} has SHA-256 {e.ActualSha256}, expected {e.ExpectedSha256}; nothing was cached. " +
                        "A manifest digest names immutable content, so the expected hash is for another file or artifact: fix the Sha256 metadata or the models.lock.json entry.", e);
                }
            }
        }
        catch (UnsafeArchiveException e)
        {
            throw RefusedLayer(oci, layer, e);
        }
        throw new ModelRefsException(RestoreDiagnostics.OciFileNotFound, $"Model '{oci.Text}': the layer {layer.Descriptor.Digest} no longer holds {path}.");
    }

    // A gzip layer says so in its media type; a plain tar may still arrive compressed (Detect reads the magic bytes).
    private static TarCompression Compression(OciArtifactLayer layer) => layer.Packing == LayerPacking.TarGzip ? TarCompression.Gzip : TarCompression.Detect;

    private static ModelRefsException RefusedLayer(OciModelHandle oci, OciArtifactLayer layer, UnsafeArchiveException e) =>
        new(RestoreDiagnostics.UnsafeArchive,
            $"Model '{oci.Text}': the tar layer {layer.Descriptor.Digest} ({layer.Descriptor.MediaType}) was refused: {e.Message}. Nothing from it was cached. " +
            "It matched its digest, so the artifact itself is broken as pushed: push it again, or raise the limit named above if it is one.", e);

    private static ModelRefsException Ambiguous(OciModelHandle oci, Resolution resolution, IEnumerable<string> paths) =>
        new(RestoreDiagnostics.OciFileAmbiguous,
            $"Model '{oci.Text}': the {resolution.Artifact.Kind} {resolution.Digest} holds several .onnx files ({string.Join(", ", paths.Distinct().Order(StringComparer.Ordinal))}). " +
            "Set File on the item to the one to restore, e.g. File=\"" + paths.First() + "\".");

    private static string ListingOf(OciArtifact artifact, string? tarNote = null, string? wanted = null)
    {
        var paths = artifact.Layers.Where(l => l.Path is not null).Select(l => l.Path!);
        // Nearest to the File asked for first, when one was.
        var named = wanted is null ? paths.Distinct().Order(StringComparer.Ordinal).ToList() : NearestNames.Order(wanted, paths);
        return (named.Count == 0 ? "Its layers name no files." : $"Its layers name: {NearestNames.Join(named, 20)}.")
               + (tarNote is null ? "" : " Its tar layers were searched too.");
    }

    /// <summary>The licence the artifact declares: ModelPack config <c>descriptor.licenses</c> (all apply), KitOps <c>package.license</c>, else the manifest annotation.</summary>
    private static async Task<(string? License, string? Attribution)> ReadLicenseAsync(OciModelHandle oci, OciRegistryClient client, Resolution resolution,
        CancellationToken cancellationToken)
    {
        string? license = null, attribution = null;
        if (resolution.Manifest.Config is { } config && config.Size <= MaxConfigBytes
            && config.MediaType is OciMediaTypes.ModelPackConfig or OciMediaTypes.KitOpsConfig)
        {
            var blob = await BlobAsync(oci, client, config, cancellationToken).ConfigureAwait(false);
            try
            {
                using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(blob.Path, cancellationToken).ConfigureAwait(false));
                var root = json.RootElement;
                var section = config.MediaType == OciMediaTypes.ModelPackConfig ? "descriptor" : "package";
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(section, out var descriptor) && descriptor.ValueKind == JsonValueKind.Object)
                {
                    license = Strings(descriptor, "licenses") is { Count: > 0 } licenses ? string.Join(" AND ", licenses.Select(l => licenses.Count > 1 && l.Contains(' ') ? "(" + l + ")" : l))
                        : Strings(descriptor, "license") is { Count: > 0 } single ? string.Join(" AND ", single) : null;
                    attribution = Strings(descriptor, "authors") is { Count: > 0 } authors ? string.Join(", ", authors) : null;
                }
            }
            catch (JsonException)
            {
                // A config that is no JSON leaves the licence to the annotation; the model itself is what counts.
            }
        }
        license ??= resolution.Manifest.Annotations.GetValueOrDefault(OciMediaTypes.LicensesAnnotation) is { Length: > 0 } annotated ? annotated.Trim() : null;
        return (license, attribution);
    }

    private static List<string>? Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is { Length: > 0 } s => [s.Trim()],
            JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String && v.GetString()!.Trim().Length > 0)
                .Select(v => v.GetString()!.Trim()).ToList(),
            _ => null,
        };
    }
}
