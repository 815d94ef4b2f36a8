using ModelRefs.Core.Handles;

namespace ModelRefs.Core.Sources;

/// <summary>Fetches the artifact a handle names, verified, into the cache (or in place for local files).</summary>
public interface IModelSource
{
    bool CanFetch(ModelHandle handle);

    /// <summary>
    /// Throws <see cref="Diagnostics.ModelRefsException"/> for every expected failure (missing file,
    /// download error, hash or integrity mismatch, offline and not cached).
    /// </summary>
    Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default);
}

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
