using ModelRefs.Core.Onnx;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Onnx;

public class OnnxLargeModelTests
{
    private const int WeightBytes = 64 * 1024 * 1024;

    [Fact]
    public void LargeInitializer_IsSkipped_NotRead()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("large.onnx");
        new OnnxModelBuilder()
            .Input("x", OnnxElementType.Float, "n", WeightBytes / 4)
            .Initializer(OnnxTensor.FromRawData("big", OnnxElementType.Float, [WeightBytes / 4], new byte[WeightBytes]))
            .Initializer(OnnxTensor.Create("small", [1], 2f))
            .Node("Mul", ["x", "big"], ["m"])
            .Node("Mul", ["m", "small"], ["y"])
            .Output("y", OnnxElementType.Float, "n", WeightBytes / 4)
            .Metadata("after", "the weights")
            .Save(path);
        Assert.True(new FileInfo(path).Length > WeightBytes);
        OnnxSignatureReader.Read(path); // warm-up: JIT and type loading allocate too

        var before = GC.GetAllocatedBytesForCurrentThread();
        var sig = OnnxSignatureReader.Read(path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, sig.InitializerCount);
        Assert.Equal(["x"], sig.Inputs.Select(i => i.Name));
        Assert.Equal([new OnnxMetadataProperty("after", "the weights")], sig.Metadata);
        Assert.True(allocated < 256 * 1024, $"reading allocated {allocated} bytes");

        using var counting = new CountingStream(File.OpenRead(path));
        OnnxSignatureReader.Read(counting, path);
        Assert.True(counting.BytesRead < 256 * 1024, $"reading read {counting.BytesRead} bytes of {counting.Length}");
    }
}
