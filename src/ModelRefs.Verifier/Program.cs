using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// ModelRefs.Verifier <request.json>: runs the model once on the given inputs and writes every
// output (raw little-endian data) plus result.json into the request's output folder.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: ModelRefs.Verifier <request.json>");
    return 2;
}
try
{
    using var request = JsonDocument.Parse(File.ReadAllBytes(args[0]));
    var root = request.RootElement;
    var outputDir = root.GetProperty("output_dir").GetString()!;
    using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
    using var session = new InferenceSession(root.GetProperty("model").GetString()!, options);

    var names = new List<string>();
    var values = new List<OrtValue>();
    try
    {
        foreach (var input in root.GetProperty("inputs").EnumerateArray())
        {
            names.Add(input.GetProperty("name").GetString()!);
            var shape = input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var data = File.ReadAllBytes(input.GetProperty("file").GetString()!);
            values.Add(input.GetProperty("dtype").GetString() switch
            {
                "float32" => Tensors.Create<float>(data, shape),
                "float64" => Tensors.Create<double>(data, shape),
                "int64" => Tensors.Create<long>(data, shape),
                "int32" => Tensors.Create<int>(data, shape),
                "int16" => Tensors.Create<short>(data, shape),
                "int8" => Tensors.Create<sbyte>(data, shape),
                "uint8" => Tensors.Create<byte>(data, shape),
                "bool" => Tensors.Create<bool>(data, shape),
                var other => throw new NotSupportedException($"input element type {other}"),
            });
        }
        using var runOptions = new RunOptions();
        var outputNames = session.OutputNames.ToArray();
        using var results = session.Run(runOptions, names, values, outputNames);
        var described = new List<object>();
        for (var i = 0; i < outputNames.Length; i++)
        {
            var value = results[i];
            if (!value.IsTensor)
                throw new NotSupportedException($"output {outputNames[i]} is not a tensor");
            var info = value.GetTensorTypeAndShape();
            var (dtype, bytes) = info.ElementDataType switch
            {
                TensorElementType.Float => ("float32", Tensors.Bytes<float>(value)),
                TensorElementType.Double => ("float64", Tensors.Bytes<double>(value)),
                TensorElementType.Int64 => ("int64", Tensors.Bytes<long>(value)),
                TensorElementType.Int32 => ("int32", Tensors.Bytes<int>(value)),
                TensorElementType.Int16 => ("int16", Tensors.Bytes<short>(value)),
                TensorElementType.Int8 => ("int8", Tensors.Bytes<sbyte>(value)),
                TensorElementType.UInt8 => ("uint8", Tensors.Bytes<byte>(value)),
                TensorElementType.Bool => ("bool", Tensors.Bytes<bool>(value)),
                var other => throw new NotSupportedException($"output {outputNames[i]} has element type {other}"),
            };
            var file = Path.Combine(outputDir, $"ort_output_{i}.bin");
            File.WriteAllBytes(file, bytes);
            described.Add(new { name = outputNames[i], dtype, shape = info.Shape, file });
        }
        var version = typeof(InferenceSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? typeof(InferenceSession).Assembly.GetName().Version?.ToString();
        File.WriteAllBytes(Path.Combine(outputDir, "result.json"),
            JsonSerializer.SerializeToUtf8Bytes(new { runtime = $"onnxruntime {version}", outputs = described }));
        return 0;
    }
    finally
    {
        foreach (var value in values)
            value.Dispose();
    }
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
    return 1;
}

internal static class Tensors
{
    public static OrtValue Create<T>(byte[] data, long[] shape) where T : unmanaged =>
        OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<byte, T>(data).ToArray(), shape);

    public static byte[] Bytes<T>(OrtValue value) where T : unmanaged =>
        MemoryMarshal.AsBytes(value.GetTensorDataAsSpan<T>()).ToArray();
}
