namespace ModelRefs.Runtime.Tests;

public class SignatureTests
{
    [Fact]
    public void TensorSignature_ToStringShowsTypeAndSymbolicShape()
    {
        Assert.Equal("input: float [batch, 512]",
            new TensorSignature("input", TensorElementKind.Float, [-1, 512], ["batch", null], null).ToString());
        Assert.Equal("state: float [2, ?, 128]",
            new TensorSignature("state", TensorElementKind.Float, [2, -1, 128], null, null).ToString());
        Assert.Equal("sr: int64 []", new TensorSignature("sr", TensorElementKind.Int64, [], [], null).ToString());
        Assert.Equal("x: bfloat16 [rank unknown]", new TensorSignature("x", TensorElementKind.BFloat16, null, null, null).ToString());
    }

    [Fact]
    public void TensorSignature_CopiesItsArraysAndChecksNames()
    {
        long[] shape = [1, 2];
        var signature = new TensorSignature("x", TensorElementKind.Float, shape, null, "doc");
        shape[0] = 99;
        Assert.Equal([1L, 2L], signature.Shape);
        Assert.Equal("doc", signature.Description);
        Assert.Throws<ArgumentException>(() => new TensorSignature("x", TensorElementKind.Float, [1, 2], ["a"], null));
        Assert.Throws<ArgumentException>(() => new TensorSignature("x", TensorElementKind.Float, null, ["a"], null));
    }

    [Fact]
    public void TensorElementKind_ValuesAreOnnxIds()
    {
        Assert.Equal(1, (int)TensorElementKind.Float);
        Assert.Equal(7, (int)TensorElementKind.Int64);
        Assert.Equal(8, (int)TensorElementKind.String);
        Assert.Equal(10, (int)TensorElementKind.Float16);
        Assert.Equal(16, (int)TensorElementKind.BFloat16);
        foreach (var kind in Enum.GetValues<TensorElementKind>())
            Assert.Equal((int)kind, (int)(ModelRefs.Core.Onnx.OnnxElementType)Enum.Parse(typeof(ModelRefs.Core.Onnx.OnnxElementType), kind.ToString()));
    }

    [Fact]
    public void ModelInfo_KeepsEverything()
    {
        var info = SileroVad.Info;
        Assert.Equal("SileroVad", info.Name);
        Assert.Equal("MIT", info.License);
        Assert.Equal(3, info.Inputs.Count);
        Assert.Equal("stateN", info.Outputs[1].Name);
        Assert.Equal("pytorch", info.Producer);
        Assert.Contains("npm:", info.ToString());
    }

    [Fact]
    public void TensorData_ChecksShapeAndWrapsWithoutCopy()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        var tensor = new TensorData<float>(data, 2, 3);
        Assert.Same(data, tensor.Data);
        Assert.Equal([2L, 3L], tensor.Shape);
        tensor.Span[0] = 10;
        Assert.Equal(10, data[0]);
        Assert.Throws<ArgumentException>(() => new TensorData<float>(data, 4, 2));
        Assert.Throws<ArgumentException>(() => new TensorData<float>(data, -2, -3));

        var scalar = TensorData<long>.Scalar(16000);
        Assert.Empty(scalar.Shape);
        Assert.Equal([16000L], scalar.Data);
        Assert.Equal(["a", "b"], new TensorData<string>(["a", "b"], 2).Data);
    }

    [Fact]
    public void ShapeMismatchException_IsAnArgumentExceptionWithItsParts()
    {
        var e = new ShapeMismatchException("M", "x", "[batch, 3]", "[2, 4]");
        Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Equal("Model 'M': input 'x' expects shape [batch, 3], but was given [2, 4].", e.Message);
        Assert.Equal(("M", "x", "[batch, 3]", "[2, 4]"), (e.ModelName, e.InputName, e.Expected, e.Given));
    }

    [Fact]
    public void OnnxNameAttribute_KeepsTheName()
    {
        Assert.Equal("sigmoid_0.tmp_0", new OnnxNameAttribute("sigmoid_0.tmp_0").Name);
        var usage = typeof(OnnxNameAttribute).GetCustomAttributes(typeof(AttributeUsageAttribute), false).Cast<AttributeUsageAttribute>().Single();
        Assert.True(usage.ValidOn.HasFlag(AttributeTargets.Property));
        Assert.True(usage.ValidOn.HasFlag(AttributeTargets.Parameter));
    }
}
