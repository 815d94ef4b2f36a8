using ModelRefs.Core.Conversion.TfJs;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ModelRefs.Conversion.Tests.TfJs;

/// <summary>Runs a converted model in ONNX Runtime on <see cref="TestTensor"/> inputs.</summary>
public static class OrtRunner
{
    /// <summary>
    /// Runs a conversion's ONNX file on inputs named as TF names them (the Placeholder nodes, as
    /// tfjs takes them): each is fed under its ONNX name, and the outputs come in the result's order.
    /// </summary>
    public static IReadOnlyList<TestTensor> Run(ConversionResult result, IReadOnlyList<TestTensor> tfInputs)
    {
        var onnxNames = result.Inputs.ToDictionary(i => i.TfName, i => i.OnnxName, StringComparer.Ordinal);
        var feeds = tfInputs.Select(t => t with { Name = onnxNames.TryGetValue(t.Name, out var n) ? n : t.Name }).ToList();
        return Run(result.OutputPath, feeds, result.Outputs.Select(o => o.OnnxName).ToList());
    }

    public static IReadOnlyList<TestTensor> Run(string onnxPath, IReadOnlyList<TestTensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(onnxPath, options);
        return Run(session, inputs, outputNames);
    }

    public static IReadOnlyList<TestTensor> Run(InferenceSession session, IReadOnlyList<TestTensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        var feeds = inputs.Select(ToValue).ToList();
        var names = outputNames ?? session.OutputNames;
        using var results = session.Run(feeds, names);
        return results.Select(FromValue).ToList();
    }

    public static NamedOnnxValue ToValue(TestTensor t) => t.Values switch
    {
        float[] f => NamedOnnxValue.CreateFromTensor(t.Name, new DenseTensor<float>(f, t.Shape.Select(d => (int)d).ToArray())),
        int[] i => NamedOnnxValue.CreateFromTensor(t.Name, new DenseTensor<int>(i, t.Shape.Select(d => (int)d).ToArray())),
        bool[] b => NamedOnnxValue.CreateFromTensor(t.Name, new DenseTensor<bool>(b, t.Shape.Select(d => (int)d).ToArray())),
        byte[] u => NamedOnnxValue.CreateFromTensor(t.Name, new DenseTensor<byte>(u, t.Shape.Select(d => (int)d).ToArray())),
        _ => throw new NotSupportedException(t.Values.GetType().Name),
    };

    private static TestTensor FromValue(DisposableNamedOnnxValue v)
    {
        switch (v.Value)
        {
            case Tensor<float> f: return new TestTensor(v.Name, "float32", f.Dimensions.ToArray().Select(d => (long)d).ToArray(), f.ToArray());
            case Tensor<int> i: return new TestTensor(v.Name, "int32", i.Dimensions.ToArray().Select(d => (long)d).ToArray(), i.ToArray());
            case Tensor<long> l: return new TestTensor(v.Name, "int64", l.Dimensions.ToArray().Select(d => (long)d).ToArray(), l.ToArray());
            case Tensor<bool> b: return new TestTensor(v.Name, "bool", b.Dimensions.ToArray().Select(d => (long)d).ToArray(), b.ToArray());
            default: throw new NotSupportedException($"output {v.Name}: {v.Value?.GetType().Name}");
        }
    }

    /// <summary>Max absolute difference; asserts equal shapes and sizes.</summary>
    public static double MaxAbsDiff(TestTensor expected, TestTensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(",", actual.Shape)}] differs from tfjs [{string.Join(",", expected.Shape)}]");
        var e = expected.AsDoubles();
        var a = actual.AsDoubles();
        Assert.Equal(e.Length, a.Length);
        var max = 0.0;
        for (var i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i]))
                continue;
            var d = Math.Abs(e[i] - a[i]);
            if (double.IsNaN(d))
                d = double.PositiveInfinity;
            max = Math.Max(max, d);
        }
        return max;
    }
}
