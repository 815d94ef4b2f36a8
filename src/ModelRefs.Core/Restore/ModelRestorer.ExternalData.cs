using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Restore;

/// <summary>
/// ONNX external data: the files a model keeps its weights in beside the .onnx file, named by the
/// tensors' <c>external_data</c> locations. Each is checked, taken from the cache by the SHA-256 the
/// lock pins, or fetched by the model's source from beside the model (<see cref="IModelSource.FetchExternalDataAsync"/>),
/// pinned in the model's lock entry and deployed as <c>models/&lt;location&gt;</c>, where ONNX Runtime
/// looks for it when it loads <c>models/&lt;Name&gt;.onnx</c>.
/// </summary>
public sealed partial class ModelRestorer
{
    private async Task<IReadOnlyList<ExternalDataFile>> RestoreExternalDataAsync(ModelHandle handle, FetchedArtifact artifact, OnnxModelSignature signature,
        LockedModel? pinned, bool embed, FetchContext context, ModelCache cache, CancellationToken cancellationToken)
    {
        var locations = signature.ExternalDataFiles;
        if (locations.Count == 0)
            return [];
        foreach (var location in locations)
            if (ExternalDataLocation.Problem(location) is { } problem)
                throw new ModelRefsException(RestoreDiagnostics.InvalidOnnx,
                    $"Model '{handle.Text}' names the external data file '{location}', and {problem}: ModelRefs deploys external data only " +
                    "under names inside the model's folder (relative, '/' between folders, no '..', no drive letter). " +
                    "Save the model again with its external data beside it (onnx.save_model(…, location=\"model.onnx_data\")).");
        if (embed)
            throw new ModelRefsException(RestoreDiagnostics.ExternalDataEmbedded,
                $"Model '{handle.Text}' has Embed=\"true\", and it keeps weights in external data files ({string.Join(", ", locations)}). " +
                "ONNX Runtime finds external data only beside a model file it loads from a path, never for a model loaded from memory as an " +
                "embedded resource is. Remove Embed=\"true\" (the model and its files are then deployed under models/), or use a model with its weights inside the .onnx file.");
        if (artifact.Converter is not null)
            throw ExternalDataErrors.NotSupported(handle, locations,
                $"they were made by the converter ({artifact.Converter}), which ModelRefs expects to write single-file ONNX");

        // The lock's hashes describe the files of the locked model content; another model (an item's
        // Sha256, a changed local file) brings its own files.
        var locked = pinned is not null && pinned.Sha256 == artifact.Sha256 && !handle.IsLocalFile ? pinned.ExternalData : null;
        var restored = new Dictionary<string, ExternalDataFile>(StringComparer.Ordinal);
        var missing = new List<ExternalDataRequest>();
        foreach (var location in locations)
        {
            var expected = locked?.GetValueOrDefault(location)?.Sha256;
            // Pinned content the cache holds needs no source (TryGetBlob verifies it first).
            if (expected is not null && cache.TryGetBlob(expected) is { } blob)
                restored[location] = new ExternalDataFile(location, blob, expected, new FileInfo(blob).Length);
            else
                missing.Add(new ExternalDataRequest(location, expected));
        }
        if (missing.Count > 0)
        {
            var fetched = await _sources.FetchExternalDataAsync(handle, artifact, missing, context, cancellationToken).ConfigureAwait(false);
            foreach (var request in missing)
            {
                var file = fetched.FirstOrDefault(f => f.Location == request.Location)
                    ?? throw new ModelRefsException(RestoreDiagnostics.InternalError,
                        $"Model '{handle.Text}': the {handle.Scheme}: source returned no file for the external data '{request.Location}'.");
                // Every source checks the pin itself; this keeps a source that forgets from deploying other content.
                if (request.Sha256 is not null && file.Sha256 != request.Sha256)
                    throw ExternalDataErrors.HashMismatch(handle, request.Location, file.Path, file.Sha256, request.Sha256);
                restored[request.Location] = file;
            }
        }
        context.Log($"ModelRefs: {handle.Text}: {locations.Count} external data file(s) ({string.Join(", ", locations)})");
        return locations.Select(l => restored[l]).ToArray();
    }

    /// <summary>Where a model's external data file goes in the output: beside <c>models/&lt;Name&gt;.onnx</c>, under its location.</summary>
    private static string ExternalDataTargetPath(string outputFolder, string location) =>
        (outputFolder.Length == 0 ? "" : outputFolder + "/") + location;

    /// <summary>
    /// The deployed files of every restored model by output path (case-insensitively: a Windows or
    /// macOS output folder cannot hold two names that differ in case), so that two models whose
    /// files would land on one path with different content fail instead of one overwriting the other.
    /// </summary>
    private sealed class DeployedPathClaims
    {
        private readonly Dictionary<string, (string Sha256, string Handle, string What)> _claims = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>A message naming both models when a path is taken with other content, else null (and the paths are claimed).</summary>
        public string? TryClaim(string handle, IReadOnlyList<(string TargetPath, string Sha256, string What)> files)
        {
            foreach (var (target, sha256, what) in files)
                if (_claims.TryGetValue(target, out var first) && first.Sha256 != sha256)
                    return $"Model '{handle}' would deploy {what} to {target}, where model '{first.Handle}' deploys {first.What} with other content " +
                           $"(SHA-256 {sha256[..12]}… and {first.Sha256[..12]}…). ONNX Runtime loads external data by its file name beside the model, " +
                           "so both cannot be in one output folder: build them in separate projects, or use models whose external data files have different names.";
            var own = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (target, sha256, what) in files)
                if (own.TryGetValue(target, out var other) && other != sha256)
                    return $"Model '{handle}' would deploy two different files to {target} ({what} among them). Rename its external data files (onnx.save_model location) so that they differ from the model's own file name.";
                else
                    own[target] = sha256;
            foreach (var (target, sha256, what) in files)
                _claims.TryAdd(target, (sha256, handle, what));
            return null;
        }
    }
}
