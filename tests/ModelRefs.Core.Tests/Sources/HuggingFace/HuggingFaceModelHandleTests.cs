using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Https;
using ModelRefs.Core.Sources.HuggingFace;

namespace ModelRefs.Core.Tests.Sources.HuggingFace;

/// <summary>Every spelling of an hf: handle, and the malformed ones refused with MR0001.</summary>
public sealed class HuggingFaceModelHandleTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private static HuggingFaceModelHandle Parse(string include) =>
        Assert.IsType<HuggingFaceModelHandle>(ModelHandle.Parse(include, "/p"));

    [Theory]
    [InlineData("hf:onnx-community/silero-vad/onnx/model.onnx")]
    [InlineData("hf:onnx-community/silero-vad@main/onnx/model.onnx")]
    [InlineData("  hf:onnx-community/silero-vad/onnx/model.onnx  ")]
    [InlineData("HF:onnx-community/silero-vad/onnx/model.onnx")]
    [InlineData("https://huggingface.co/onnx-community/silero-vad/resolve/main/onnx/model.onnx")]
    [InlineData("https://huggingface.co/onnx-community/silero-vad/resolve/main/onnx/model.onnx?download=true")]
    [InlineData("https://huggingface.co/onnx-community/silero-vad/blob/main/onnx/model.onnx")]
    [InlineData("https://hf.co/onnx-community/silero-vad/resolve/main/onnx/model.onnx")]
    [InlineData("https://www.huggingface.co/onnx-community/silero-vad/resolve/main/onnx/model.onnx")]
    public void DefaultBranch_AllSpellings_AreOneHandle(string include)
    {
        var handle = Parse(include);
        Assert.Equal("hf:onnx-community/silero-vad/onnx/model.onnx", handle.Text);
        Assert.Equal(("onnx-community", "silero-vad", "main", "onnx/model.onnx"), (handle.Owner, handle.Repo, handle.Revision, handle.PathInRepo));
        Assert.Equal("model.onnx", handle.FileName);
        Assert.Equal("Model", handle.DefaultName);
        Assert.False(handle.RevisionIsCommit);
        Assert.Equal("hf", handle.Scheme);
    }

    [Theory]
    [InlineData("hf:owner/repo@v1.2/model.onnx", "v1.2", "hf:owner/repo@v1.2/model.onnx")]
    [InlineData("https://huggingface.co/owner/repo/resolve/v1.2/model.onnx", "v1.2", "hf:owner/repo@v1.2/model.onnx")]
    [InlineData("hf:owner/repo@" + Commit + "/model.onnx", Commit, "hf:owner/repo@" + Commit + "/model.onnx")]
    [InlineData("hf:owner/repo@0123456789ABCDEF0123456789ABCDEF01234567/model.onnx", Commit, "hf:owner/repo@" + Commit + "/model.onnx")]
    [InlineData("https://huggingface.co/owner/repo/blob/" + Commit + "/model.onnx", Commit, "hf:owner/repo@" + Commit + "/model.onnx")]
    [InlineData("hf:owner/repo@refs%2Fpr%2F1/model.onnx", "refs/pr/1", "hf:owner/repo@refs%2Fpr%2F1/model.onnx")]
    [InlineData("https://huggingface.co/owner/repo/resolve/refs%2Fpr%2F1/model.onnx", "refs/pr/1", "hf:owner/repo@refs%2Fpr%2F1/model.onnx")]
    public void Revisions_BranchTagCommitAndPullRequest(string include, string revision, string text)
    {
        var handle = Parse(include);
        Assert.Equal(revision, handle.Revision);
        Assert.Equal(text, handle.Text);
        Assert.Equal(revision == Commit, handle.RevisionIsCommit);
    }

    [Fact]
    public void DeepPaths_AndAnAtSignInThePath_AreKept()
    {
        var handle = Parse("hf:Xenova/all-MiniLM-L6-v2/onnx/sub/model_q4@2x.onnx");
        Assert.Equal(("Xenova", "all-MiniLM-L6-v2", "main", "onnx/sub/model_q4@2x.onnx"), (handle.Owner, handle.Repo, handle.Revision, handle.PathInRepo));
        Assert.Equal("Xenova/all-MiniLM-L6-v2", handle.RepoId);
        var encoded = Parse("https://huggingface.co/o/r/resolve/main/onnx/my%20model.onnx");
        Assert.Equal("onnx/my model.onnx", encoded.PathInRepo);
    }

    [Fact]
    public void AtCommit_IsTheLockedForm_AndReadsBack()
    {
        var handle = Parse("hf:owner/repo@dev/onnx/model.onnx");
        var resolved = handle.AtCommit(Commit);
        Assert.Equal($"hf:owner/repo@{Commit}/onnx/model.onnx", resolved);
        Assert.Equal(Commit, handle.CommitFromResolved(resolved));
        Assert.Null(handle.CommitFromResolved($"hf:owner/other@{Commit}/onnx/model.onnx")); // another repo
        Assert.Null(handle.CommitFromResolved($"hf:owner/repo@{Commit}/onnx/other.onnx")); // another file
        Assert.Null(handle.CommitFromResolved("hf:owner/repo@main/onnx/model.onnx")); // not a commit
        Assert.Null(handle.CommitFromResolved("https://example.com/model.onnx"));
        Assert.Null(handle.CommitFromResolved(null));
    }

    [Fact]
    public void OtherHosts_DatasetsAndSpaces_AreNotClaimed()
    {
        Assert.IsType<HttpsModelHandle>(ModelHandle.Parse("https://example.com/owner/repo/resolve/main/model.onnx", "/p"));
        Assert.IsType<HttpsModelHandle>(ModelHandle.Parse("https://huggingface.co/datasets/owner/data/resolve/main/model.onnx", "/p"));
        Assert.IsType<HttpsModelHandle>(ModelHandle.Parse("https://huggingface.co/spaces/owner/app/resolve/main/model.onnx", "/p"));
    }

    [Theory]
    [InlineData("hf:")]                                           // nothing
    [InlineData("hf:owner")]                                      // no repo
    [InlineData("hf:owner/repo")]                                 // no file
    [InlineData("hf:owner/repo/")]                                // empty path
    [InlineData("hf:owner/repo@main")]                            // revision, no file
    [InlineData("hf:owner/repo@/model.onnx")]                     // empty revision
    [InlineData("hf:owner/repo@a..b/model.onnx")]                 // '..' in the revision
    [InlineData("hf:owner/repo/../model.onnx")]                   // climbing out
    [InlineData("hf:owner/repo/onnx//model.onnx")]                // empty segment
    [InlineData("hf:owner/repo/./model.onnx")]
    [InlineData("hf:own er/repo/model.onnx")]                     // bad owner
    [InlineData("hf:owner/re--po/model.onnx")]                    // "--" in the name
    [InlineData("hf:owner/-repo/model.onnx")]                     // starts with '-'
    [InlineData("hf:owner/repo./model.onnx")]                     // ends with '.'
    [InlineData("hf:/repo/model.onnx")]
    [InlineData("https://huggingface.co/owner/repo")]             // a model page
    [InlineData("https://huggingface.co/owner/repo/tree/main/onnx")] // a folder
    [InlineData("https://huggingface.co/owner/repo/resolve/main")] // no file
    public void MalformedHandles_AreRefused_WithTheForm(string include)
    {
        var e = Assert.Throws<ModelRefsException>(() => ModelHandle.Parse(include, "/p"));
        Assert.Equal(RestoreDiagnostics.InvalidHandle, e.Diagnostic);
        Assert.Contains(include.Trim(), e.Message);
        Assert.Contains("hf:", e.Message);
    }
}
