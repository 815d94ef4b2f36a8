using ModelRefs.Core.Onnx;
using static ModelRefs.Core.Tests.Onnx.OnnxTestModels;

namespace ModelRefs.Core.Tests.Onnx;

public class OnnxModelBuilderRoundTripTests
{
    public static TheoryData<OnnxElementType> AllElementTypes()
    {
        var data = new TheoryData<OnnxElementType>();
        foreach (var type in Enum.GetValues<OnnxElementType>())
            data.Add(type);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllElementTypes))]
    public void EveryElementType_RoundTrips(OnnxElementType type)
    {
        var bytes = new OnnxModelBuilder()
            .Input("x", type, "batch", 4)
            .Output("y", type, "batch", 4)
            .Node("Identity", ["x"], ["y"])
            .ToBytes();

        var sig = Read(bytes);

        Assert.Equal([OnnxValueInfo.Tensor("x", type, "batch", 4)], sig.Inputs);
        Assert.Equal([OnnxValueInfo.Tensor("y", type, "batch", 4)], sig.Outputs);
        Assert.Equal(type, sig.Inputs[0].ElementType);
    }

    [Fact]
    public void ModelFields_RoundTrip()
    {
        var sig = Read(Small());

        Assert.Equal(8, sig.IrVersion);
        Assert.Equal("modelrefs-tests", sig.ProducerName);
        Assert.Equal("1.2.3", sig.ProducerVersion);
        Assert.Equal("org.modelrefs.tests", sig.Domain);
        Assert.Equal(7, sig.ModelVersion);
        Assert.Equal("A small model.", sig.DocString);
        Assert.Equal("small", sig.GraphName);
        Assert.Equal([new OnnxOpsetImport("", 17), new OnnxOpsetImport("com.microsoft", 1)], sig.Opsets);
        Assert.Equal([new OnnxMetadataProperty("author", "tests"), new OnnxMetadataProperty("license", "MIT")], sig.Metadata);
        Assert.Equal(1, sig.InitializerCount);
        Assert.Empty(sig.ExternalDataFiles);
        Assert.Equal(["x", "mask"], sig.Inputs.Select(i => i.Name));
        Assert.Equal(["y"], sig.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void Defaults_AreIr8AndOpset17_AndNothingElse()
    {
        var sig = Read(new OnnxModelBuilder().Input("x", OnnxElementType.Float).Output("x", OnnxElementType.Float).ToBytes());

        Assert.Equal(OnnxModelBuilder.DefaultIrVersion, sig.IrVersion);
        Assert.Equal([new OnnxOpsetImport("", OnnxModelBuilder.DefaultOpset)], sig.Opsets);
        Assert.Equal("", sig.ProducerName);
        Assert.Equal("", sig.DocString);
        Assert.Equal(0, sig.ModelVersion);
        Assert.Empty(sig.Metadata);
    }

    [Fact]
    public void Opset_ReplacesTheSameDomain()
    {
        var sig = Read(new OnnxModelBuilder().IrVersion(10).Opset(21).Opset("ai.onnx.ml", 3).Opset("ai.onnx.ml", 4).ToBytes());

        Assert.Equal(10, sig.IrVersion);
        Assert.Equal([new OnnxOpsetImport("", 21), new OnnxOpsetImport("ai.onnx.ml", 4)], sig.Opsets);
    }

    [Fact]
    public void Dimensions_FixedSymbolicUnknownAndScalar()
    {
        var sig = Read(new OnnxModelBuilder()
            .Input("x", OnnxElementType.Float, 1, "seq", OnnxDimension.Unknown, 0)
            .Input("scalar", OnnxElementType.Int64)
            .Output(OnnxValueInfo.TensorWithoutShape("y", OnnxElementType.Float))
            .ToBytes());

        var x = sig.Inputs[0].Shape!;
        Assert.Equal(4, x.Count);
        Assert.Equal(OnnxDimension.Fixed(1), x[0]);
        Assert.True(x[0].IsFixed);
        Assert.Equal(OnnxDimension.Symbolic("seq"), x[1]);
        Assert.True(x[1].IsSymbolic);
        Assert.True(x[2].IsUnknown);
        Assert.Equal(0L, x[3].Value); // proto2 keeps an explicit 0: it is a fixed dimension, not an unknown one
        Assert.Equal("[1,seq,?,0]", sig.Inputs[0].ShapeText);

        Assert.NotNull(sig.Inputs[1].Shape);
        Assert.Empty(sig.Inputs[1].Shape!);

        Assert.Null(sig.Outputs[0].Shape);
        Assert.Equal(OnnxValueKind.Tensor, sig.Outputs[0].Kind);
        Assert.Equal("(no shape)", sig.Outputs[0].ShapeText);
    }

    [Fact]
    public void DocStrings_OfValues_RoundTrip()
    {
        var sig = Read(new OnnxModelBuilder()
            .GraphDocString("graph doc")
            .Input(OnnxValueInfo.Tensor("audio", OnnxElementType.Float, 1, 512) with { DocString = "16 kHz mono samples" })
            .Output(new OnnxValueInfo("p", OnnxValueKind.Tensor, OnnxElementType.Float, [1], "speech probability, ünïcödé"))
            .ToBytes());

        Assert.Equal("16 kHz mono samples", sig.Inputs[0].DocString);
        Assert.Equal("speech probability, ünïcödé", sig.Outputs[0].DocString);
    }

    [Fact]
    public void StringsLongerThanTheReadersBuffer_RoundTrip()
    {
        var doc = string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i} – ünïcödé\n"));
        var value = new string('v', 70_000);
        using var dir = new ModelRefs.TestSupport.TempDirectory();
        var path = dir.Combine("m.onnx");
        new OnnxModelBuilder().DocString(doc).Metadata("big", value).Metadata("k", "after").Input("x", OnnxElementType.Float).Save(path);

        var sig = OnnxSignatureReader.Read(path);

        Assert.Equal(doc, sig.DocString);
        Assert.Equal([new OnnxMetadataProperty("big", value), new OnnxMetadataProperty("k", "after")], sig.Metadata);
    }

    [Theory]
    [InlineData(OnnxValueKind.Sequence)]
    [InlineData(OnnxValueKind.Optional)]
    [InlineData(OnnxValueKind.SparseTensor)]
    public void NonTensorKinds_RoundTrip(OnnxValueKind kind)
    {
        var value = new OnnxValueInfo("v", kind, OnnxElementType.Int32, ["n", 2]);
        var sig = Read(new OnnxModelBuilder().Input(value).Output(value).ToBytes());

        Assert.Equal(value, sig.Inputs.Single());
        Assert.Equal(value, sig.Outputs.Single());
    }

    [Fact]
    public void UntypedValue_IsUnknown()
    {
        var sig = Read(new OnnxModelBuilder().Input(new OnnxValueInfo("v", OnnxValueKind.Unknown, OnnxElementType.Undefined, null)).ToBytes());

        Assert.Equal(new OnnxValueInfo("v", OnnxValueKind.Unknown, OnnxElementType.Undefined, null), sig.Inputs.Single());
    }

    [Fact]
    public void Map_IsNotWritable()
    {
        Assert.Throws<NotSupportedException>(() =>
            new OnnxModelBuilder().Input(new OnnxValueInfo("m", OnnxValueKind.Map, OnnxElementType.Float, null)));
    }

    [Fact]
    public void InitializersListedAsInputs_IrBelow4_AreNotInputs()
    {
        var sig = Read(new OnnxModelBuilder()
            .IrVersion(3)
            .Opset(8)
            .Input("x", OnnxElementType.Float, 2)
            .Input("w", OnnxElementType.Float, 2)
            .Input("b", OnnxElementType.Float, 2)
            .Initializer(OnnxTensor.Create("w", [2], 1f, 2f))
            .Initializer(OnnxTensor.Create("b", [2], 0f, 0f))
            .Node("Mul", ["x", "w"], ["m"])
            .Node("Add", ["m", "b"], ["y"])
            .Output("y", OnnxElementType.Float, 2)
            .ToBytes());

        Assert.Equal(3, sig.IrVersion);
        Assert.Equal(["x"], sig.Inputs.Select(i => i.Name));
        Assert.Equal(2, sig.InitializerCount);
    }

    [Fact]
    public void Attributes_OfEveryKind_AreWrittenAndSkippedByTheReader()
    {
        var sig = Read(new OnnxModelBuilder()
            .Node(new OnnxNode("Custom", ["x", ""], ["y"])
            {
                Name = "n1",
                Domain = "org.example",
                DocString = "a custom node",
                Attributes =
                [
                    OnnxAttribute.Float("f", 0.5f),
                    OnnxAttribute.Int("i", -3),
                    OnnxAttribute.String("s", "text"),
                    OnnxAttribute.Bytes("b", [0, 255]),
                    OnnxAttribute.Tensor("t", OnnxTensor.Create("tv", [2, 2], 1L, 2L, 3L, 4L)),
                    OnnxAttribute.Floats("fs", 1f, 2f),
                    OnnxAttribute.Ints("is", -1, 0, long.MaxValue),
                    OnnxAttribute.Strings("ss", "a", "b"),
                ],
            })
            .Opset("org.example", 1)
            .Input("x", OnnxElementType.Float)
            .Output("y", OnnxElementType.Float)
            .ToBytes());

        Assert.Equal(["x"], sig.Inputs.Select(i => i.Name));
        Assert.Empty(sig.ExternalDataFiles);
    }

    [Fact]
    public void Tensors_ValidateTheirData()
    {
        Assert.Throws<ArgumentException>(() => OnnxTensor.FromRawData("w", OnnxElementType.Float, [2], new byte[7]));
        Assert.Throws<ArgumentException>(() => OnnxTensor.FromStrings("s", [3], "a", "b"));
        Assert.Throws<ArgumentException>(() => OnnxTensor.Create("w", [-1], 1f));
        Assert.Equal(2, OnnxTensor.FromRawData("i4", OnnxElementType.Int4, [3], new byte[2]).RawData.Length); // 4-bit types pack two per byte
        Assert.Equal(OnnxElementType.Float16, OnnxTensor.Scalar("h", (Half)1).ElementType);
        Assert.Equal(OnnxElementType.Bool, OnnxTensor.Create("b", [2], true, false).ElementType);
    }

    [Fact]
    public void ExternalData_TheOnnxFileAloneIsRead_AndItsFilesAreListed()
    {
        using var dir = new ModelRefs.TestSupport.TempDirectory();
        var path = dir.Combine("model.onnx");
        new OnnxModelBuilder()
            .Input("x", OnnxElementType.Float, 4)
            .Initializer(OnnxTensor.External("w", OnnxElementType.Float, [4], "weights.bin", offset: 0, length: 16))
            .Initializer(OnnxTensor.External("b", OnnxElementType.Float, [4], "weights.bin", offset: 16, length: 16))
            .Initializer(OnnxTensor.External("c", OnnxElementType.Float, [4], "data/more.bin"))
            .Initializer(OnnxTensor.Create("inline", [1], 1f))
            .Node("Constant", [], ["k"], OnnxAttribute.Tensor("value", OnnxTensor.External("kv", OnnxElementType.Float, [4], "constant.bin")))
            .Node("Mul", ["x", "w"], ["m"])
            .Node("Add", ["m", "k"], ["y"])
            .Output("y", OnnxElementType.Float, 4)
            .Save(path);
        Assert.Equal(["model.onnx"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));

        var sig = OnnxSignatureReader.Read(path);

        // File order: graph nodes (field 1) come before initializers (field 5).
        Assert.Equal(["constant.bin", "weights.bin", "data/more.bin"], sig.ExternalDataFiles);
        Assert.Equal(4, sig.InitializerCount);
        Assert.Equal(["x"], sig.Inputs.Select(i => i.Name));
    }

    [Fact]
    public void Save_And_ToBytes_WriteTheSameBytes()
    {
        using var dir = new ModelRefs.TestSupport.TempDirectory();
        var builder = new OnnxModelBuilder().Input("x", OnnxElementType.Float, 1).Initializer(OnnxTensor.Create("w", [1000], new float[1000]));
        builder.Save(dir.Combine("m.onnx"));
        var stream = new MemoryStream();
        builder.WriteTo(stream);

        Assert.Equal(builder.ToBytes(), File.ReadAllBytes(dir.Combine("m.onnx")));
        Assert.Equal(builder.ToBytes(), stream.ToArray());
    }
}
