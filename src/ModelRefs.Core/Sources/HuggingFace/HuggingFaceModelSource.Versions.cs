namespace ModelRefs.Core.Sources.HuggingFace;

public sealed partial class HuggingFaceModelSource : IVersionedSource
{
    /// <summary>
    /// The commit the handle's revision (a branch or tag; default <c>main</c>) names now, from the
    /// model info API, against the locked one: newer when the revision has moved. A commit as the
    /// revision has nothing to compare.
    /// </summary>
    public async Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        var hf = (HuggingFaceModelHandle)handle;
        if (hf.RevisionIsCommit)
            return ModelVersions.Unversioned("the revision is a commit, which never moves; write a newer commit or a branch to move it");
        var endpoint = HuggingFaceSettings.ResolveEndpoint(context.Settings);
        context = context.WithCredentials(context.Credentials.WithHuggingFaceEndpoint(endpoint));
        var locked = hf.CommitFromResolved(context.PinnedResolved);
        var info = await GetRepoInfoAsync(hf, context, endpoint, hf.Revision, cancellationToken).ConfigureAwait(false);
        return new ModelVersions(locked, info.Commit, locked is not null && locked != info.Commit ? [info.Commit] : []) { IsMovedRef = true };
    }

    /// <summary>The same file at another revision (a branch, tag or commit).</summary>
    public ModelHandle WithVersion(ModelHandle handle, string version)
    {
        var hf = (HuggingFaceModelHandle)handle;
        var text = $"hf:{hf.RepoId}@{version}/{hf.PathInRepo}";
        return HuggingFaceModelHandle.Create(text, text[3..]);
    }
}
