using ModelRefs.Core.Manifests;
using ModelRefs.Core.Onnx;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Onnx;

namespace ModelRefs.Core.Tests.Onnx;

/// <summary>The whole type of values that are not tensors, read from a model the onnx package wrote, and carried into the manifest.</summary>
public sealed class OnnxValueTypeTests
{
    [Fact]
    public void Sequences_and_maps_keep_their_whole_type()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("classifier.onnx");
        ZipMapClassifier.Write(path);

        OnnxModelSignature signature = OnnxSignatureReader.Read(path);
        Assert.Equal("tensor(float)", signature.Inputs[0].Type);
        Assert.Equal(
            ["tensor(int64)", "seq(map(int64,tensor(float)))", "seq(map(string,tensor(float)))", "seq(tensor(float))"],
            signature.Outputs.Select(o => o.Type));
        Assert.Equal(OnnxValueKind.Sequence, signature.Outputs[1].Kind);
        Assert.Equal(OnnxElementType.Float, signature.Outputs[1].ElementType);
    }

    [Fact]
    public void The_manifest_writes_the_whole_type()
    {
        var manifest = new ModelManifest
        {
            Name = "M", Namespace = "N", Handle = "h", Sha256 = "00", OnnxSha256 = "00", ModelFile = "m.onnx",
            Outputs =
            [
                new ManifestValue("y", "tensor", "float", [], null, "tensor(float)"),
                new ManifestValue("p", "sequence", "float", null, null, "seq(map(int64,tensor(float)))"),
            ],
        };
        using var json = System.Text.Json.JsonDocument.Parse(ManifestWriter.ToJson(manifest));
        var outputs = json.RootElement.GetProperty("outputs");
        Assert.Equal("tensor(float)", outputs[0].GetProperty("type").GetString());
        Assert.Equal("seq(map(int64,tensor(float)))", outputs[1].GetProperty("type").GetString());
    }
}
