using ModelRefs.Core.Onnx;

namespace ModelRefs.Runtime.Tests;

/// <summary>What the generated code of a model with many tensors calls: signatures from columns, indexes by name, and runs through a <see cref="TensorList"/>.</summary>
public sealed class TensorListTests : IDisposable
{
    private readonly BuiltModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void FromColumns_builds_the_same_signatures_as_the_constructor()
    {
        TensorSignature[] signatures = TensorSignature.FromColumns(
            ["x", "s", "u"],
            [(int)TensorElementKind.Float, (int)TensorElementKind.Int64, (int)TensorElementKind.Bool],
            [2, 0, -1],
            [-1, 4],
            ["batch", null],
            [null, "the rate", null]);

        Assert.Equal(3, signatures.Length);
        Assert.Equal("x: float [batch, 4]", signatures[0].ToString());
        Assert.Equal(["batch", null], signatures[0].DimensionNames!);
        Assert.Equal("s: int64 []", signatures[1].ToString());
        Assert.Equal("the rate", signatures[1].Description);
        Assert.Null(signatures[2].Shape);
        Assert.Null(signatures[2].DimensionNames);
        Assert.Equal(TensorElementKind.Bool, signatures[2].ElementType);

        TensorSignature unnamed = Assert.Single(TensorSignature.FromColumns(["y"], [(int)TensorElementKind.Float], [1], [3], null, null));
        Assert.Equal([null], unnamed.DimensionNames!);
    }

    [Fact]
    public void FromTable_unpacks_names_with_any_characters_and_null_entries()
    {
        TensorSignature[] signatures = TensorSignature.FromTable(
            "1:x4:a:b,0:",
            "1,2,-1,4,7,0,9,-1,",
            "5:batch-",
            "-8:the rate-");

        Assert.Equal(3, signatures.Length);
        Assert.Equal("x: float [batch, 4]", signatures[0].ToString());
        Assert.Equal("a:b,: int64 []", signatures[1].ToString());
        Assert.Equal("the rate", signatures[1].Description);
        Assert.Equal("", signatures[2].Name);
        Assert.Null(signatures[2].Shape);
        Assert.Equal(TensorElementKind.Bool, signatures[2].ElementType);
        Assert.Null(TensorSignature.FromTable("1:y", "1,1,3,", null, null)[0].Description);
    }

    [Fact]
    public void FromTable_refuses_malformed_columns()
    {
        Assert.Throws<ArgumentException>(() => TensorSignature.FromTable("2:x", "1,0,", null, null));
        Assert.Throws<ArgumentException>(() => TensorSignature.FromTable("1:x", "1,0,5,", null, null));
        Assert.Throws<ArgumentException>(() => TensorSignature.FromTable("1:x", "1,2,3,", null, null));
        Assert.Throws<ArgumentException>(() => TensorSignature.FromTable("-", "1,0,", null, null));
        Assert.Throws<ArgumentException>(() => TensorSignature.FromTable("1:x", "1,1,3,", "--", null));
    }

    [Fact]
    public void FromColumns_refuses_columns_that_disagree()
    {
        Assert.Throws<ArgumentException>(() => TensorSignature.FromColumns(["x"], [1, 1], [0], [], null, null));
        Assert.Throws<ArgumentException>(() => TensorSignature.FromColumns(["x"], [1], [2], [1], null, null));
        Assert.Throws<ArgumentException>(() => TensorSignature.FromColumns(["x"], [1], [1], [1, 2], null, null));
        Assert.Throws<ArgumentException>(() => TensorSignature.FromColumns(["x"], [1], [1], [1], ["a", "b"], null));
        Assert.Throws<ArgumentException>(() => TensorSignature.FromColumns(["x"], [14], [0], [], null, null));
    }

    [Fact]
    public void IndexOf_finds_tensors_by_their_onnx_name()
    {
        ModelInfo info = BuiltModels.Info("M",
            [new("a", TensorElementKind.Float, [], [], null), new("b.1", TensorElementKind.Float, [], [], null)],
            [new("out", TensorElementKind.Float, [], [], null)]);
        Assert.Equal(1, info.IndexOfInput("b.1"));
        Assert.Equal(0, info.IndexOfInput("a"));
        Assert.Equal(-1, info.IndexOfInput("out"));
        Assert.Equal(0, info.IndexOfOutput("out"));
        Assert.Equal(-1, info.IndexOfOutput("A"));
    }

    [Fact]
    public void SetInputs_and_GetOutputs_run_every_tensor_of_a_list()
    {
        // Identity of a float tensor, an int64 scalar and a string tensor.
        var builder = new OnnxModelBuilder().Opset(13)
            .Input("f", OnnxElementType.Float, "n").Input("i", OnnxElementType.Int64).Input("s", OnnxElementType.String, 2)
            .Output("f2", OnnxElementType.Float, "n").Output("i2", OnnxElementType.Int64).Output("s2", OnnxElementType.String, 2)
            .Node("Identity", ["f"], ["f2"]).Node("Identity", ["i"], ["i2"]).Node("Identity", ["s"], ["s2"]);
        ModelInfo info = BuiltModels.Info("Lists",
            TensorSignature.FromColumns(["f", "i", "s"], [1, 7, 8], [1, 0, 1], [-1, 2], ["n", null], null),
            TensorSignature.FromColumns(["f2", "i2", "s2"], [1, 7, 8], [1, 0, 1], [-1, 2], ["n", null], null));
        using var session = _models.Open(builder, info);

        var inputs = new TensorList(3);
        inputs.Set(0, new TensorData<float>([1, 2, 3], 3));
        inputs.Set(2, new TensorData<string>(["a", "b"], 2));
        var missing = Assert.Throws<ArgumentException>(() => session.SetInputs(inputs));
        Assert.Equal("The input 'i' of Lists is not set. (Parameter 'input')", missing.Message);

        inputs.Set(1, TensorData<long>.Scalar(42));
        session.SetInputs(inputs);
        session.Run();
        TensorList outputs = session.GetOutputs();

        Assert.Equal([1f, 2, 3], outputs.Get<float>(0).Data);
        Assert.Equal([3L], outputs.Get<float>(0).Shape);
        Assert.Equal(42, outputs.Get<long>(1).Data[0]);
        Assert.Empty(outputs.Get<long>(1).Shape);
        Assert.Equal(["a", "b"], outputs.Get<string>(2).Data);
        Assert.Throws<ArgumentException>(() => session.SetInputs(new TensorList(2)));

        var wrongType = new TensorList(3);
        wrongType.Set(0, new TensorData<double>([1, 2, 3], 3));
        wrongType.Set(1, TensorData<long>.Scalar(1));
        wrongType.Set(2, new TensorData<string>(["a", "b"], 2));
        Assert.Throws<ArgumentException>(() => session.SetInputs(wrongType));
    }
}
