using System.Security.Cryptography;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Tests.Onnx;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>
/// ONNX external data through the whole restore, with local models (the sources' own tests are
/// beside them): locations, Embed, deploy paths and their clashes, the lock, locked mode, the no-op restore.
/// </summary>
public class ExternalDataRestoreTests
{
    private static string Sha(byte[] content) => Sha256Hex.ToHex(SHA256.HashData(content));

    [Fact]
    public async Task TwoFiles_AreDeployedBesideTheModel_PinnedInItsEntry_AndCoveredByTheNoOpRestore()
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd();
        model.WriteTo(Path.Combine(f.ProjectDirectory, "models"), "mm.onnx");
        var item = RestoreFixture.Item("models/mm.onnx", ("Name", "MatMulAdd"));

        var result = await f.RestoreAsync(f.Request(), item);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var restored = Assert.Single(result.Models);
        Assert.Equal("models/MatMulAdd.onnx", restored.TargetPath);
        Assert.Equal(["models/weights.bin", "models/bias.bin"], restored.ExternalData.Select(d => d.TargetPath));
        Assert.Equal(Path.Combine(f.ProjectDirectory, "models", "weights.bin"), restored.ExternalData[0].Path); // a local file is used where it is
        var entry = LockFileFormat.Read(f.LockPath)!.Find("models/mm.onnx")!;
        Assert.Equal(["bias.bin", "weights.bin"], entry.ExternalData.Keys);
        Assert.Equal(new LockedFile(Sha(model.Files["weights.bin"]), 32), entry.ExternalData["weights.bin"]);
        Assert.Equal(new LockedFile(Sha(model.Files["bias.bin"]), 8), entry.ExternalData["bias.bin"]);
        var text = File.ReadAllText(f.LockPath);
        Assert.True(text.IndexOf("\"converter\"", StringComparison.Ordinal) < text.IndexOf("\"externalData\"", StringComparison.Ordinal));

        var noOp = await f.RestoreAsync(f.Request(), item);
        Assert.True(noOp.WasNoOp);
        Assert.Equal(restored.ExternalData, Assert.Single(noOp.Models).ExternalData);

