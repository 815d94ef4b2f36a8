using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Tests.Sources;

/// <summary>Work shared by a restore's items: started once, its failure under each item's own name, a local failure tried again.</summary>
public sealed class RestoreBatchTests
{
    private static readonly string Folder = Path.GetTempPath();

    // A path may hold "': ", which ends the model's name in a message: the owner is known, not parsed.
    private static readonly ModelHandle First = ModelHandle.Parse("npm:pkg@1.0.0/it': x.onnx", Folder);
    private static readonly ModelHandle Second = ModelHandle.Parse("npm:pkg@1.0.0/second.onnx", Folder);

    [Fact]
    public async Task TheWorkRunsOnce_AndItsFailureReachesEachItemUnderItsOwnName()
    {
        var batch = new RestoreBatch([]);
        var starts = 0;
        async Task<string> Fail(ModelHandle handle)
        {
            await Task.Yield();
            Interlocked.Increment(ref starts);
            throw new ModelRefsException(RestoreDiagnostics.NpmIntegrityMismatch, $"Model '{handle.Text}': the tarball does not match.");
        }

        var first = await Assert.ThrowsAsync<ModelRefsException>(() => batch.ShareForAsync("key", First, () => Fail(First)));
        var second = await Assert.ThrowsAsync<ModelRefsException>(() => batch.ShareForAsync("key", Second, () => Fail(Second)));

        Assert.Equal(1, starts);
        Assert.Equal($"Model '{First.Text}': the tarball does not match.", first.Message);
        Assert.Equal($"Model '{Second.Text}': the tarball does not match.", second.Message);
        Assert.Equal(RestoreDiagnostics.NpmIntegrityMismatch, second.Diagnostic);
    }

    [Fact]
    public async Task AMessageThatNamesNoModel_ReachesEveryItemAsItIs()
    {
        var batch = new RestoreBatch([]);
        Task<string> Fail() => Task.FromException<string>(new ModelRefsException(RestoreDiagnostics.DownloadFailed, "the registry is down."));

        await Assert.ThrowsAsync<ModelRefsException>(() => batch.ShareForAsync("key", First, Fail));
        var second = await Assert.ThrowsAsync<ModelRefsException>(() => batch.ShareForAsync("key", Second, Fail));

        Assert.Equal("the registry is down.", second.Message);
    }

    [Fact]
    public async Task ALocalFailure_IsTriedAgainByTheNextItem_AndASuccessIsShared()
    {
        var batch = new RestoreBatch([]);
        var starts = 0;
        Task<string> Work() => ++starts == 1 ? Task.FromException<string>(new IOException("disk busy")) : Task.FromResult("done");

        await Assert.ThrowsAsync<IOException>(() => batch.ShareForAsync("key", First, Work));
        Assert.Equal("done", await batch.ShareForAsync("key", Second, Work));
        Assert.Equal("done", await batch.ShareForAsync("key", First, Work));

        Assert.Equal(2, starts);
    }

    [Fact]
    public async Task AnotherFailure_IsEveryItems_WithoutStartingTheWorkAgain()
    {
        // A bug of ours or an answer not understood: N items must not make N requests for it.
        var batch = new RestoreBatch([]);
        var starts = 0;
        Task<string> Work() => ++starts == 1 ? Task.FromException<string>(new InvalidOperationException("bug")) : Task.FromResult("done");

        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.ShareForAsync("key", First, Work));
        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.ShareForAsync("key", Second, Work));

        Assert.Equal(1, starts);
    }

    [Fact]
    public async Task ALocalFailureOfWorkForEveryItem_IsTriedAgainByTheNextCaller()
    {
        // ShareAsync (the npm pass over a cached tarball): a file the cache could not write.
        var batch = new RestoreBatch([]);
        var starts = 0;
        Task<string> Work() => ++starts == 1 ? Task.FromException<string>(new UnauthorizedAccessException("read-only")) : Task.FromResult("done");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => batch.ShareAsync("key", Work));
        Assert.Equal("done", await batch.ShareAsync("key", Work));
        Assert.Equal("done", await batch.ShareAsync("key", Work));

        Assert.Equal(2, starts);
    }
}
