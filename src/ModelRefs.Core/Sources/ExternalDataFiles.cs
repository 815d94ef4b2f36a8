using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources;

/// <summary>One external data file a model names, to fetch from beside its model file.</summary>
/// <param name="Location">The tensor's <c>external_data</c> location: '/'-separated, relative to the model file's folder, already checked with <see cref="Onnx.ExternalDataLocation"/>.</param>
/// <param name="Sha256">The SHA-256 the lock pins for it (lower-case hex), or null when not pinned yet.</param>
public sealed record ExternalDataRequest(string Location, string? Sha256);

/// <summary>A fetched, verified external data file.</summary>
/// <param name="Location">As in the <see cref="ExternalDataRequest"/>.</param>
/// <param name="Path">The verified file: a blob in the cache, or (local models) the file itself.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record ExternalDataFile(string Location, string Path, string Sha256, long Size);

/// <summary>Messages every source gives about external data, so that they read the same whichever source fetched.</summary>
public static class ExternalDataErrors
{
    /// <summary>MR0050: the model names a file that is not beside it at its source.</summary>
    /// <param name="where">Where it was looked for: a path, a URL, "in package@version", "in owner/repo at commit …".</param>
    /// <param name="listing">What is there instead, as a sentence, or null.</param>
    public static ModelRefsException NotFound(ModelHandle handle, string location, string where, string? listing = null) =>
        new(RestoreDiagnostics.ExternalDataNotFound,
            $"Model '{handle.Text}' keeps weights in the external data file '{location}', which is not beside the model: {where}.{(listing is null ? "" : " " + listing)} " +
            "ONNX resolves external data relative to the model file's folder, so the file must be published next to it under that name. " +
            "Publish the file there, reference a release of the model that has it, or use a model with its weights inside the .onnx file.");

    /// <summary>MR0004: an external data file whose content is not what the lock pins.</summary>
    public static ModelRefsException HashMismatch(ModelHandle handle, string location, string where, string actual, string expected) =>
        new(RestoreDiagnostics.HashMismatch,
            $"Model '{handle.Text}': its external data file '{location}' ({where}) has SHA-256 {actual}, expected {expected}; nothing was cached. " +
            "The expected hash is pinned in the model's externalData entry of models.lock.json. If the new content is intended, review it, " +
            "then remove the model's entry from the lock and restore again; otherwise the file was changed or tampered with at its source.");

    /// <summary>MR0051, the default of <see cref="IModelSource.FetchExternalDataAsync"/>.</summary>
    public static ModelRefsException NotSupported(ModelHandle handle, IEnumerable<string> locations, string why) =>
        new(RestoreDiagnostics.ExternalDataNotSupported,
            $"Model '{handle.Text}' keeps weights in external data files ({string.Join(", ", locations)}), and {why}. " +
            "Use a model with its weights inside the .onnx file (models under 2 GB can be saved that way, e.g. onnx.save_model(model, path, save_as_external_data=False)).");
}
