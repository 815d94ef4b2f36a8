namespace ModelRefs.Core.Sources.HuggingFace;

public sealed partial class HuggingFaceModelHandle
{
    /// <summary>The locked commit (else the revision as written); purl-spec's huggingface type once a commit is pinned.</summary>
    public override ModelProvenance Provenance(string? resolved)
    {
        var commit = RevisionIsCommit ? Revision : CommitFromResolved(resolved);
        var purl = commit is null ? null : $"pkg:huggingface/{Owner}/{Repo}@{commit}";
        return new ModelProvenance(commit ?? Revision, purl, null);
    }

    public override string? MovablePin(IReadOnlyDictionary<string, string> metadata) =>
        RevisionIsCommit ? null : $"the revision '{Revision}' is a branch or tag, which can move. Write the commit it stands for (@<40-hex commit>) to pin the file in the project.";
}
