namespace ModelRefs.Core.Sources;

/// <summary>What a source knows of a model's other versions (for <c>modelref outdated</c> and <c>update</c>).</summary>
/// <param name="Current">The version the project uses (the lock's, else the handle's); null when the source has no versions.</param>
/// <param name="Latest">The version the source calls latest; null when it has none.</param>
/// <param name="Newer">Versions newer than <paramref name="Current"/>, oldest first.</param>
/// <param name="Note">Why there is nothing to compare (no versions, not supported), in words for people.</param>
public sealed record ModelVersions(string? Current, string? Latest, IReadOnlyList<string> Newer, string? Note = null)
{
    public bool IsOutdated => Newer.Count > 0;

    /// <summary>
    /// True when <see cref="Current"/> and <see cref="Latest"/> are what the handle's own moving ref
    /// (a branch, a tag, "latest") resolved to when locked and resolves to now: updating re-resolves
    /// the lock entry and keeps the Include. False: <see cref="Newer"/> are other versions to write in it.
    /// </summary>
    public bool IsMovedRef { get; init; }

    /// <summary>A source or handle that has no notion of versions.</summary>
    public static ModelVersions Unversioned(string note) => new(null, null, [], note);
}

/// <summary>
/// A source whose models have versions: it lists them, and writes a handle at another version.
/// Sources without it are reported as not supported by this version of <c>modelref outdated</c>.
/// </summary>
public interface IVersionedSource
{
    /// <summary>The versions the source has for the handle; <paramref name="context"/> carries the lock's resolution and the settings. Throws <see cref="Diagnostics.ModelRefsException"/> when the source cannot answer.</summary>
    Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// The handle at <paramref name="version"/>; the handle itself when it names no version (a
    /// moving ref such as a branch, or "latest"), so that only its lock entry is re-resolved.
    /// Throws <see cref="Diagnostics.ModelRefsException"/> (MR0001) for a version the source cannot take.
    /// </summary>
    ModelHandle WithVersion(ModelHandle handle, string version);
}
