using System.Net;
using System.Text.Json;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Oci;

public sealed partial class OciModelSource : IVersionedSource
{
    private const int MaxTagPages = 100;
    private const int MaxTagListBytes = 4 << 20;

    /// <summary>Tags per <c>tags/list</c> page (<c>?n=</c>); tests make it small to see the pagination.</summary>
    internal int TagPageSize { get; init; } = 1000;

    /// <summary>
    /// The repository's tags (<c>/v2/&lt;name&gt;/tags/list</c>, every page its <c>Link</c> header names).
    /// A version-like tag (<c>1.2</c>, <c>v2.0.1</c>, <c>5</c>, with an optional <c>-suffix</c> prerelease)
    /// is compared with the others by semver precedence (<see cref="SemanticVersion"/>): the newer ones (prereleases only when the current tag is
    /// one) are listed. Any other tag (<c>latest</c>, <c>main</c>) is newer when it now names another
    /// manifest than the lock pins; a version tag that was pushed again says so in the note.
    /// </summary>
    public async Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var oci = handle as OciModelHandle ?? throw new ArgumentException("not an oci: handle", nameof(handle));
        if (oci.Tag is null || oci.Digest is not null)
            return ModelVersions.Unversioned("the handle names a manifest digest, which never changes; write a tag to compare with newer ones");
        var client = Client(oci, context);
        var locked = oci.FromResolved(context.PinnedResolved)?.Digest;
        var (_, _, now) = await client.GetManifestAsync(oci.Tag, cancellationToken).ConfigureAwait(false);
        var moved = locked is not null && locked != now;
        if (SemanticVersion.Parse(oci.Tag, allowShort: true) is not { } current)
            return moved
                ? new ModelVersions(locked, now, [now], $"the tag '{oci.Tag}' now names another manifest than the lock pins") { IsMovedRef = true }
                : new ModelVersions(locked ?? now, now, [], $"'{oci.Tag}' is not a version; it names the locked manifest") { IsMovedRef = true };

        var tags = await ListTagsAsync(oci, client, cancellationToken).ConfigureAwait(false);
        var newer = tags.Select(t => (Tag: t, Version: SemanticVersion.Parse(t, allowShort: true)))
            .Where(t => t.Version is { } v && (current.IsPrerelease || !v.IsPrerelease) && v.CompareTo(current) > 0)
            .OrderBy(t => t.Version).ThenBy(t => t.Tag, StringComparer.Ordinal)
            .Select(t => t.Tag).ToList();
        return new ModelVersions(oci.Tag, newer.Count > 0 ? newer[^1] : oci.Tag, newer,
            moved ? $"the tag '{oci.Tag}' was pushed again: it now names {now}, the lock pins {locked}" : null);
    }

    public ModelHandle WithVersion(ModelHandle handle, string version)
    {
        var oci = handle as OciModelHandle ?? throw new ArgumentException("not an oci: handle", nameof(handle));
        var text = $"oci:{oci.Registry}/{oci.Repository}:{version}";
        return OciModelHandle.Create(text, text[4..]);
    }

    private async Task<List<string>> ListTagsAsync(OciModelHandle oci, OciRegistryClient client, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        var url = client.RepositoryUrl($"tags/list?n={TagPageSize}");
        for (var page = 0; url is not null && page < MaxTagPages; page++)
        {
            var next = url;
            using var response = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, next), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new ModelRefsException(RestoreDiagnostics.OciNotFound, $"Model '{oci.Text}': the registry {oci.Registry} has no repository {oci.Repository} (HTTP 404 on its tag list).");
            if (!response.IsSuccessStatusCode)
                throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer, $"Model '{oci.Text}': the registry {oci.Registry} answered its tag list with HTTP {(int)response.StatusCode}.");
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (bytes.Length > MaxTagListBytes)
                throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer, $"Model '{oci.Text}': a page of the tag list of {oci.Repository} is over {MaxTagListBytes >> 20} MB.");
            try
            {
                using var json = JsonDocument.Parse(bytes);
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                    throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer,
                        $"Model '{oci.Text}': the tag list of {oci.Repository} is a JSON {json.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object with \"tags\".");
                if (json.RootElement.TryGetProperty("tags", out var list) && list.ValueKind == JsonValueKind.Array)
                    tags.AddRange(list.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!));
            }
            catch (JsonException e)
            {
                throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer, $"Model '{oci.Text}': the tag list of {oci.Repository} is not JSON ({e.Message}).", e);
            }
            url = NextPage(client, response) is { } following ? following
                : response.Headers.Contains("Link") && HasNext(response) ? throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer,
                    $"Model '{oci.Text}': the registry {oci.Registry} names the next page of the tag list of {oci.Repository} with a Link that is not a URL.")
                : null;
        }
        return tags;
    }

    private static bool HasNext(HttpResponseMessage response) =>
        response.Headers.GetValues("Link").Any(l => l.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase));

    /// <summary>The <c>Link: &lt;…&gt;; rel="next"</c> of a tag list page, as the distribution spec paginates.</summary>
    private static Uri? NextPage(OciRegistryClient client, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
            return null;
        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var open = link.IndexOf('<');
            var close = link.IndexOf('>');
            if (open < 0 || close < open || !link[close..].Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
                continue;
            var target = link[(open + 1)..close];
            // Absolute, or relative to the registry (as the distribution spec's examples are); null when it is neither.
            return Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal) ? absolute
                : Uri.TryCreate(client.BaseUrl, target, out var relative) ? relative : null;
        }
        return null;
    }
}
