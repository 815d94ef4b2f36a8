using ModelRefs.Core.Configuration;
namespace ModelRefs.Core.Sources;

/// <summary>
/// One kind of model origin (a hub, a registry, a plain URL, a local file), and everything that
/// is particular to it: how its handles are written and parsed, which settings it reads, and how
/// it fetches. Each lives in its own folder under <c>Sources/</c> and is registered once in
/// <see cref="ModelSources.Default"/>; nothing outside its folder spells its scheme.
/// </summary>
public interface IModelSource
{
    /// <summary>The scheme of the handles it parses (<c>npm</c>, <c>tfhub</c>; <c>local</c> for paths), used in messages and as <see cref="ModelHandle.Scheme"/>.</summary>
    string Scheme { get; }

    /// <summary>How its handles are written, for the message that lists the supported forms.</summary>
    string HandleForms { get; }

    /// <summary>The MSBuild properties it reads (see <see cref="Setting"/>).</summary>
    IReadOnlyList<Setting> Settings { get; }

    /// <summary>
    /// The handle when <paramref name="include"/> is one of this source's (by its scheme, or a URL
    /// this source claims, such as a tfhub.dev URL), else null. Throws
    /// <see cref="Diagnostics.ModelRefsException"/> (MR0001) when it is this source's but malformed.
    /// </summary>
    ModelHandle? TryParse(HandleText include);

    /// <summary>
    /// Throws <see cref="Diagnostics.ModelRefsException"/> for every expected failure (missing file,
    /// download error, hash or integrity mismatch, offline and not cached).
    /// </summary>
    Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// The external data files of an ONNX model this source fetched (weights kept outside the .onnx
    /// file, named by the tensors' <c>external_data</c> locations), each taken from beside the model's
    /// file at the same resolution (the same folder, URL directory, package version or commit),
    /// verified against its pinned SHA-256 when there is one, and kept in the cache. Asked once per
    /// model with every file restore does not already have, so a source can read its package or
    /// listing once. A file that is not there fails with MR0050 (<see cref="ExternalDataErrors.NotFound"/>),
    /// other content than pinned with MR0004. Sources that cannot fetch files beside a model (the
    /// converting ones make single-file ONNX) keep this default: MR0051.
    /// </summary>
    /// <param name="model">What <see cref="FetchAsync"/> returned for <paramref name="handle"/> (or the lock recalled): its resolution says where the siblings are.</param>
    Task<IReadOnlyList<ExternalDataFile>> FetchExternalDataAsync(ModelHandle handle, FetchedArtifact model, IReadOnlyList<ExternalDataRequest> files,
        FetchContext context, CancellationToken cancellationToken = default) =>
        throw ExternalDataErrors.NotSupported(handle, files.Select(f => f.Location), $"the {Scheme}: source cannot restore files beside a model");

    /// <summary>
    /// False when the lock's entry for <paramref name="handle"/> was written for something else the
    /// item now selects by metadata (an <c>oci:</c> artifact's <c>File</c>): restore then treats the
    /// model as not locked yet, as for a changed handle. <paramref name="resolved"/> is the entry's <c>resolved</c>.
    /// </summary>
    bool LockEntryApplies(ModelHandle handle, string resolved, IReadOnlyDictionary<string, string> metadata) => true;

    /// <summary>
    /// Inputs besides the settings that change what this source fetches for a project (npm: the
    /// registry its .npmrc files name), for the no-op restore's hash; null when there are none.
    /// </summary>
    string? DescribeProjectInputs(SettingValues settings) => null;

    /// <summary>
    /// The files <see cref="DescribeProjectInputs"/> reads (npm: every .npmrc it would look at,
    /// whether it exists or not), so that the no-op restore's quick check can tell by their size
    /// and timestamp that the inputs may have changed (<see cref="Restore.NoOpState.Probes"/>).
    /// </summary>
    IEnumerable<string> ProjectInputFiles(SettingValues settings) => [];

    /// <summary>Pickled weight files (PyTorch <c>.pth</c>/<c>.pt</c>) this source keeps in the cache and runs code on, for <c>modelref audit</c>.</summary>
    IEnumerable<string> PickledWeightFiles(Caching.ModelCache cache) => [];
}

/// <summary>An Include split at its scheme, as the registry hands it to each source.</summary>
/// <param name="Text">The whole Include, trimmed.</param>
/// <param name="Scheme">The scheme, lower-case, without ':'; null when there is none (a path).</param>
/// <param name="Rest">What follows <c>scheme:</c>; the whole text when there is no scheme.</param>
/// <param name="ProjectDirectory">The project folder, for relative paths.</param>
public sealed record HandleText(string Text, string? Scheme, string Rest, string ProjectDirectory);

/// <summary>A fetched, verified artifact.</summary>
/// <param name="Path">The verified file: a blob in the cache, or the local file itself.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="Resolved">The immutable resolution: final URL, <c>tarball URL#path</c>, a commit, or the local path. Recorded in the lock.</param>
/// <param name="License">The licence as the source declares it (ideally an SPDX expression; restore normalises it), if any.</param>
/// <param name="LicenseSource">Where <paramref name="License"/> was read, in a short word: <c>npm</c>, <c>hub</c>, <c>LICENSE file</c>, <c>model card</c>.</param>
public sealed record FetchedArtifact(string Path, string Sha256, string Resolved, string? License = null, string? LicenseSource = null)
{
    /// <summary>The ONNX file that runs, when a converter made it from <see cref="Path"/>; null: the artifact is ONNX.</summary>
    public string? OnnxPath { get; init; }

    /// <summary>SHA-256 of <see cref="OnnxPath"/>.</summary>
    public string? OnnxSha256 { get; init; }

    /// <summary>Converter identity and version when one ran (recorded in the lock).</summary>
    public string? Converter { get; init; }

    /// <summary>
    /// The text of a licence file the source found (a repo's LICENSE, npm's <c>SEE LICENSE IN</c> file).
    /// Restore recognises it by content when <see cref="License"/> is missing or only points at it.
    /// </summary>
    public string? LicenseText { get; init; }

    /// <summary>Attribution or copyright text the source gives (a package author, a LICENSE file's copyright lines).</summary>
    public string? Attribution { get; init; }

    /// <summary>Help text for the generated class (a hub entry's docstring) when the ONNX file has none.</summary>
    public string? Description { get; init; }
}
