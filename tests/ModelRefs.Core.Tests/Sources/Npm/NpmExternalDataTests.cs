using System.Security.Cryptography;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Tests.Onnx;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.Npm;

/// <summary>An npm: model's external data: files of the same package version, beside the model in it.</summary>
public class NpmExternalDataTests
{
    private const string Handle = "npm:@test/big-model@1.0.0/dist/mm.onnx";

    private static (string Path, byte[] Content)[] PackageFiles(ExternalDataModel model, params string[] leaveOut) =>
        [("dist/mm.onnx", model.Model), .. model.Files.Where(f => !leaveOut.Contains(f.Key)).Select(f => ("dist/" + f.Key, f.Value))];

    [Fact]
    public async Task TheFilesOfThePackage_AreExtractedPinnedAndCached_AndAnOfflineRestoreNeedsNoRegistry()
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd(weights: "weights/w.bin", bias: "weights/b.bin");
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/big-model", "1.0.0", "MIT", PackageFiles(model)));
        var item = RestoreFixture.Item(Handle, ("Name", "MatMulAdd"));

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var restored = Assert.Single(result.Models);
        Assert.Equal(["models/weights/w.bin", "models/weights/b.bin"], restored.ExternalData.Select(d => d.TargetPath));
        Assert.Equal(model.Files["weights/w.bin"], File.ReadAllBytes(restored.ExternalData[0].Path));
        var entry = LockFileFormat.Read(f.LockPath)!.Find(Handle)!;
        Assert.Equal(new LockedFile(Sha(model.Files["weights/b.bin"]), 8), entry.ExternalData["weights/b.bin"]);

        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        registry.ClearRequests();
        var offline = await f.RestoreAsync(f.Request(offline: true, npmRegistry: registry.Url), item);
        Assert.True(offline.Succeeded, string.Join("\n", offline.Problems));
        Assert.Equal(0, registry.RequestCount);
    }

    [Fact]
    public async Task AFileThePackageDoesNotHave_IsMR0050_NamingModelAndFile()
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/big-model", "1.0.0", "MIT", PackageFiles(model, leaveOut: "bias.bin")));

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item(Handle));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0050", problem.Diagnostic.Id);
        Assert.Contains($"Model '{Handle}'", problem.Message);
        Assert.Contains("'bias.bin'", problem.Message);
        Assert.Contains("@test/big-model@1.0.0 has no file 'dist/bias.bin'", problem.Message);
    }

    [Fact]
    public async Task ARepublishedPackageWithOtherWeights_IsMR0004_AgainstTheLock()
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd();
        var item = RestoreFixture.Item(Handle);
        using (var registry = LoopbackNpmRegistry.Start())
        {
            registry.AddTarball(f.WriteTarball("@test/big-model", "1.0.0", "MIT", PackageFiles(model)));
            Assert.True((await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item)).Succeeded);
        }
        Directory.Delete(f.CacheRoot, recursive: true);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        var other = ExternalDataModel.MatMulAdd(scale: 2);
        using var moved = LoopbackNpmRegistry.Start();
        moved.AddTarball(f.WriteTarball("@test/big-model", "1.0.0", "MIT", [("dist/mm.onnx", model.Model), ("dist/weights.bin", other.Files["weights.bin"]), ("dist/bias.bin", model.Files["bias.bin"])]));

        var result = await f.RestoreAsync(f.Request(npmRegistry: moved.Url), item);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0004", problem.Diagnostic.Id);
        Assert.Contains("'weights.bin'", problem.Message);
        Assert.Null(new ModelCache(f.CacheRoot).TryGetBlob(Sha(other.Files["weights.bin"])));
    }

    private static string Sha(byte[] content) => Sha256Hex.ToHex(SHA256.HashData(content));
}
