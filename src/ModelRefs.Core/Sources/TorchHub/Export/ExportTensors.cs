using System.Buffers.Binary;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.TorchHub.Export;

/// <summary>A tensor of the export's seeded example: raw little-endian data as numpy wrote it.</summary>
/// <param name="DType">numpy's name: <c>float32</c>, <c>float64</c>, <c>float16</c>, <c>int64</c>, <c>int32</c>, <c>int16</c>, <c>int8</c>, <c>uint8</c>, <c>bool</c>.</param>
public sealed record ExportTensor(string Name, string DType, int[] Shape, byte[] Data)
{
    public long ElementCount => Shape.Aggregate(1L, (p, d) => p * d);

    /// <summary>The data as float32 (only for <c>float32</c> tensors; what ONNX Runtime wants for the usual image input).</summary>
    public float[] AsFloat32()
    {
        if (DType != "float32")
            throw new InvalidOperationException($"{Name} is {DType}, not float32.");
        var values = new float[Data.Length / 4];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(Data.AsSpan(i * 4));
        return values;
    }

    /// <summary>Every element as a double, whatever the type.</summary>
    public double[] ToDoubles()
    {
        var data = Data;
        return DType switch
        {
            "float32" => Read(4, o => BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(o))),
            "float64" => Read(8, o => BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(o))),
            "float16" => Read(2, o => (double)BinaryPrimitives.ReadHalfLittleEndian(data.AsSpan(o))),
            "int64" => Read(8, o => BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(o))),
            "int32" => Read(4, o => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(o))),
            "int16" => Read(2, o => BinaryPrimitives.ReadInt16LittleEndian(data.AsSpan(o))),
            "int8" => Read(1, o => (sbyte)data[o]),
            "uint8" or "bool" => Read(1, o => data[o]),
            _ => throw new InvalidOperationException($"{Name}: element type '{DType}' is not known."),
        };

        double[] Read(int size, Func<int, double> read)
        {
            var values = new double[Data.Length / size];
            for (var i = 0; i < values.Length; i++)
                values[i] = read(i * size);
            return values;
        }
    }

    /// <summary>A float32 tensor from values (for runners that produce float outputs).</summary>
    public static ExportTensor FromFloat32(string name, int[] shape, ReadOnlySpan<float> values)
    {
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        return new ExportTensor(name, "float32", shape, data);
    }
}

/// <summary>
/// Runs an ONNX model in a reference runtime (ONNX Runtime) for the export's verification. Core does
/// not reference ONNX Runtime; the host that has it (the MSBuild task, a CLI, a test) supplies this.
/// </summary>
public interface IOnnxReferenceRunner
{
    /// <summary>Recorded with the measured difference, e.g. <c>onnxruntime 1.23.0</c>.</summary>
    string Name { get; }

    /// <summary>Runs the model once on the inputs; returns every graph output, in the graph's order.</summary>
    IReadOnlyList<ExportTensor> Run(string onnxPath, IReadOnlyList<ExportTensor> inputs);
}

/// <summary>The outcome of running the exported ONNX model and torch on the same seeded input.</summary>
/// <param name="Status"><c>passed</c>, or <c>not-run</c> when no reference runner was given.</param>
/// <param name="MaxAbsDifference">Largest |onnx − torch| over every output element.</param>
/// <param name="MaxRelDifference">Largest |onnx − torch| / max(|torch|, 1e-6).</param>
public sealed record ExportVerification(string Status, double? MaxAbsDifference, double? MaxRelDifference, double AbsoluteTolerance,
    double RelativeTolerance, string? Runner)
{
    public static ExportVerification NotRun(ExportTolerance tolerance) =>
        new("not-run", null, null, tolerance.Absolute, tolerance.Relative, null);

    public bool Passed => Status == "passed";
}

/// <summary>An element passes when |onnx − torch| ≤ Absolute + Relative·|torch| (numpy's <c>allclose</c> rule).</summary>
public sealed record ExportTolerance(double Absolute = 1e-4, double Relative = 1e-3)
{
    public static ExportTolerance Default { get; } = new();
}

/// <summary>Compares a reference runtime's outputs with torch's.</summary>
public static class ExportVerifier
{
    /// <summary>
    /// Runs <paramref name="runner"/> on the export's example inputs and compares with torch's outputs.
    /// Throws MR0024 with the measured difference when they disagree beyond the tolerance, or the
    /// runner fails or returns other outputs.
    /// </summary>
    public static ExportVerification Verify(string modelText, string onnxPath, IReadOnlyList<ExportTensor> inputs,
        IReadOnlyList<ExportTensor> torchOutputs, IOnnxReferenceRunner runner, ExportTolerance? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        tolerance ??= ExportTolerance.Default;
        IReadOnlyList<ExportTensor> actual;
        try
        {
            actual = runner.Run(onnxPath, inputs);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ModelRefsException)
        {
            throw new ModelRefsException(RestoreDiagnostics.ExportMismatch,
                $"Model '{modelText}': the exported ONNX model could not be run in {runner.Name} to check it against torch: {e.Message}. " +
                "The export produced a model the runtime does not accept; try another Opset.", e);
        }
        if (actual.Count != torchOutputs.Count)
            throw Mismatch(modelText, runner, $"{runner.Name} returned {actual.Count} outputs, torch {torchOutputs.Count}");

        double maxAbs = 0, maxRel = 0;
        string? failure = null;
        for (var o = 0; o < torchOutputs.Count; o++)
        {
            var expected = torchOutputs[o];
            var got = actual.FirstOrDefault(a => a.Name == expected.Name) ?? actual[o];
            if (!got.Shape.SequenceEqual(expected.Shape))
                throw Mismatch(modelText, runner, $"output '{expected.Name}' has shape [{string.Join(',', got.Shape)}] in {runner.Name}, [{string.Join(',', expected.Shape)}] in torch");
            var e = expected.ToDoubles();
            var g = got.ToDoubles();
            for (var i = 0; i < e.Length; i++)
            {
                var diff = Math.Abs(g[i] - e[i]);
                if (double.IsNaN(diff))
                    diff = double.IsNaN(g[i]) && double.IsNaN(e[i]) ? 0 : double.PositiveInfinity;
                var rel = diff / Math.Max(Math.Abs(e[i]), 1e-6);
                maxAbs = Math.Max(maxAbs, diff);
                maxRel = Math.Max(maxRel, rel);
                if (failure is null && diff > tolerance.Absolute + tolerance.Relative * Math.Abs(e[i]))
                    failure = $"output '{expected.Name}' element {i}: {runner.Name} {g[i]:R}, torch {e[i]:R}";
            }
        }
        if (failure is not null)
            throw Mismatch(modelText, runner,
                $"{failure}; largest absolute difference {maxAbs:G4}, largest relative difference {maxRel:G4}, " +
                $"tolerance {tolerance.Absolute:G3} + {tolerance.Relative:G3}·|torch|");
        return new ExportVerification("passed", maxAbs, maxRel, tolerance.Absolute, tolerance.Relative, runner.Name);
    }

    private static ModelRefsException Mismatch(string modelText, IOnnxReferenceRunner runner, string what) =>
        new(RestoreDiagnostics.ExportMismatch,
            $"Model '{modelText}': the exported ONNX model does not compute what the torch model computes on the same seeded input ({what}). " +
            $"torch.onnx.export traced something {runner.Name} runs differently (data-dependent control flow, an unsupported operator " +
            "exported approximately, or a model in training mode). Try another Opset, check the entrypoint's Args, or export the model yourself and reference the .onnx file.");
}
