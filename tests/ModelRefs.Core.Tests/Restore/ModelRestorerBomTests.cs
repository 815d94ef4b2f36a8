using System.Text.Json.Nodes;
using ModelRefs.Core.Bom;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Restore;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>ModelRefsGenerateBom: restore writes the models' BOM beside the notices, also on a no-op restore, and removes it when turned off.</summary>
public class ModelRestorerBomTests
{
    [Fact]
    public async Task GenerateBom_WritesTheBom_KeepsItOnANoOp_AndRemovesItWhenOff()
    {
        using var f = new RestoreFixture();
        f.WriteModel("models/a.onnx", "a");
        var item = RestoreFixture.Item("models/a.onnx", ("License", "MIT"));
        var request = RestoreRequest.FromSettings(f.ProjectFile, "obj/modelrefs", "App.Models",
            new SettingValues { [RestoreSettings.GenerateBom] = "true", [RestoreSettings.Home] = f.CacheRoot });
        Assert.True(request.GenerateBom);

        var first = await f.RestoreAsync(request, item);
        Assert.True(first.Succeeded, string.Join("\n", first.Problems));
        Assert.Equal(Path.Combine(request.IntermediatePath, ModelBomWriter.FileName), first.BomPath);
        var component = JsonNode.Parse(File.ReadAllText(first.BomPath!))!["components"]![0]!;
        Assert.Equal("models/a.onnx", (string?)component["bom-ref"]);
        Assert.Equal("MIT", (string?)component["licenses"]![0]!["expression"]);
        Assert.Equal("x: tensor(float) [batch,4]", (string?)component["modelCard"]!["modelParameters"]!["inputs"]![0]!["format"]);

        var second = await f.RestoreAsync(request, item);
        Assert.True(second.WasNoOp);
        Assert.Equal(first.BomPath, second.BomPath);

        var off = await f.RestoreAsync(RestoreRequest.FromSettings(f.ProjectFile, "obj/modelrefs", "App.Models",
            new SettingValues { [RestoreSettings.GenerateBom] = "false", [RestoreSettings.Home] = f.CacheRoot }), item);
        Assert.False(off.WasNoOp); // the setting is a restore input
        Assert.Null(off.BomPath);
        Assert.False(File.Exists(first.BomPath));
    }
}
