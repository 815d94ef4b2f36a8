using System.Text;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Oci;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary>oci: artifacts holding other formats than ONNX, against a real registry (CNCF Distribution).</summary>
public sealed class OciFormatTests : IDisposable
{
    private readonly DistributionRegistry _registry = DistributionRegistry.Start();
    private readonly OciTestClient _client;

    public OciFormatTests() => _client = new OciTestClient(_registry.Url);

    public void Dispose()
    {
        _client.Dispose();
        _registry.Dispose();
    }

    private static Task<RestoreResult> RestoreAsync(RestoreFixture f, params ModelReference[] items) =>
        OciTestSources.Restorer(f).RestoreAsync(items, f.Request());

    [Fact]
    public async Task ATfJsGraphModelInAnArtifact_IsConverted_ItsShardFromTheSameArtifact_AndOtherFormatsAreToldApart()
    {
        using var f = new RestoreFixture();
        await _client.PushModelPackAsync("models/mixed", "1",
        [
            TestLayer.Raw("tfjs/model.json", Encoding.UTF8.GetBytes(ModelFormatFiles.TfJsGraphModel)),
            TestLayer.Raw("tfjs/w.bin", ModelFormatFiles.TfJsGraphModelShard()),
            TestLayer.Raw("llm.gguf", ModelFormatFiles.Gguf()),
        ], ["MIT"]);
        var handle = $"oci:{_registry.Authority}/models/mixed:1";

        var converted = await RestoreAsync(f, RestoreFixture.Item(handle, ("File", "tfjs/model.json"), ("Name", "Tiny")));
        Assert.True(converted.Succeeded, string.Join("\n", converted.Problems.Select(p => p.Message)));
        Assert.Equal("x", Assert.Single(OnnxSignatureReader.Read(Assert.Single(converted.Models).OnnxPath).Inputs).Name);

        var gguf = Assert.Single((await RestoreAsync(f, RestoreFixture.Item(handle, ("File", "llm.gguf"), ("Name", "Llm")))).Problems);
        Assert.Equal("MR0036", gguf.Diagnostic.Id);
        Assert.Contains("GGUF", gguf.Message);

        // A File that is not there: the nearest names first.
        var missing = Assert.Single((await RestoreAsync(f, RestoreFixture.Item(handle, ("File", "tfjs/modle.json"), ("Name", "Missing")))).Problems);
        Assert.Equal("MR0063", missing.Diagnostic.Id);
        Assert.Contains("Its layers name: tfjs/model.json, ", missing.Message);
    }
}
