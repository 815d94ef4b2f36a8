using ModelRefs.Core.Restore;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>
/// A folder of the restore that is not one (a file where the cache, obj/ or a lock is): MR0080,
/// naming the model and the folder, never MR0999 or an exception out of the restore.
/// </summary>
public sealed class FileAccessRestoreTests
{
    private const string Include = "npm:@test/models@1.0.0/m/model.onnx";

    [Fact(Timeout = 60_000)]
    public async Task ACacheRootThatIsAFile_IsOneProblem_ThatSaysSo()
    {
        using var f = new RestoreFixture();
        using var registry = Registry(f);
        Directory.CreateDirectory(Path.GetDirectoryName(f.CacheRoot)!);
        File.WriteAllText(f.CacheRoot, "not a folder");

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item(Include));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0080", problem.Diagnostic.Id);
        Assert.Contains($"The model cache {f.CacheRoot} is a file, not a folder", problem.Message);
        Assert.Contains("ModelRefsHome", problem.Message);
        Assert.Empty(registry.Requests);
        Assert.False(File.Exists(f.LockPath));
    }

    [Fact(Timeout = 60_000)]
    public async Task ACacheRootThatIsAFile_DoesNotConcernAProjectOfLocalFilesOnly()
    {
        using var f = new RestoreFixture();
        Directory.CreateDirectory(Path.GetDirectoryName(f.CacheRoot)!);
        File.WriteAllText(f.CacheRoot, "not a folder");
        f.WriteModel("m.onnx", "a");

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("m.onnx"));

        Assert.Empty(result.Problems);
        Assert.Single(result.Models);
    }

    [Fact(Timeout = 60_000)]
    public async Task ACacheFolderThatCannotBeWritten_FailsTheModel_WithTheFolderNamed()
    {
        using var f = new RestoreFixture();
        using var registry = Registry(f);
        // The cache's lock folder is a file: nothing can be locked, so nothing fetched.
        Directory.CreateDirectory(f.CacheRoot);
        File.WriteAllText(Path.Combine(f.CacheRoot, "locks"), "not a folder");

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item(Include));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0080", problem.Diagnostic.Id);
        Assert.Equal(Include, problem.Item?.Include);
        Assert.StartsWith($"Model '{Include}' could not be restored: a file or folder could not be written or read: ", problem.Message);
        Assert.Contains(Path.Combine(f.CacheRoot, "locks"), problem.Message);
        Assert.Contains($"The restore writes the model cache {f.CacheRoot}", problem.Message);
        Assert.False(File.Exists(f.LockPath));
    }

    [Fact(Timeout = 60_000)]
    public async Task AnObjFolderThatCannotBeWritten_FailsTheModel_AndWritesNoLock()
    {
        using var f = new RestoreFixture();
        using var registry = Registry(f);
        var request = f.Request(npmRegistry: registry.Url);
        // The folder of the manifests, under obj/, is a file.
        Directory.CreateDirectory(Path.GetDirectoryName(request.IntermediatePath)!);
        File.WriteAllText(request.IntermediatePath, "not a folder");

        var result = await f.RestoreAsync(request, RestoreFixture.Item(Include));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0080", problem.Diagnostic.Id);
        Assert.Equal(Include, problem.Item?.Include);
        Assert.Contains(request.IntermediatePath, problem.Message);
        Assert.Empty(result.Models);
        Assert.False(File.Exists(f.LockPath));
        // The model itself was fetched and verified into the cache: the next build takes it from there.
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(f.CacheRoot, "blobs", "sha256"), "*", SearchOption.AllDirectories));
    }

    [Fact(Timeout = 60_000)]
    public async Task ALockPathThatIsAFolder_IsAProblemOfTheProject_AndTheNextBuildRestoresAgain()
    {
        using var f = new RestoreFixture();
        using var registry = Registry(f);
        Directory.CreateDirectory(f.LockPath);
        var request = f.Request(npmRegistry: registry.Url);

        var result = await f.RestoreAsync(request, RestoreFixture.Item(Include));

        // (Beside the warning MR0017 for the model's licence.)
        var problem = Assert.Single(result.Problems, p => p.IsError);
        Assert.Equal("MR0080", problem.Diagnostic.Id);
        Assert.Null(problem.Item);
        Assert.StartsWith("ModelRefs could not finish the restore: a file could not be written or read: ", problem.Message);
        Assert.Contains(f.LockPath, problem.Message);
        // No no-op record: the next build does not take this one as up to date.
        Assert.Empty(Directory.GetFiles(request.IntermediatePath, "*noop*"));
    }

    private static LoopbackNpmRegistry Registry(RestoreFixture f)
    {
        var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/models", "1.0.0", "MIT", ("m/model.onnx", RestoreFixture.Model("v1"))));
        return registry;
    }
}
