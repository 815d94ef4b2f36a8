using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.TorchHub;

public sealed partial class TorchHubModelSource : IVersionedSource
{
    /// <summary>
    /// The commit the handle's ref (a branch or tag; none: the default branch) points at now,
    /// against the locked one: newer when the ref has moved. A commit as the ref, or a
    /// HubDirectory folder, has nothing to compare.
    /// </summary>
    public async Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        var hub = (TorchHubModelHandle)handle;
        if (context.GetMetadata("HubDirectory") is not null)
            return ModelVersions.Unversioned("a local hub folder (HubDirectory) has no versions");
        if (hub.Ref is { } written && GitHubRepoClient.IsCommitSha(written.ToLowerInvariant()))
            return ModelVersions.Unversioned("the ref is a commit, which never moves; write a newer tag or commit to move it");
        var locked = LockedCommit(hub, context.PinnedResolved);
        var client = new GitHubRepoClient(GitHubEndpoints.FromEnvironment(context.Settings.Get(TorchHubSettings.GitHubUrl), context.Settings.Get(TorchHubSettings.GitHubApiUrl)));
        var now = await client.ResolveAsync(hub, context, lockedCommit: null, cancellationToken).ConfigureAwait(false);
        return new ModelVersions(locked, now.Commit, locked is not null && locked != now.Commit ? [now.Commit] : []);
    }

    /// <summary>The entrypoint at another ref (a tag, branch or commit).</summary>
    public ModelHandle WithVersion(ModelHandle handle, string version)
    {
        var hub = (TorchHubModelHandle)handle;
        var text = $"torchhub:{hub.Owner}/{hub.Repo}:{version}/{hub.Entry}";
        return TorchHubModelHandle.Create(text, text["torchhub:".Length..]);
    }
}
