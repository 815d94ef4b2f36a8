namespace ModelRefs.Core.Sources.Oci;

public sealed partial class OciModelHandle
{
    /// <summary>
    /// The locked manifest digest (else the tag as written); purl-spec's oci type once a digest is
    /// pinned: <c>pkg:oci/&lt;name&gt;@sha256%3A…?repository_url=&lt;registry&gt;/&lt;repository&gt;</c>.
    /// </summary>
    public override ModelProvenance Provenance(string? resolved)
    {
        var digest = Digest ?? FromResolved(resolved)?.Digest;
        var name = Repository[(Repository.LastIndexOf('/') + 1)..].ToLowerInvariant();
        var purl = digest is null ? null
            : $"pkg:oci/{name}@{Uri.EscapeDataString(digest)}?repository_url={Uri.EscapeDataString(Registry + "/" + Repository)}" +
              (Tag is null ? "" : "&tag=" + Uri.EscapeDataString(Tag));
        return new ModelProvenance(digest ?? Tag, purl, null);
    }

    public override string? MovablePin(IReadOnlyDictionary<string, string> metadata) =>
        Digest is not null ? null : $"the tag '{Tag}' can be pushed again with other content. Write the manifest digest (@sha256:…) to pin it in the project.";
}
