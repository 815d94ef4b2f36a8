using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Handles;
using ModelRefs.Core.Sources.Https;
using ModelRefs.Core.Sources.Local;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Sources.TfHub;
using ModelRefs.Core.Sources.TorchHub;

namespace ModelRefs.Core.Sources;

/// <summary>Dispatches a handle to the source that understands it.</summary>
public sealed class ModelSources : IModelSource
{
    private readonly IReadOnlyList<IModelSource> _sources;

    public ModelSources(IEnumerable<IModelSource> sources) => _sources = sources.ToArray();

    /// <summary>Local files, https downloads, npm packages, TF Hub models and PyTorch Hub entrypoints (exported to ONNX).</summary>
    public static ModelSources Default { get; } = new([new LocalModelSource(), new HttpsModelSource(), new NpmModelSource(), new TfHubModelSource(), new TorchHubModelSource()]);

    public bool CanFetch(ModelHandle handle) => _sources.Any(s => s.CanFetch(handle));

    public Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(context);
        var source = _sources.FirstOrDefault(s => s.CanFetch(handle))
            ?? throw new ModelRefsException(RestoreDiagnostics.InvalidHandle,
                $"Model '{handle.Text}': no source can fetch '{handle.Scheme}' handles in this version. Write {ModelHandle.SupportedForms}.");
        return source.FetchAsync(handle, context, cancellationToken);
    }
}
