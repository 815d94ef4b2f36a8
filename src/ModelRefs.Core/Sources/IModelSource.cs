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
/// <param name="Resolved">The immutable resolution: final URL, <c>tarball URL#path</c>, or the local path.</param>
/// <param name="License">The licence the source declares (an SPDX expression), if any.</param>
/// <param name="LicenseSource">Where <paramref name="License"/> was read.</param>
public sealed record FetchedArtifact(string Path, string Sha256, string Resolved, string? License = null, string? LicenseSource = null);
