using ModelRefs.TestSupport;
using System.Security.Cryptography;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Tests.Onnx;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.Https;

/// <summary>An https: model's external data: the files of the model URL's directory, cached, pinned and verified.</summary>
public class HttpsExternalDataTests
{
    private static LoopbackHttpServer Serve(ExternalDataModel model, out string url, Func<string, byte[], byte[]>? tamper = null)
    {
        var server = LoopbackHttpServer.Start();
        server.Map("/models/mm.onnx", _ => LoopbackResponse.Bytes(model.Model));
        foreach (var (location, content) in model.Files)
            server.Map("/models/" + location, _ => LoopbackResponse.Bytes(tamper?.Invoke(location, content) ?? content));
        url = server.Url + "models/mm.onnx";
        return server;
    }

    [Fact]
    public async Task TheFilesBesideTheUrl_AreCachedAndPinned_AndALockedCachedRestoreAsksNothing()
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd();
        using var server = Serve(model, out var url);
        var item = RestoreFixture.Item(url, ("Name", "MatMulAdd"));

        var result = await f.RestoreAsync(f.Request(), item);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var restored = Assert.Single(result.Models);
        var cache = new ModelCache(f.CacheRoot);
        Assert.Equal([cache.GetBlobPath(Sha(model.Files["weights.bin"])), cache.GetBlobPath(Sha(model.Files["bias.bin"]))], restored.ExternalData.Select(d => d.Path));
        Assert.Equal(["models/weights.bin", "models/bias.bin"], restored.ExternalData.Select(d => d.TargetPath));
        Assert.Equal(["bias.bin", "weights.bin"], LockFileFormat.Read(f.LockPath)!.Find(url)!.ExternalData.Keys);
        Assert.Equal(["GET /models/mm.onnx", "GET /models/weights.bin", "GET /models/bias.bin"], server.Requests.Select(r => r.ToString()));

        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        server.ClearRequests();
        var again = await f.RestoreAsync(f.Request(lockedMode: true), item);
        Assert.True(again.Succeeded, string.Join("\n", again.Problems));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task AFileTheServerChanged_IsMR0004_AgainstTheLock_AndNothingIsCached()
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd();
        var changedBias = ExternalDataModel.MatMulAdd(scale: 2).Files["bias.bin"];
        var serveChanged = false;
        using var server = Serve(model, out var url, (location, content) => serveChanged && location == "bias.bin" ? changedBias : content);
        Assert.True((await f.RestoreAsync(f.Request(), RestoreFixture.Item(url))).Succeeded);
        var pinned = LockFileFormat.Read(f.LockPath)!.Find(url)!.ExternalData["bias.bin"].Sha256;
        var locked = File.ReadAllText(f.LockPath);

        // A fresh machine, and the server now has another bias.bin at the same URL.
        Directory.Delete(f.CacheRoot, recursive: true);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        serveChanged = true;
        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item(url));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0004", problem.Diagnostic.Id);
        Assert.Contains("'bias.bin'", problem.Message);
        Assert.Contains("expected " + pinned, problem.Message);
        Assert.Contains("models.lock.json", problem.Message);
        Assert.Null(new ModelCache(f.CacheRoot).TryGetBlob(Sha(changedBias)));
        Assert.Equal(locked, File.ReadAllText(f.LockPath));
    }

    [Fact]
    public async Task AFileTheServerDoesNotHave_IsMR0050_NamingTheUrl()
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd(singleFile: "mm.onnx_data");
        using var server = LoopbackHttpServer.Start();
        server.Map("/models/mm.onnx", _ => LoopbackResponse.Bytes(model.Model));
        var url = server.Url + "models/mm.onnx";

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item(url));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0050", problem.Diagnostic.Id);
        Assert.Contains($"Model '{url}'", problem.Message);
        Assert.Contains("'mm.onnx_data'", problem.Message);
        Assert.Contains(server.Url + "models/mm.onnx_data", problem.Message);
    }

    [Fact]
    public async Task ADamagedCachedFile_IsFetchedAgain()
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd();
        using var server = Serve(model, out var url);
        Assert.True((await f.RestoreAsync(f.Request(), RestoreFixture.Item(url))).Succeeded);
        var blob = new ModelCache(f.CacheRoot).GetBlobPath(Sha(model.Files["weights.bin"]));
        CacheDamage.Write(blob, new byte[32]);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        server.ClearRequests();

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item(url));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal("MR0013", Assert.Single(result.Problems).Diagnostic.Id); // the warning
        Assert.Equal(["GET /models/weights.bin"], server.Requests.Select(r => r.ToString()));
        Assert.Equal(model.Files["weights.bin"], File.ReadAllBytes(blob));
    }

    private static string Sha(byte[] content) => Sha256Hex.ToHex(SHA256.HashData(content));
}
