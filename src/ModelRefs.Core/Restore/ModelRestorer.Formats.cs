using System.Text.Json;
using ModelRefs.Core.Archives;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Conversion;
using ModelRefs.Core.Conversion.TfJs;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.IO;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Restore;

/// <summary>
/// From the fetched file to the ONNX file that runs, for every source: the file's format is told
/// from its content (<see cref="ModelFormatSniffer"/>), checked against the item's <c>Format</c>,
/// a TF.js graph model is converted (its weight shards fetched from beside it by the same source),
/// and any other format fails with what the file is and what to do.
/// </summary>
public sealed partial class ModelRestorer
{
    private async Task<FetchedArtifact> ToOnnxAsync(ModelHandle handle, FetchedArtifact artifact, FetchContext context, ModelCache cache, CancellationToken cancellationToken)
    {
        var requested = FormatMetadata.Parse(handle, context.GetMetadata("Format"));
        if (artifact.OnnxPath is not null)
            return artifact; // the source converted (tfhub:, torchhub:) and read Format itself

        ModelFileFormat format;
        try
        {
            format = ModelFormatSniffer.Sniff(artifact.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelRefsException(RestoreDiagnostics.InvalidOnnx, $"Model '{handle.Text}': the fetched file {artifact.Path} cannot be read ({e.Message}).", e);
        }
        var what = $"Model '{handle.Text}': the file ({artifact.Resolved}) is {format.Description}";

        if (requested is { } asked && !FormatMetadata.Matches(asked, format.Kind))
            throw new ModelRefsException(RestoreDiagnostics.FormatNotHonoured,
                $"{what}, not {Describe(asked)} as Format=\"{FormatMetadata.Name(asked)}\" says. " + format.Kind switch
                {
                    ModelFileKind.Onnx or ModelFileKind.TfJsGraphModel => "Remove Format: restore tells the format from the content, and converts a TF.js graph model without it.",
                    _ when format.Advice.Length > 0 => "Remove Format or correct the Include. " + format.Advice,
                    _ => "Check that the Include names the model file itself.",
                });

        switch (format.Kind)
        {
            case ModelFileKind.Onnx:
                return artifact;
            case ModelFileKind.TfJsGraphModel:
                return await ConvertTfJsAsync(handle, artifact, context, cache, cancellationToken).ConfigureAwait(false);
            case ModelFileKind.TfLite:
                throw new ModelRefsException(RestoreDiagnostics.TfLiteNotSupported, $"{what}. {format.Advice}");
            case ModelFileKind.SavedModel when requested == RequestedFormat.SavedModel:
                throw new ModelRefsException(RestoreDiagnostics.FormatNotHonoured,
                    $"{what}, and Format=\"saved_model\" cannot be honoured for '{handle.Scheme}:' models: {format.Advice}");
            case ModelFileKind.Json or ModelFileKind.Html or ModelFileKind.Text or ModelFileKind.Zip or ModelFileKind.Folder or ModelFileKind.Unknown:
                throw new ModelRefsException(RestoreDiagnostics.InvalidOnnx,
                    $"{what}; it is not a model. ModelRefs runs {ModelFileFormat.Supported}. Check that the Include names the model file itself" +
                    (format.Kind == ModelFileKind.Html ? " and that the server serves it without a login page." : "."));
            default:
                throw new ModelRefsException(RestoreDiagnostics.UnsupportedModelFormat,
                    $"{what}. ModelRefs runs {ModelFileFormat.Supported}. {format.Advice}");
        }
    }

    private static string Describe(RequestedFormat format) => format switch
    {
        RequestedFormat.TfJs => "a TF.js graph model",
        RequestedFormat.SavedModel => "a SavedModel",
        RequestedFormat.TfLite => "a TFLite flatbuffer",
        _ => "an ONNX model",
    };

    /// <summary>
    /// A TF.js graph model.json, with the weight shards its weightsManifest names fetched by its
    /// source from beside it (the same package version, commit, folder or URL directory), converted
    /// to ONNX in .NET once per machine (keyed by the model.json's hash and its immutable resolution).
    /// </summary>
    private async Task<FetchedArtifact> ConvertTfJsAsync(ModelHandle handle, FetchedArtifact modelJson, FetchContext context, ModelCache cache, CancellationToken cancellationToken)
    {
        var key = ConversionCache.Key(modelJson.Sha256, TfJsToOnnxConverter.Identity, "tfjs|" + modelJson.Resolved);
        var converted = ConversionCache.TryGet(cache, key);
        if (converted is null)
        {
            var shards = TfJsShards(handle, modelJson.Path);
            IReadOnlyList<ExternalDataFile> files = [];
            if (shards.Count > 0)
            {
                try
                {
                    files = await _sources.FetchExternalDataAsync(handle, modelJson, shards.Select(s => new ExternalDataRequest(s, null)).ToList(), context, cancellationToken)
                        .ConfigureAwait(false);
                }
                catch (ModelRefsException e) when (e.Diagnostic == RestoreDiagnostics.ExternalDataNotFound || e.Diagnostic == RestoreDiagnostics.ExternalDataNotSupported)
                {
                    throw new ModelRefsException(RestoreDiagnostics.ConversionFailed,
                        $"Model '{handle.Text}': the TF.js graph model's weightsManifest names the weight shards {string.Join(", ", shards)} beside its model.json, " +
                        $"and they cannot be fetched: {e.Message}", e);
                }
            }
            using var work = new ScratchDirectory(cache.Layout.NewConversionWorkDirectory("tfjs-"));
            var localJson = Path.Combine(work.Path, "model.json");
            File.Copy(modelJson.Path, localJson);
            IO.FileLinks.MakeWritable(localJson); // copies of read-only blobs: the scratch folder must stay deletable (Windows)
            foreach (var file in files)
            {
                var target = Path.Combine(work.Path, file.Location.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file.Path, target, overwrite: true);
                IO.FileLinks.MakeWritable(target);
            }
            converted = await ConversionCache.GetOrConvertAsync(cache, key, $"converting '{handle.Text}'", context.Log, context.Download.LockTimeout,
                output => TfJsModelConversion.Run(handle, localJson, output, context), cancellationToken).ConfigureAwait(false);
        }
        else
            context.Log($"{handle.Text}: ONNX conversion in the cache ({converted.OnnxSha256[..12]}…)");
        return modelJson with { OnnxPath = converted.OnnxPath, OnnxSha256 = converted.OnnxSha256, Converter = converted.Converter };
    }

    /// <summary>The weight shard paths a model.json names ('/'-separated, relative to its folder), each once.</summary>
    private static List<string> TfJsShards(ModelHandle handle, string modelJsonPath)
    {
        string? problem = null;
        var shards = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(modelJsonPath), new JsonDocumentOptions { MaxDepth = 256 });
            if (document.RootElement.TryGetProperty("weightsManifest", out var manifest) && manifest.ValueKind == JsonValueKind.Array)
                foreach (var group in manifest.EnumerateArray())
                {
                    if (group.ValueKind != JsonValueKind.Object || !group.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Array)
                    {
                        problem = "a weightsManifest group has no paths list";
                        break;
                    }
                    foreach (var shard in paths.EnumerateArray())
                    {
                        var name = shard.ValueKind == JsonValueKind.String ? shard.GetString()! : "";
                        string location;
                        try
                        {
                            location = string.Join('/', ArchiveEntryNames.Segments(name));
                        }
                        catch (UnsafeArchiveException e)
                        {
                            problem = $"the shard path '{name}' is refused ({e.Message})";
                            break;
                        }
                        if ((location.Length == 0 ? "it is empty" : ExternalDataLocation.Problem(location)) is { } bad)
                        {
                            problem = $"the shard path '{name}': {bad}";
                            break;
                        }
                        if (!shards.Contains(location))
                            shards.Add(location);
                    }
                    if (problem is not null)
                        break;
                }
        }
        catch (JsonException)
        {
            problem = "it cannot be read as JSON";
        }
        if (problem is not null)
            throw new ModelRefsException(RestoreDiagnostics.ConversionFailed,
                $"Model '{handle.Text}': the TF.js graph model's weightsManifest cannot be used: {problem}. Shards must be files beside model.json (or in folders below it).");
        return shards;
    }
}
