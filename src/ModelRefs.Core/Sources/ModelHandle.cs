using ModelRefs.Core.Diagnostics;
using ModelRefs.Shared.Naming;

namespace ModelRefs.Core.Sources;

/// <summary>
/// A parsed <c>ModelReference</c> Include. Each source (<see cref="IModelSource"/>) has its own sealed handle type beside it.
/// </summary>
public abstract class ModelHandle : IEquatable<ModelHandle>
{
    private protected ModelHandle(string text, string fileName)
    {
        Text = text;
        FileName = fileName;
        DefaultName = ModelTypeNames.FromFileName(Path.GetFileNameWithoutExtension(fileName));
    }

    /// <summary>The normalised handle, as written to the lock file and in messages.</summary>
    public string Text { get; }

    /// <summary>The artifact's file name (last segment of the path or URL).</summary>
    public string FileName { get; }

    /// <summary>PascalCase of <see cref="FileName"/> without extension; always a valid C# identifier.</summary>
    public string DefaultName { get; }

    /// <summary>Scheme name used in messages and cache keys: <c>local</c>, <c>https</c>, <c>npm</c>.</summary>
    public abstract string Scheme { get; }

    /// <summary>
    /// What is fetched, when it holds more than <see cref="Text"/> may show (an https: URL's query
    /// values): compared, never written. Two items with one <see cref="Text"/> but different
    /// addresses would share a lock entry while fetching different files.
    /// </summary>
    internal virtual string Address => Text;

    /// <summary>
    /// What this handle's fetch may share with other handles' (one npm package version's tarball,
    /// one Hugging Face repository revision, one torch.hub repository archive); the handle itself
    /// by default. Restore starts one item of each group before a second of any, so that items
    /// waiting for a fetch another item makes do not keep independent ones from starting.
    /// </summary>
    public virtual string FetchGroup => Address;

    /// <summary>
    /// True for a file of the project's own (a local path): its content is whatever the file holds,
    /// so a change is a change of the lock, and nothing about it is remembered in the cache. Remote
    /// handles are pinned by the lock.
    /// </summary>
    public virtual bool IsLocalFile => false;

    /// <summary>The file itself for a local handle (<see cref="IsLocalFile"/>), else null.</summary>
    public virtual string? LocalFilePath => null;

    /// <summary>
    /// Why the handle names content that can change while the handle stays the same (a branch, a
    /// tag, "latest", a URL without <c>Sha256</c>), in words; null when it names immutable content.
    /// The lock still pins what was fetched; this is for <c>modelref audit</c>.
    /// </summary>
    /// <param name="metadata">The item's metadata (a <c>Sha256</c> pins a URL).</param>
    public virtual string? MovablePin(IReadOnlyDictionary<string, string> metadata) => null;

    /// <summary>
    /// True when the source is a package that redistributes a model made by others (an npm
    /// package): the licence it declares may be the package's rather than the model's.
    /// </summary>
    public virtual bool IsRedistributed => false;

    /// <summary>
    /// The package that carries the model, in words (<c>the npm package @scope/name@1.2.3</c>), for a
    /// source that <see cref="IsRedistributed"/>; null otherwise.
    /// </summary>
    public virtual string? Redistributor => null;

    /// <summary>
    /// What a locked resolution says about the model's origin, for bills of materials and
    /// listings: its version or revision, a package URL (purl) where its source has a purl type,
    /// and the URL it was downloaded from. Each source answers for its own handles.
    /// </summary>
    /// <param name="resolved">The lock's <c>resolved</c> value; null when the model is not locked.</param>
    public virtual ModelProvenance Provenance(string? resolved) =>
        new(null, null, ModelProvenance.HttpUrlOrNull(resolved));

    /// <summary>Parses an Include with the <see cref="ModelSources.Default"/> sources. Throws <see cref="ModelRefsException"/> (MR0001) when it is not a valid handle.</summary>
    public static ModelHandle Parse(string include, string projectDirectory) => ModelSources.Default.Parse(include, projectDirectory);

    internal static ModelRefsException Invalid(string include, string what) =>
        new(RestoreDiagnostics.InvalidHandle, $"Model '{Downloads.WithoutQueryValues(include)}': {what}");

    public override string ToString() => Text;

    public bool Equals(ModelHandle? other) =>
        other is not null && other.GetType() == GetType() && string.Equals(other.Text, Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ModelHandle);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
}
