using System.Diagnostics;
using System.Text;
using ModelRefs.Core.Onnx;
using ModelRefs.TestSupport;
using static ModelRefs.Core.Tests.Onnx.OnnxTestModels;

namespace ModelRefs.Core.Tests.Onnx;

public class OnnxSignatureReaderMalformedTests
{
    private static OnnxFormatException Fails(byte[] bytes, string name = "bad.onnx")
        => Assert.Throws<OnnxFormatException>(() => Read(bytes, name));

    [Fact]
    public void EveryTruncation_GivesAResultOrAFormatException()
    {
        var bytes = Small();
        var full = Read(bytes);
        var failures = 0;

        for (var length = 0; length < bytes.Length; length++)
        {
            try
            {
                // A cut after the graph can leave a valid model (fewer opsets); inside or before it, never.
                var sig = Read(bytes[..length]);
                Assert.Equal(full.Inputs, sig.Inputs);
                Assert.Equal(full.Outputs, sig.Outputs);
            }
            catch (OnnxFormatException e)
            {
                failures++;
                Assert.Contains("bad.onnx", e.Message.Replace("test.onnx", "bad.onnx"));
                Assert.InRange(e.Offset, 0, length);
            }
        }
        Assert.True(failures > bytes.Length * 3 / 4, $"only {failures} of {bytes.Length} truncations failed");
    }

