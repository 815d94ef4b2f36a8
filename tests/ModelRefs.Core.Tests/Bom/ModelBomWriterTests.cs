using System.Text.Json.Nodes;
using ModelRefs.Core.Bom;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Tests.Bom;

public class ModelBomWriterTests
{
    private static readonly string Onnx = new('a', 64);
    private static readonly string Archive = new('b', 64);

    private static JsonNode Write(params BomModel[] models) =>
        JsonNode.Parse(ModelBomWriter.Write(new BomSubject("App", "1.2.3"), models))!;

    [Fact]
    public void NpmModel_HasPurlHashLicenceDistributionAndModelCard()
    {
        var handle = ModelHandle.Parse("npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx", Path.GetTempPath());
        var locked = new LockedModel("https://registry.npmjs.org/@ricky0123/vad-web/-/vad-web-0.0.31.tgz#dist/silero_vad_v5.onnx", Onnx, 10, Onnx, "ISC", "npm", null);
        var signature = new OnnxModelSignature
        {
            Inputs = [OnnxValueInfo.Tensor("input", OnnxElementType.Float, OnnxDimension.Unknown, OnnxDimension.Fixed(512))],
            Outputs = [OnnxValueInfo.Tensor("output", OnnxElementType.Float, OnnxDimension.Symbolic("batch"), OnnxDimension.Fixed(1))],
        };
        var bom = Write(new BomModel("SileroVad", handle, locked, signature));

        Assert.Equal("CycloneDX", (string?)bom["bomFormat"]);
        Assert.Equal("1.6", (string?)bom["specVersion"]);
        Assert.Equal("App", (string?)bom["metadata"]!["component"]!["name"]);
        var component = bom["components"]![0]!;
        Assert.Equal("machine-learning-model", (string?)component["type"]);
        Assert.Equal("0.0.31", (string?)component["version"]);
        Assert.Equal("pkg:npm/%40ricky0123/vad-web@0.0.31#dist/silero_vad_v5.onnx", (string?)component["purl"]);
        Assert.Equal(Onnx, (string?)component["hashes"]![0]!["content"]);
        Assert.Equal("ISC", (string?)component["licenses"]![0]!["expression"]);
        Assert.Equal("https://registry.npmjs.org/@ricky0123/vad-web/-/vad-web-0.0.31.tgz", (string?)component["externalReferences"]![0]!["url"]);
        Assert.Equal("input: tensor(float) [?,512]", (string?)component["modelCard"]!["modelParameters"]!["inputs"]![0]!["format"]);
        Assert.Null(component["pedigree"]);
        Assert.Equal(handle.Text, (string?)bom["dependencies"]![0]!["dependsOn"]![0]);
    }

    [Fact]
    public void ConvertedModel_HasTheFetchedArtifactAsAncestor()
    {
        var handle = ModelHandle.Parse("tfhub:google/movenet/singlepose/lightning/4", Path.GetTempPath());
        var locked = new LockedModel("https://tfhub.dev/google/movenet/singlepose/lightning/4?tfjs-format=compressed", Archive, 10, Onnx, "Apache-2.0", "hub", "modelrefs-tfjs@1");
        var component = Write(new BomModel("MoveNet", handle, locked, null))["components"]![0]!;

        Assert.Equal("4", (string?)component["version"]);
        Assert.Null(component["purl"]);
        Assert.Equal(Onnx, (string?)component["hashes"]![0]!["content"]);
        var ancestor = component["pedigree"]!["ancestors"]![0]!;
        Assert.Equal(Archive, (string?)ancestor["hashes"]![0]!["content"]);
        Assert.StartsWith("https://tfhub.dev/google/movenet/", (string?)ancestor["externalReferences"]![0]!["url"]);
        Assert.Contains("modelrefs-tfjs@1", (string?)component["pedigree"]!["notes"]);
        Assert.Null(component["modelCard"]);
    }

    [Fact]
    public void Output_DependsOnlyOnTheInputs_AndOrdersModelsByHandle()
    {
        var a = new BomModel("A", ModelHandle.Parse("models/a.onnx", Path.GetTempPath()), new LockedModel("models/a.onnx", Onnx, 1, Onnx, null, null, null), null);
        var b = new BomModel("B", ModelHandle.Parse("https://example.com/b.onnx", Path.GetTempPath()), new LockedModel("https://example.com/b.onnx", Archive, 1, Archive, "MIT", "metadata", null), null);

        var first = ModelBomWriter.Write(new BomSubject("App", null), [a, b]);
        var second = ModelBomWriter.Write(new BomSubject("App", null), [b, a]);

        Assert.Equal(first, second);
        var components = JsonNode.Parse(first)!["components"]!.AsArray();
        Assert.Equal(["https://example.com/b.onnx", "models/a.onnx"], components.Select(c => (string)c!["bom-ref"]!));
        Assert.Null(components[1]!["licenses"]); // unknown licence: none stated, rather than a guess
        Assert.Null(components[1]!["purl"]);
    }
}
