using System.Text.RegularExpressions;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Handles;
using ModelRefs.Core.Manifests;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Npm;

namespace ModelRefs.Core.Restore;

/// <summary>
/// Restores a project's models: handle → source → verified file in the cache → ONNX signature →
/// manifest for the compiler. Every item is attempted; each failure becomes a
/// <see cref="RestoreProblem"/> naming the model, so one bad item does not hide the others.
/// </summary>
public sealed partial class ModelRestorer
{
    public const string ManifestExtension = ".modelref.json";

    private readonly HttpClient _http;
    private readonly Action<string> _log;
    private readonly IModelSource _sources;

    public ModelRestorer(HttpClient http, Action<string>? log = null, IModelSource? sources = null)
    {
        _http = http;
        _log = log ?? (static _ => { });
        _sources = sources ?? ModelSources.Default;
    }

    public async Task<RestoreResult> RestoreAsync(IReadOnlyList<ModelReference> items, RestoreRequest request, CancellationToken cancellationToken = default)
    {
        var cache = new ModelCache(request.CacheRoot);
        var npmRegistry = request.NpmRegistry ?? NpmRegistry.Resolve(request.ProjectDirectory);
        var models = new List<RestoredModel>();
        var problems = new List<RestoreProblem>();
        var names = new Dictionary<string, ModelReference>(StringComparer.OrdinalIgnoreCase);

        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var model = await RestoreOneAsync(item, request, cache, npmRegistry, cancellationToken).ConfigureAwait(false);
                if (names.TryGetValue(model.Name, out var first))
                {
                    problems.Add(new RestoreProblem(RestoreDiagnostics.DuplicateModelName,
                        $"Model '{item.Include}' would generate the class '{model.Name}', which model '{first.Include}' already uses. Give one of them another name with Name=\"…\".", item));
                    continue;
                }
                names[model.Name] = item;
                models.Add(model);
            }
            catch (ModelRefsException ex)
            {
                problems.Add(new RestoreProblem(ex.Diagnostic, ex.Message, item));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or OperationCanceledException)
            {
                problems.Add(new RestoreProblem(RestoreDiagnostics.InternalError,
                    $"Model '{item.Include}' could not be restored: {ex.Message}", item));
            }
        }

        RemoveStaleManifests(request.IntermediatePath, models);
        return new RestoreResult(models, problems);
    }

    private async Task<RestoredModel> RestoreOneAsync(ModelReference item, RestoreRequest request, ModelCache cache,
        string npmRegistry, CancellationToken cancellationToken)
    {
        var handle = ModelHandle.Parse(item.Include, request.ProjectDirectory);
        var name = item.Name ?? handle.DefaultName;
        if (!IsIdentifier(name))
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': Name '{name}' is not a valid C# type name. Use letters, digits and underscores, starting with a letter.");
        var ns = (item.Namespace ?? request.DefaultNamespace).Trim('.');
        if (ns.Length == 0 || !ns.Split('.').All(IsIdentifier))
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': Namespace '{ns}' is not a valid C# namespace. Set Namespace=\"My.App.Models\" on the item or RootNamespace in the project.");
        var embed = ParseBool(item.EmbedText, "Embed", handle);

        var context = new FetchContext(cache, _http)
        {
            NpmRegistry = npmRegistry,
            Sha256 = item.Sha256,
            Offline = request.Offline,
            Log = _log,
        };
        var artifact = await _sources.FetchAsync(handle, context, cancellationToken).ConfigureAwait(false);

        OnnxModelSignature signature;
        try
        {
            signature = OnnxSignatureReader.Read(artifact.Path);
        }
        catch (OnnxFormatException ex)
        {
            throw new ModelRefsException(RestoreDiagnostics.InvalidOnnx,
                $"Model '{handle.Text}': {ex.Problem} at byte {ex.Offset} of the fetched file ({artifact.Resolved}); it is not a valid ONNX model. Check that the handle names an .onnx file (or set Format for other formats).", ex);
        }
        if (signature.ExternalDataFiles.Count > 0)
            throw new ModelRefsException(RestoreDiagnostics.InvalidOnnx,
                $"Model '{handle.Text}' keeps its weights in external data files ({string.Join(", ", signature.ExternalDataFiles)}), which this version does not deploy yet. Use a model with embedded weights.");

        var outputFolder = request.OutputFolder.Replace('\\', '/').Trim('/');
        var targetPath = (outputFolder.Length == 0 ? "" : outputFolder + "/") + name + ".onnx";
        var resourceName = embed ? $"{ns}.{name}.onnx" : null;
        var (license, licenseSource) = item.License != null
            ? (item.License, "metadata")
            : (artifact.License, artifact.LicenseSource);

        var manifest = new ModelManifest
        {
            Name = name,
            Namespace = ns,
            Handle = handle.Text,
            Resolved = artifact.Resolved,
            Sha256 = artifact.Sha256,
            OnnxSha256 = artifact.Sha256,
            License = license,
            LicenseSource = licenseSource,
            ModelFile = targetPath,
            EmbeddedResource = resourceName,
            ProjectFile = Path.GetFullPath(request.ProjectFile),
            ItemLine = item.Line,
            Description = string.IsNullOrWhiteSpace(signature.DocString) ? null : signature.DocString,
            Producer = $"{signature.ProducerName} {signature.ProducerVersion}".Trim() is { Length: > 0 } producer ? producer : null,
            IrVersion = signature.IrVersion,
            Opsets = signature.Opsets.Select(o => (o.Domain, o.Version)).ToArray(),
            Metadata = signature.Metadata.Select(m => (m.Key, m.Value)).ToArray(),
            Inputs = signature.Inputs.Select(ToManifestValue).ToArray(),
            Outputs = signature.Outputs.Select(ToManifestValue).ToArray(),
        };
        var manifestPath = Path.Combine(request.IntermediatePath, name + ManifestExtension);
        if (ManifestWriter.WriteIfChanged(manifestPath, manifest))
            _log($"ModelRefs: {handle.Text} → {name} ({artifact.Sha256[..12]}…)");

        return new RestoredModel(item, name, artifact.Path, targetPath, resourceName, manifestPath);
    }

    private static ManifestValue ToManifestValue(OnnxValueInfo value) => new(
        value.Name,
        value.Kind.ToManifestName(),
        value.ElementType.ToManifestName(),
        value.Shape?.Select(d => new ManifestDimension(d.Value, d.Param)).ToArray(),
        string.IsNullOrEmpty(value.DocString) ? null : value.DocString);

    private static void RemoveStaleManifests(string folder, IReadOnlyList<RestoredModel> models)
    {
        if (!Directory.Exists(folder))
            return;
        var keep = models.Select(m => Path.GetFullPath(m.ManifestPath)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*" + ManifestExtension))
            if (!keep.Contains(Path.GetFullPath(file)))
                File.Delete(file);
    }

    private static bool ParseBool(string? text, string metadata, ModelHandle handle)
    {
        if (text == null)
            return false;
        if (bool.TryParse(text, out var value))
            return value;
        throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
            $"Model '{handle.Text}': {metadata}=\"{text}\" is not true or false.");
    }

    private static bool IsIdentifier(string text) => IdentifierPattern().IsMatch(text);

    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{Nd}_]*$")]
    private static partial Regex IdentifierPattern();
}
