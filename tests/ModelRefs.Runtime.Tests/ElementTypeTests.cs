using Microsoft.ML.OnnxRuntime;
using ModelRefs.Core.Onnx;

namespace ModelRefs.Runtime.Tests;

public class ElementTypeTests(BuiltModels models) : IClassFixture<BuiltModels>
{
    public static TheoryData<string> Types => new()
    {
        "float", "double", "float16", "bfloat16", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "bool",
    };

    // Six values per type (shape [2, 3]) and the double each stands for; small enough to be exact in every type.
    private static readonly double[] Numbers = [1.5, -2.25, 3, 0, 7, -8];
    private static readonly double[] Unsigned = [1, 2, 3, 0, 7, 200];

    [Theory]
    [MemberData(nameof(Types))]
    public void Identity_RoundTripsEveryElementType(string type)
    {
        switch (type)
        {
            case "float": Identity(TensorElementKind.Float, OnnxElementType.Float, Numbers.Select(v => (float)v).ToArray()); break;
            case "double": Identity(TensorElementKind.Double, OnnxElementType.Double, Numbers); break;
            case "float16": Identity(TensorElementKind.Float16, OnnxElementType.Float16, Numbers.Select(v => (Half)v).ToArray()); break;
            case "bfloat16": Identity(TensorElementKind.BFloat16, OnnxElementType.BFloat16, Numbers.Select(ToBFloat16).ToArray()); break;
            case "int8": Identity(TensorElementKind.Int8, OnnxElementType.Int8, Numbers.Select(v => (sbyte)v).ToArray()); break;
            case "uint8": Identity(TensorElementKind.UInt8, OnnxElementType.UInt8, Unsigned.Select(v => (byte)v).ToArray()); break;
            case "int16": Identity(TensorElementKind.Int16, OnnxElementType.Int16, Numbers.Select(v => (short)v).ToArray()); break;
            case "uint16": Identity(TensorElementKind.UInt16, OnnxElementType.UInt16, Unsigned.Select(v => (ushort)v).ToArray()); break;
            case "int32": Identity(TensorElementKind.Int32, OnnxElementType.Int32, Numbers.Select(v => (int)v).ToArray()); break;
            case "uint32": Identity(TensorElementKind.UInt32, OnnxElementType.UInt32, Unsigned.Select(v => (uint)v).ToArray()); break;
            case "int64": Identity(TensorElementKind.Int64, OnnxElementType.Int64, Numbers.Select(v => (long)v).ToArray()); break;
            case "uint64": Identity(TensorElementKind.UInt64, OnnxElementType.UInt64, Unsigned.Select(v => (ulong)v).ToArray()); break;
            case "bool": Identity(TensorElementKind.Bool, OnnxElementType.Bool, [true, false, true, true, false, false]); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Cast_ReadsAndWritesTheValuesOfEveryElementType(string type)
    {
        switch (type)
        {
            case "float": Cast(TensorElementKind.Float, OnnxElementType.Float, Numbers, v => (float)v); break;
            case "double": Cast(TensorElementKind.Double, OnnxElementType.Double, Numbers, v => v); break;
            case "float16": Cast(TensorElementKind.Float16, OnnxElementType.Float16, Numbers, v => (Half)v); break;
            case "bfloat16": Cast(TensorElementKind.BFloat16, OnnxElementType.BFloat16, Numbers, ToBFloat16); break;
            case "int8": Cast(TensorElementKind.Int8, OnnxElementType.Int8, Numbers.Select(Math.Truncate).ToArray(), v => (sbyte)v); break;
            case "uint8": Cast(TensorElementKind.UInt8, OnnxElementType.UInt8, Unsigned, v => (byte)v); break;
            case "int16": Cast(TensorElementKind.Int16, OnnxElementType.Int16, Numbers.Select(Math.Truncate).ToArray(), v => (short)v); break;
            case "uint16": Cast(TensorElementKind.UInt16, OnnxElementType.UInt16, Unsigned, v => (ushort)v); break;
            case "int32": Cast(TensorElementKind.Int32, OnnxElementType.Int32, Numbers.Select(Math.Truncate).ToArray(), v => (int)v); break;
            case "uint32": Cast(TensorElementKind.UInt32, OnnxElementType.UInt32, Unsigned, v => (uint)v); break;
            case "int64": Cast(TensorElementKind.Int64, OnnxElementType.Int64, Numbers.Select(Math.Truncate).ToArray(), v => (long)v); break;
            case "uint64": Cast(TensorElementKind.UInt64, OnnxElementType.UInt64, Unsigned, v => (ulong)v); break;
            case "bool": Cast(TensorElementKind.Bool, OnnxElementType.Bool, [1, 0, 1, 1, 0, 0], v => v != 0); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    private static readonly long[] TwoByThree = [2, 3];

    private static BFloat16 ToBFloat16(double value) =>
        // bfloat16 is the high half of a float32; the test values are exact in it.
        new((ushort)(BitConverter.SingleToUInt32Bits((float)value) >> 16));

    /// <summary>x: T [batch, 3] → Identity → y: T [batch, 3]; checks values, learned and reused outputs, a shape change and zero allocation.</summary>
    private void Identity<T>(TensorElementKind kind, OnnxElementType onnxType, T[] values) where T : unmanaged
    {
        var builder = new OnnxModelBuilder()
            .Input("x", onnxType, "batch", 3)
            .Output("y", onnxType, "batch", 3)
            .Node("Identity", ["x"], ["y"]);
        var info = BuiltModels.Info("Identity_" + kind,
            [new TensorSignature("x", kind, [-1, 3], ["batch", null], null)],
            [new TensorSignature("y", kind, [-1, 3], ["batch", null], null)]);
        using var session = models.Open(builder, info);

        session.SetInput<T>(0, values, [2, 3]);
        session.Run();
        Assert.Equal(values, session.GetOutput<T>(0).ToArray());
        Assert.Equal([2L, 3L], session.GetOutputShape(0).ToArray());

        // Second run: the output is now the session's own bound buffer.
        var reversed = values.Reverse().ToArray();
        session.SetInput<T>(0, reversed, [2, 3]);
        session.Run();
        Assert.Equal(reversed, session.GetOutput<T>(0).ToArray());

        session.SetInput<T>(0, values.AsSpan(0, 3), [1, 3]);
        session.Run();
        Assert.Equal(values[..3], session.GetOutput<T>(0).ToArray());
        Assert.Equal([1L, 3L], session.GetOutputShape(0).ToArray());

        var e = Assert.Throws<ShapeMismatchException>(() => session.SetInput<T>(0, values, [3, 2]));
        Assert.Equal("[batch, 3]", e.Expected);
        Assert.Equal("[3, 2]", e.Given);

        // A static array, not a [2, 3] literal: in Debug builds RuntimeHelpers.CreateSpan allocates at the call site.
        session.SetInput<T>(0, values, TwoByThree);
        session.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            session.SetInput<T>(0, values, TwoByThree);
            session.Run();
            _ = session.GetOutput<T>(0);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>a: T [n] → Cast(double) → a_double; b: double [n] → Cast(T) → b_cast.</summary>
    private void Cast<T>(TensorElementKind kind, OnnxElementType onnxType, double[] doubles, Func<double, T> convert) where T : unmanaged
    {
        var builder = new OnnxModelBuilder()
            .Input("a", onnxType, "n")
            .Input("b", OnnxElementType.Double, "n")
            .Output("a_double", OnnxElementType.Double, "n")
            .Output("b_cast", onnxType, "n")
            .Node("Cast", ["a"], ["a_double"], OnnxAttribute.Int("to", (long)OnnxElementType.Double))
            .Node("Cast", ["b"], ["b_cast"], OnnxAttribute.Int("to", (long)onnxType));
        var info = BuiltModels.Info("Cast_" + kind,
            [
                new TensorSignature("a", kind, [-1], ["n"], null),
                new TensorSignature("b", TensorElementKind.Double, [-1], ["n"], null),
            ],
            [
                new TensorSignature("a_double", TensorElementKind.Double, [-1], ["n"], null),
                new TensorSignature("b_cast", kind, [-1], ["n"], null),
            ]);
        using var session = models.Open(builder, info);
        var typed = doubles.Select(convert).ToArray();
        for (int run = 0; run < 2; run++)
        {
            session.SetInput<T>(0, typed, [typed.Length]);
            session.SetInput<double>(1, doubles, [doubles.Length]);
            session.Run();
            Assert.Equal(doubles, session.GetOutput<double>(0).ToArray());
            Assert.Equal(typed, session.GetOutput<T>(1).ToArray());
        }
    }

    [Fact]
    public void Strings_GoThroughOrtStringTensors_BesideNumericOutputs()
    {
        var builder = new OnnxModelBuilder()
            .Input("text", OnnxElementType.String, "n")
            .Input("score", OnnxElementType.Float, "n")
            .Output("text_out", OnnxElementType.String, "n")
            .Output("score_out", OnnxElementType.Float, "n")
            .Node("Identity", ["text"], ["text_out"])
            .Node("Identity", ["score"], ["score_out"]);
        var info = BuiltModels.Info("Strings",
            [
                new TensorSignature("text", TensorElementKind.String, [-1], ["n"], null),
                new TensorSignature("score", TensorElementKind.Float, [-1], ["n"], null),
            ],
            [
                new TensorSignature("text_out", TensorElementKind.String, [-1], ["n"], null),
                new TensorSignature("score_out", TensorElementKind.Float, [-1], ["n"], null),
            ]);
        using var session = models.Open(builder, info);

        string[][] batches = [["héllo", "wörld"], ["", "ünïcode ✓"], ["a", "b", "c"]];
        foreach (var batch in batches)
        {
            var scores = batch.Select(s => (float)s.Length).ToArray();
            session.SetInput(0, batch, [batch.Length]);
            session.SetInput<float>(1, scores, [batch.Length]);
            session.Run();
            Assert.Equal(batch, session.GetStringOutput(0));
            Assert.Equal([(long)batch.Length], session.GetOutputShape(0).ToArray());
            Assert.Equal(scores, session.GetOutput<float>(1).ToArray());
        }

        Assert.Throws<ArgumentException>(() => session.SetInput<float>(0, [1f], [1]));
        Assert.Throws<ArgumentException>(() => session.GetOutput<float>(0));
        Assert.Throws<ArgumentException>(() => session.SetInput(0, new string[] { null! }, [1]));
    }

    [Fact]
    public void OutputShapeThatDependsOnValues_IsRelearnedWhenOrtRejectsTheBoundBuffer()
    {
        var builder = new OnnxModelBuilder()
            .Input("x", OnnxElementType.Int64, 4)
            .Output("indices", OnnxElementType.Int64, 1, "nonzero")
            .Node("NonZero", ["x"], ["indices"]);
        var info = BuiltModels.Info("NonZero",
            [new TensorSignature("x", TensorElementKind.Int64, [4], [null], null)],
            [new TensorSignature("indices", TensorElementKind.Int64, [1, -1], [null, "nonzero"], null)]);
        using var session = models.Open(builder, info);

        (long[] Input, long[] Expected)[] cases =
        [
            ([1, 0, 0, 0], [0]),
            ([1, 1, 1, 0], [0, 1, 2]),
            ([0, 0, 0, 0], []),
            ([0, 0, 0, 5], [3]),
            ([0, 2, 0, 5], [1, 3]),
            ([2, 2, 2, 2], [0, 1, 2, 3]),
            ([3, 3, 3, 3], [0, 1, 2, 3]),
        ];
        foreach (var (input, expected) in cases)
        {
            session.SetInput<long>(0, input, [4]);
            session.Run();
            Assert.Equal([1L, expected.Length], session.GetOutputShape(0).ToArray());
            Assert.Equal(expected, session.GetOutput<long>(0).ToArray());
        }
    }

    [Fact]
    public void EmptyTensors_RunAndGiveEmptyOutputs()
    {
        var builder = new OnnxModelBuilder()
            .Input("x", OnnxElementType.Float, "batch", 3)
            .Output("y", OnnxElementType.Float, "batch", 3)
            .Node("Identity", ["x"], ["y"]);
        var info = BuiltModels.Info("Empty",
            [new TensorSignature("x", TensorElementKind.Float, [-1, 3], ["batch", null], null)],
            [new TensorSignature("y", TensorElementKind.Float, [-1, 3], ["batch", null], null)]);
        using var session = models.Open(builder, info);
        session.SetInput<float>(0, [], [0, 3]);
        session.Run();
        Assert.Equal([0L, 3L], session.GetOutputShape(0).ToArray());
        Assert.True(session.GetOutput<float>(0).IsEmpty);
        session.SetInput<float>(0, [1, 2, 3], [1, 3]);
        session.Run();
        Assert.Equal([1f, 2, 3], session.GetOutput<float>(0).ToArray());
    }

    [Fact]
    public void ModelWithBuiltInSessionMatchesPlainRun()
    {
        // Sanity check of the test models themselves: ORT's plain API agrees with the bound session.
        var builder = new OnnxModelBuilder()
            .Input("x", OnnxElementType.Float, "n")
            .Output("y", OnnxElementType.Float, "n")
            .Node("Sigmoid", ["x"], ["y"]);
        var path = models.Save(builder);
        var info = BuiltModels.Info("Sigmoid",
            [new TensorSignature("x", TensorElementKind.Float, [-1], ["n"], null)],
            [new TensorSignature("y", TensorElementKind.Float, [-1], ["n"], null)]);
        float[] x = [-3, -0.5f, 0, 0.25f, 4];
        using var plain = new InferenceSession(path);
        using var result = plain.Run([NamedOnnxValue.CreateFromTensor("x", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(x, [5]))]);
        var expected = result[0].AsTensor<float>().ToArray();

        using var session = ModelSession.Open(info, ModelLocation.File(path), null);
        session.SetInput<float>(0, x, [5]);
        session.Run();
        Assert.Equal(expected, session.GetOutput<float>(0).ToArray());
    }
}
