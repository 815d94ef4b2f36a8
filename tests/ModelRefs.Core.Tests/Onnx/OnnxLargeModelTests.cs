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

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