        // A changed external file is a changed input: the next restore is a full one, and the lock follows a local model.
        var bias = Path.Combine(f.ProjectDirectory, "models", "bias.bin");
        File.WriteAllBytes(bias, ExternalDataModel.MatMulAdd(scale: 2).Files["bias.bin"]);
        File.SetLastWriteTimeUtc(bias, DateTime.UtcNow.AddMinutes(1));
        var changed = await f.RestoreAsync(f.Request(), item);
        Assert.False(changed.WasNoOp);
        Assert.True(changed.LockFileWritten);
        Assert.Equal(Sha(ExternalDataModel.MatMulAdd(scale: 2).Files["bias.bin"]), LockFileFormat.Read(f.LockPath)!.Find("models/mm.onnx")!.ExternalData["bias.bin"].Sha256);
    }

    [Fact]
    public async Task OneFileForEveryTensor_AndFilesInASubfolder_KeepTheirNames()
    {
        using var f = new RestoreFixture();
        ExternalDataModel.MatMulAdd(singleFile: "model.onnx_data").WriteTo(f.ProjectDirectory, "single.onnx");
        ExternalDataModel.MatMulAdd(scale: 3, weights: "data/w.bin", bias: "data/b.bin").WriteTo(f.ProjectDirectory, "nested.onnx");

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("single.onnx"), RestoreFixture.Item("nested.onnx"));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(["models/model.onnx_data"], result.Models[0].ExternalData.Select(d => d.TargetPath));
        Assert.Equal(["models/data/w.bin", "models/data/b.bin"], result.Models[1].ExternalData.Select(d => d.TargetPath));
    }

    [Fact]
    public async Task AMissingFile_IsMR0050_NamingTheModelAndTheFile()
    {
        using var f = new RestoreFixture();
        ExternalDataModel.MatMulAdd().WriteTo(f.ProjectDirectory, "mm.onnx", leaveOut: "bias.bin");

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("mm.onnx"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0050", problem.Diagnostic.Id);
        Assert.Contains("Model 'mm.onnx'", problem.Message);
        Assert.Contains("'bias.bin'", problem.Message);
        Assert.Contains(Path.Combine(f.ProjectDirectory, "bias.bin"), problem.Message);
        Assert.False(File.Exists(f.LockPath));
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("data/../../outside.bin")]
    [InlineData("/etc/outside.bin")]
    [InlineData("C:outside.bin")]
    [InlineData("data\\w.bin")]
    public async Task AnUnsafeLocation_IsMR0007_NamingTheModelAndTheLocation(string location)
    {
        using var f = new RestoreFixture();
        var model = ExternalDataModel.MatMulAdd(weights: location);
        File.WriteAllBytes(Path.Combine(f.ProjectDirectory, "mm.onnx"), model.Model);

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("mm.onnx"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0007", problem.Diagnostic.Id);
        Assert.Contains("Model 'mm.onnx'", problem.Message);
        Assert.Contains($"'{location}'", problem.Message);
    }

    [Fact]
    public async Task EmbedTrue_IsMR0052_SayingWhyAndWhatToDo()
    {
        using var f = new RestoreFixture();
        ExternalDataModel.MatMulAdd().WriteTo(f.ProjectDirectory, "mm.onnx");

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("mm.onnx", ("Embed", "true")));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0052", problem.Diagnostic.Id);
        Assert.Contains("Model 'mm.onnx'", problem.Message);
        Assert.Contains("loaded from memory", problem.Message);
        Assert.Contains("Remove Embed=\"true\"", problem.Message);
    }

    [Fact]
    public async Task TwoModelsWithDifferentFilesOfOneName_AreMR0053_NamingBoth_WhileEqualFilesAreShared()
    {
        using var f = new RestoreFixture();
        ExternalDataModel.MatMulAdd().WriteTo(Path.Combine(f.ProjectDirectory, "a"), "model.onnx");
        ExternalDataModel.MatMulAdd(scale: 2).WriteTo(Path.Combine(f.ProjectDirectory, "b"), "model.onnx");
        ExternalDataModel.MatMulAdd().WriteTo(Path.Combine(f.ProjectDirectory, "c"), "model.onnx");

        var clash = await f.RestoreAsync(f.Request(), RestoreFixture.Item("a/model.onnx", ("Name", "A")), RestoreFixture.Item("b/model.onnx", ("Name", "B")));

        var problem = Assert.Single(clash.Problems);
        Assert.Equal("MR0053", problem.Diagnostic.Id);
        Assert.Contains("'b/model.onnx'", problem.Message);
        Assert.Contains("'a/model.onnx'", problem.Message);
        Assert.Contains("models/weights.bin", problem.Message);

        var shared = await f.RestoreAsync(f.Request(), RestoreFixture.Item("a/model.onnx", ("Name", "A")), RestoreFixture.Item("c/model.onnx", ("Name", "C")));
        Assert.True(shared.Succeeded, string.Join("\n", shared.Problems));
        Assert.Equal(2, shared.Models.Count);
    }

    [Fact]
    public async Task AFileNamedLikeAnotherModel_IsMR0053()
    {
        using var f = new RestoreFixture();
        f.WriteModel("other.onnx", "other");
        ExternalDataModel.MatMulAdd(weights: "Other.onnx").WriteTo(f.ProjectDirectory, "mm.onnx");

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("other.onnx"), RestoreFixture.Item("mm.onnx"));

        Assert.Equal("MR0053", Assert.Single(result.Problems).Diagnostic.Id);
    }

    [Fact]
    public async Task LockedMode_FailsWithMR0011_WhenAnExternalFileChanges_OrTheModelGetsOne()
    {
        using var f = new RestoreFixture();
        var path = ExternalDataModel.MatMulAdd().WriteTo(f.ProjectDirectory, "mm.onnx");
        Assert.True((await f.RestoreAsync(f.Request(), RestoreFixture.Item("mm.onnx"))).Succeeded);
        var bytes = File.ReadAllBytes(f.LockPath);
        Assert.True((await f.RestoreAsync(f.Request(lockedMode: true), RestoreFixture.Item("mm.onnx"))).Succeeded);

        File.WriteAllBytes(Path.Combine(f.ProjectDirectory, "weights.bin"), ExternalDataModel.MatMulAdd(scale: 2).Files["weights.bin"]);
        var changed = await f.RestoreAsync(f.Request(lockedMode: true), RestoreFixture.Item("mm.onnx"));

        var problem = Assert.Single(changed.Problems);
        Assert.Equal("MR0011", problem.Diagnostic.Id);
        Assert.Contains("its external data file 'weights.bin' would change", problem.Message);
        Assert.Equal(bytes, File.ReadAllBytes(f.LockPath));

        // A lock written before the model had external data (no externalData key) reads fine, and locked mode names the new files.
        using var g = new RestoreFixture();
        g.WriteModel("mm.onnx", "plain");
        Assert.True((await g.RestoreAsync(g.Request(), RestoreFixture.Item("mm.onnx"))).Succeeded);
        Assert.DoesNotContain("externalData", File.ReadAllText(g.LockPath));
        var plain = LockFileFormat.Read(g.LockPath)!.Find("mm.onnx")!;
        LockFileFormat.WriteIfChanged(g.LockPath, new LockFile(new Dictionary<string, LockedModel>
        {
            ["mm.onnx"] = plain with { Sha256 = Sha(File.ReadAllBytes(path)), Size = new FileInfo(path).Length, OnnxSha256 = Sha(File.ReadAllBytes(path)) },
        }));
        ExternalDataModel.MatMulAdd().WriteTo(g.ProjectDirectory, "mm.onnx");
        var gained = await g.RestoreAsync(g.Request(lockedMode: true), RestoreFixture.Item("mm.onnx"));
        var gainedProblem = Assert.Single(gained.Problems);
        Assert.Equal("MR0011", gainedProblem.Diagnostic.Id);
        Assert.Contains("it would get the external data file 'bias.bin'", gainedProblem.Message);
    }

    [Fact]
    public void TheLocationRule_AcceptsWhatExportersWrite()
    {
        Assert.Null(ExternalDataLocation.Problem("model.onnx_data"));
        Assert.Null(ExternalDataLocation.Problem("onnx__MatMul_123"));
        Assert.NotNull(ExternalDataLocation.Problem("./model.onnx_data"));
    }
}