    [Fact]
    public void RandomCorruptions_GiveAResultOrAFormatException_Promptly()
    {
        var original = Small();
        var random = new Random(20240601);
        var stopwatch = Stopwatch.StartNew();
        var failures = 0;

        for (var i = 0; i < 5000; i++)
        {
            var bytes = (byte[])original.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                Read(bytes);
            }
            catch (OnnxFormatException)
            {
                failures++;
            }
        }
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"5000 corrupted reads took {stopwatch.Elapsed}");
        Assert.True(failures > 0);
    }

    [Fact]
    public void RandomBytes_GiveAResultOrAFormatException()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            try
            {
                Read(bytes);
            }
            catch (OnnxFormatException)
            {
            }
        }
    }

    [Fact]
    public void EmptyFile_IsRejected_NamingTheFile()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("empty.onnx");
        File.WriteAllBytes(path, []);

        var e = Assert.Throws<OnnxFormatException>(() => OnnxSignatureReader.Read(path));

        Assert.Equal(path, e.FileName);
        Assert.Equal(0, e.Offset);
        Assert.Contains(path, e.Message);
        Assert.Contains("is not a valid ONNX model", e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Theory]
    [InlineData("hello world\nthis is not a model\n")]
    [InlineData("{\"format\": \"graph-model\", \"modelTopology\": {}}")]
    [InlineData("version https://git-lfs.github.com/spec/v1\noid sha256:2623a2953f6ff3d2\nsize 2327524\n")]
    [InlineData("<html><body>404 Not Found</body></html>")]
    [InlineData("8")]
    public void TextFiles_AreRejected(string text)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("model.onnx");
        File.WriteAllText(path, text);

        var e = Assert.Throws<OnnxFormatException>(() => OnnxSignatureReader.Read(path));

        Assert.Contains($"'{path}' is not a valid ONNX model", e.Message);
        Assert.Contains("byte offset", e.Message);
    }

    [Fact]
    public void OverlongVarint_IsRejected()
    {
        var bytes = new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 };
        var e = Fails(bytes);
        Assert.Equal(1, e.Offset);
        Assert.Contains("varint", e.Message);
    }

    [Fact]
    public void VarintOverflowing64Bits_IsRejected()
        => Assert.Contains("varint", Fails([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]).Message);

    [Fact]
    public void VarintCutByTheEndOfFile_IsRejected()
        => Assert.Contains("ends in the middle of a varint", Fails([0x08, 0x80, 0x80]).Message);

    [Fact]
    public void LengthPastTheEnd_IsRejected()
    {
        // ir_version 8, then graph (field 7) claiming 1000 bytes with 2 present.
        var e = Fails([0x08, 0x08, 0x3A, 0xE8, 0x07, 0x00, 0x00]);
        Assert.Equal(3, e.Offset); // the length prefix
        Assert.Contains("1000 bytes", e.Message);
        Assert.Contains("past the end of the file", e.Message);
    }

    [Fact]
    public void HugeLength_IsRejected_WithoutAllocating()
    {
        // producer_name (field 2) claiming 2^63 bytes.
        var e = Fails([0x08, 0x08, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]);
        Assert.Contains("past the end", e.Message);
    }

    [Fact]
    public void LengthPastTheEnclosingMessage_IsRejected()
    {
        // graph of 4 bytes whose name field claims 10.
        var e = Fails([0x08, 0x08, 0x3A, 0x04, 0x12, 0x0A, 0x41, 0x41, 0x0A, 0x00]);
        Assert.Contains("enclosing message", e.Message);
        Assert.Contains("GraphProto", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x0B, 0x0C })] // field 1 start-group
    [InlineData(new byte[] { 0x0E, 0x00 })] // wire type 6
    [InlineData(new byte[] { 0x00, 0x00 })] // field number 0
    public void InvalidTags_AreRejected(byte[] bytes)
    {
        var e = Fails(bytes);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void MissingGraph_IsRejected() => Assert.Contains("no graph", Fails(Bytes(Message().Varint(1, 8))).Message);

    [Fact]
    public void MissingIrVersion_IsRejected()
        => Assert.Contains("ir_version", Fails(Bytes(Message().Message(7, Message().String(2, "g")))).Message);

    [Fact]
    public void AbsurdNesting_IsRejected()
    {
        // seq(seq(seq(… 500 deep … tensor(float))))
        var type = TensorType(OnnxElementType.Float);
        for (var i = 0; i < 500; i++)
            type = Message().Message(4, Message().Message(1, type));
        var e = Fails(ModelWithGraph(Message().Message(11, ValueInfo("x", type))));
        Assert.Contains("nested", e.Message);
    }

    [Fact]
    public void ModerateNesting_IsRead()
    {
        var type = Message().Message(1, Message().Varint(1, (int)OnnxElementType.Int32));
        for (var i = 0; i < 20; i++)
            type = Message().Message(4, Message().Message(1, type));

        var input = Read(ModelWithGraph(Message().Message(11, ValueInfo("x", type)))).Inputs.Single();

        Assert.Equal(OnnxValueKind.Sequence, input.Kind);
        Assert.Equal(OnnxElementType.Int32, input.ElementType);
        Assert.Null(input.Shape);
    }

    [Fact]
    public void ExternalDataWithoutALocation_IsRejected()
    {
        var tensor = Message().Varint(1, 4).Varint(2, 1).String(8, "w")
            .Message(13, Message().String(1, "location").String(2, ""))
            .Varint(14, 1);
        var e = Fails(ModelWithGraph(Message().String(2, "g").Message(5, tensor)));
        Assert.Contains("'w'", e.Message);
    }

    [Theory]
    [InlineData("../secrets.bin")]
    [InlineData("data/../../x.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\x.bin")]
    [InlineData("C:x.bin")]
    public void ExternalDataOutsideTheModelFolder_IsListedAsWritten_AndTheLocationRuleRefusesIt(string location)
    {
        // The reader lists it; restore refuses it with the model's name (MR0007), see ExternalDataRestoreTests.
        var tensor = Message().Varint(1, 4).Varint(2, 1).String(8, "w")
            .Message(13, Message().String(1, "location").String(2, location))
            .Varint(14, 1);
        Assert.Equal([location], Read(ModelWithGraph(Message().String(2, "g").Message(5, tensor))).ExternalDataFiles);
        Assert.NotNull(ExternalDataLocation.Problem(location));
    }

    [Theory]
    [InlineData("model.onnx_data")]
    [InlineData("weights/layer 1.bin")]
    public void ExternalDataInsideTheModelFolder_PassesTheLocationRule(string location) =>
        Assert.Null(ExternalDataLocation.Problem(location));

    [Fact]
    public void ExternalLocationWithoutExternalDataLocation_IsNotExternal()
    {
        // external_data entries only count with data_location = EXTERNAL (onnx.proto).
        var tensor = Message().Varint(2, 1).String(8, "w").Message(13, Message().String(1, "location").String(2, "w.bin"));
        Assert.Empty(Read(ModelWithGraph(Message().Message(5, tensor))).ExternalDataFiles);
    }

    [Fact]
    public void UnknownFieldsAndWireTypeMismatches_AreSkipped()
    {
        var graph = Message()
            .Varint(2, 5) // name with a varint wire type: not a name, skipped
            .Float(99, 1.5f)
            .Bytes(100, new byte[100])
            .Message(11, ValueInfo("x", TensorType(OnnxElementType.Float, 1)).Varint(50, 3));
        var sig = Read(Bytes(Message().Varint(1, 9).Varint(77, 1).Message(7, graph).Bytes(200, Encoding.UTF8.GetBytes("future"))));

        Assert.Equal(9, sig.IrVersion);
        Assert.Equal("", sig.GraphName);
        Assert.Equal([OnnxValueInfo.Tensor("x", OnnxElementType.Float, 1)], sig.Inputs);
    }

    [Fact]
    public void MapOpaqueAndUntypedValues_AreRead()
    {
        var map = Message().Message(5, Message().Varint(1, (int)OnnxElementType.Int64).Message(2, TensorType(OnnxElementType.Float, 3)));
        var opaque = Message().Message(7, Message().String(1, "com.example").String(2, "Blob"));
        var sig = Read(ModelWithGraph(Message()
            .Message(11, ValueInfo("m", map))
            .Message(11, ValueInfo("o", opaque))
            .Message(11, ValueInfo("u", null))));

        Assert.Equal(new OnnxValueInfo("m", OnnxValueKind.Map, OnnxElementType.Float, [3]), sig.Inputs[0]);
        Assert.Equal(new OnnxValueInfo("o", OnnxValueKind.Unknown, OnnxElementType.Undefined, null), sig.Inputs[1]);
        Assert.Equal(new OnnxValueInfo("u", OnnxValueKind.Unknown, OnnxElementType.Undefined, null), sig.Inputs[2]);
    }

    [Fact]
    public void ElementTypesNewerThanThisLibrary_AreKeptAsIds()
    {
        var sig = Read(ModelWithGraph(Message().Message(11, ValueInfo("x", TensorType((OnnxElementType)99, 1)))));

        Assert.Equal((OnnxElementType)99, sig.Inputs[0].ElementType);
        Assert.Equal("unknown99", sig.Inputs[0].ElementType.ToManifestName());
    }

    [Fact]
    public void NonSeekableStream_IsAnArgumentError()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();
        Assert.Throws<ArgumentException>(() => OnnxSignatureReader.Read(pipe, "pipe"));
    }

    [Fact]
    public void StreamOverload_ReadsFromTheCurrentPosition_AndReportsOffsetsFromThere()
    {
        var model = Small();
        var stream = new MemoryStream([.. new byte[10], .. model]) { Position = 10 };
        Assert.Equal("small", OnnxSignatureReader.Read(stream, "embedded").GraphName);

        var broken = new MemoryStream([.. new byte[10], 0x08, 0x80]) { Position = 10 };
        var e = Assert.Throws<OnnxFormatException>(() => OnnxSignatureReader.Read(broken, "embedded"));
        Assert.Equal(1, e.Offset);
        Assert.Equal("embedded", e.FileName);
    }
}
