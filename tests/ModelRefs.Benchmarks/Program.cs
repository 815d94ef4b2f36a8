using System.Diagnostics;
using System.Globalization;
using ModelRefs.Benchmarks;
using ModelRefs.Benchmarks.Models;

// Silero VAD on real speech, 512-sample frames: the generated wrapper against hand-written ONNX
// Runtime code. Rounds are interleaved so that machine noise hits every variant alike; the
// median of per-call times over rounds is reported, and managed bytes allocated per call.
const int FramesPerRound = 200;
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;

var samples = ReadWav(Path.Combine(AppContext.BaseDirectory, "speech.wav"));
var frameCount = samples.Length / 512;
var modelPath = Path.Combine(AppContext.BaseDirectory, SileroVad.ModelFile);
var options = new SessionOptionsFactory();

ISileroVariant[] variants =
[
    new GeneratedWrapper(options),
    new HandWrittenOrtValues(modelPath, options),
    new NamedOnnxValues(modelPath, options),
];

// Same answers first: a benchmark of code that computes different things means nothing. Every
// variant starts from a fresh state and sees the same frames (silence, then speech).
var reference = variants.Select(v => Enumerable.Range(0, 80).Select(f => v.Step(samples.AsSpan(f * 512, 512))).ToArray()).ToArray();
for (var v = 1; v < variants.Length; v++)
    for (var f = 0; f < reference[0].Length; f++)
        if (Math.Abs(reference[0][f] - reference[v][f]) > 1e-4)
            throw new InvalidOperationException($"{variants[v].Name} gives {reference[v][f]} where the wrapper gives {reference[0][f]} (frame {f}).");

var times = variants.ToDictionary(v => v, _ => new List<double>());
var frame = 0;
foreach (var variant in variants)
    for (var i = 0; i < 500; i++)
        variant.Step(Frame(ref frame));

for (var round = 0; round < rounds; round++)
    foreach (var variant in variants)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < FramesPerRound; i++)
            variant.Step(Frame(ref frame));
        times[variant].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / FramesPerRound);
    }

var allocations = variants.ToDictionary(v => v, v =>
{
    const int calls = 2000;
    var before = GC.GetAllocatedBytesForCurrentThread();
    for (var i = 0; i < calls; i++)
        v.Step(Frame(ref frame));
    return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
});

var baseline = Median(times[variants[1]]);
Console.WriteLine($"Silero VAD v5, 512-sample frames, {rounds} rounds x {FramesPerRound} calls, 1 intra-op thread, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine("| code | median µs/call | ratio to hand-written | managed bytes/call |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
foreach (var variant in variants)
{
    var median = Median(times[variant]);
    Console.WriteLine($"| {variant.Name} | {median:0.0} | {median / baseline:0.000} | {allocations[variant]:0} |");
}
foreach (var variant in variants)
    variant.Dispose();
return 0;

ReadOnlySpan<float> Frame(ref int index)
{
    var span = samples.AsSpan((index % frameCount) * 512, 512);
    index++;
    return span;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static float[] ReadWav(string path)
{
    var bytes = File.ReadAllBytes(path);
    var pos = 12;
    while (pos + 8 <= bytes.Length)
    {
        var id = System.Text.Encoding.ASCII.GetString(bytes, pos, 4);
        var size = BitConverter.ToInt32(bytes, pos + 4);
        if (id == "data")
        {
            var result = new float[size / 2];
            for (var i = 0; i < result.Length; i++)
                result[i] = BitConverter.ToInt16(bytes, pos + 8 + 2 * i) / 32768f;
            return result;
        }
        pos += 8 + size + (size & 1);
    }
    throw new InvalidDataException(path + " has no data chunk");
}
