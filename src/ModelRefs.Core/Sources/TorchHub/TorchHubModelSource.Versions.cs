using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.TorchHub;

public sealed partial class TorchHubModelSource : IVersionedSource
{
    /// <summary>
    /// A ref that is a version tag (<c>v0.14.1</c>, <c>1.2</c>): the repo's tags that are newer
    /// versions (prereleases only when the ref is one), like npm's versions. Any other ref (a
    /// branch; none: the default branch): the commit it points at now against the locked one,
    /// newer when the ref has moved. A commit as the ref, or a HubDirectory folder, has nothing to compare.
    /// </summary>
    public async Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        var hub = (TorchHubModelHandle)handle;
        if (context.GetMetadata("HubDirectory") is not null)
            return ModelVersions.Unversioned("a local hub folder (HubDirectory) has no versions");
        if (hub.Ref is { } written && GitHubRepoClient.IsCommitSha(written.ToLowerInvariant()))
            return ModelVersions.Unversioned("the ref is a commit, which never moves; write a newer tag or commit to move it");
        var client = new GitHubRepoClient(GitHubEndpoints.FromEnvironment(context.Settings.Get(TorchHubSettings.GitHubUrl), context.Settings.Get(TorchHubSettings.GitHubApiUrl)));
        if (hub.Ref is { } tag && SemanticVersion.Parse(tag, allowShort: true) is { } current)
        {
            var versions = (await client.ListTagsAsync(hub, context, cancellationToken).ConfigureAwait(false))
                .Select(t => SemanticVersion.Parse(t, allowShort: true))
                .OfType<SemanticVersion>()
                .Where(v => !v.IsPrerelease || current.IsPrerelease)
                .Order()
                .ToList();
            var latest = versions.Count > 0 && versions[^1].CompareTo(current) > 0 ? versions[^1].Text : tag;
            return new ModelVersions(tag, latest, [.. versions.Where(v => v.CompareTo(current) > 0).Select(v => v.Text)]);
        }
        var locked = LockedCommit(hub, context.PinnedResolved);
        var now = await client.ResolveAsync(hub, context, lockedCommit: null, cancellationToken).ConfigureAwait(false);
        return new ModelVersions(locked, now.Commit, locked is not null && locked != now.Commit ? [now.Commit] : []) { IsMovedRef = true };
    }

    /// <summary>The entrypoint at another ref (a tag, branch or commit).</summary>
    public ModelHandle WithVersion(ModelHandle handle, string version)
    {
        var hub = (TorchHubModelHandle)handle;
        var text = $"torchhub:{hub.Owner}/{hub.Repo}:{version}/{hub.Entry}";
        return TorchHubModelHandle.Create(text, text["torchhub:".Length..]);
    }
}
