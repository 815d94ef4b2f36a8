using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelRefs.Conversion.Tests.TfJs;
using ModelRefs.Core.Conversion.TfJs;
using ModelRefs.TestSupport;

// MoveNet Lightning (TF.js graph model from @vladmandic/human@3.3.6):
//  1. conversion time of TfJsToOnnxConverter (first run, cold JIT, and the median of later runs);
//  2. inference latency of the converted model in ONNX Runtime vs the original model in
//     @tensorflow/tfjs-backend-wasm under Node.js, same machine, same input, one thread each,
//     median of N after warm-up; ORT is timed before and after tfjs so that drift shows;
//  3. Transpose nodes left in the converted graph.
var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100;
var json = NpmPackages.GetFile("@vladmandic/human@3.3.6", "models/movenet-lightning.json");
using var temp = new TempDirectory("modelrefs-tfjs-bench-");
var onnx = temp.Combine("movenet-lightning.onnx");

var conversions = new List<double>();
ConversionResult result = null!;
for (var i = 0; i < 6; i++)
{
    var sw = Stopwatch.StartNew();
    result = TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = onnx });
    conversions.Add(sw.Elapsed.TotalMilliseconds);
}
var coldMs = conversions[0];
var warmMs = Median(conversions.Skip(1));

var input = TfJsReference.RandomFloats(42, 192 * 192 * 3, 0, 256).Select(f => (int)f).ToArray();
var inputTensor = new TestTensor("input", "int32", [1, 192, 192, 3], input);

double OrtMedian(out float[] output)
{
    using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
    using var session = new InferenceSession(onnx, options);
    var feeds = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<int>(input, [1, 192, 192, 3])) };
    float[] last = [];
    for (var i = 0; i < 10; i++)
        using (var r = session.Run(feeds))
            last = r.First().AsTensor<float>().ToArray();
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        using var r = session.Run(feeds);
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    output = last;
    return Median(times);
}

var ortBefore = OrtMedian(out var ortOutput);
var wasm = TfJsReference.Run([new TfJsJob(json, [inputTensor], ["Identity"], BenchmarkRuns: runs)], temp.Combine("wasm"), backend: "wasm")[0];
if (wasm.Error != null)
    throw new InvalidOperationException("tfjs-backend-wasm failed: " + wasm.Error);
var ortAfter = OrtMedian(out _);
var ortMs = Median([ortBefore, ortAfter]);
var wasmOutput = (float[])wasm.Outputs[0].Values;
var maxDiff = wasmOutput.Zip(ortOutput, (a, b) => Math.Abs(a - b)).Max();

Console.WriteLine($"MoveNet Lightning, {runs} timed runs per engine, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, ORT {typeof(InferenceSession).Assembly.GetName().Version}");
Console.WriteLine();
Console.WriteLine("| measure | value |");
Console.WriteLine("| --- | ---: |");
Console.WriteLine($"| conversion, first run (cold JIT) | {coldMs:F0} ms |");
Console.WriteLine($"| conversion, median of 5 later runs | {warmMs:F0} ms |");
Console.WriteLine($"| ONNX Runtime median latency (before / after tfjs) | {ortMs:F2} ms ({ortBefore:F2} / {ortAfter:F2}) |");
Console.WriteLine($"| tfjs-backend-wasm median latency | {wasm.MedianMs:F2} ms |");
Console.WriteLine($"| ratio ORT / wasm | {ortMs / wasm.MedianMs:F2} |");
Console.WriteLine($"| ONNX nodes / Transpose nodes | {result.NodeCount} / {result.TransposeCount} |");
Console.WriteLine($"| max abs diff ORT vs wasm | {maxDiff:E2} |");

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
