using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Conversion;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Local;

/// <summary>A file on disk: hashed where it is, never copied into the cache.</summary>
public sealed class LocalModelSource : IModelSource, IVersionedSource
{
    /// <summary>A file of the project: it is whatever the file holds.</summary>
    public Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ModelVersions.Unversioned("a local file has no versions"));

    public ModelHandle WithVersion(ModelHandle handle, string version) =>
        throw ModelHandle.Invalid(handle.Text, "a local file has no versions. Replace the file, or point the Include at another one.");

    public string Scheme => "local";

    public string HandleForms => "a local path (relative to the project folder, or absolute, or file:)";

    public IReadOnlyList<Setting> Settings => [];

    /// <summary>Anything without a scheme is a path; <c>file:</c> URIs and paths too.</summary>
    public ModelHandle? TryParse(HandleText include) => include.Scheme switch
    {
        null => LocalModelHandle.Create(include.Text, include.Text, include.ProjectDirectory),
        "file" => LocalModelHandle.CreateFromFileScheme(include.Text, include.Rest, include.ProjectDirectory),
        _ => null,
    };

    public async Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        var local = (LocalModelHandle)handle;
        var expected = context.ExpectedSha256(handle);
        if (!File.Exists(local.FullPath))
        {
            if (Directory.Exists(local.FullPath) && ModelFormatSniffer.Sniff(local.FullPath) is { Kind: ModelFileKind.SavedModel } savedModel)
                throw new ModelRefsException(RestoreDiagnostics.UnsupportedModelFormat,
                    $"Model '{handle.Text}': {local.FullPath} is {savedModel.Description}. {savedModel.Advice}");
            var what = Directory.Exists(local.FullPath) ? $"is {ModelFormatSniffer.Sniff(local.FullPath).Description}" : "does not exist";
            throw new ModelRefsException(RestoreDiagnostics.LocalFileNotFound,
                $"Model '{handle.Text}': {local.FullPath} {what}. Local paths are relative to the project folder; " +
                "fix the Include or put the model file there.");
        }

        string actual;
        try
        {
            actual = await Sha256Hex.HashFileAsync(local.FullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelRefsException(RestoreDiagnostics.LocalFileNotFound,
                $"Model '{handle.Text}': {local.FullPath} cannot be read ({e.Message}). Check its permissions.", e);
        }

        if (expected is not null && expected != actual)
            throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                $"Model '{handle.Text}': {local.FullPath} has SHA-256 {actual}, expected {expected}. " +
                "If the file changed on purpose, update its Sha256 metadata or the models.lock.json entry (restore without locked mode rewrites the lock); otherwise restore the original file.");

        context.Log($"{handle.Text}: local file, SHA-256 {actual}");
        return new FetchedArtifact(local.FullPath, actual, handle.Text);
    }

    /// <summary>The files beside the model file, hashed where they are like the model itself (the project's own files, never copied into the cache).</summary>
    public async Task<IReadOnlyList<ExternalDataFile>> FetchExternalDataAsync(ModelHandle handle, FetchedArtifact model, IReadOnlyList<ExternalDataRequest> files,
        FetchContext context, CancellationToken cancellationToken = default)
    {
        var local = (LocalModelHandle)handle;
        var folder = Path.GetDirectoryName(local.FullPath)!;
        var result = new List<ExternalDataFile>();
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.Location.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(path))
                throw ExternalDataErrors.NotFound(handle, file.Location, $"{path} does not exist");
            string actual;
            try
            {
                actual = await Sha256Hex.HashFileAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ModelRefsException(RestoreDiagnostics.LocalFileNotFound,
                    $"Model '{handle.Text}': its external data file {path} cannot be read ({e.Message}). Check its permissions.", e);
            }
            if (file.Sha256 is not null && file.Sha256 != actual)
                throw ExternalDataErrors.HashMismatch(handle, file.Location, path, actual, file.Sha256);
            result.Add(new ExternalDataFile(file.Location, path, actual, new FileInfo(path).Length));
        }
        return result;
    }
}
