using System.Diagnostics;
using System.Globalization;
using ModelRefs.Benchmarks.Models;

namespace ModelRefs.Benchmarks;

/// <summary>
/// Silero VAD on real speech, 512-sample frames: the generated wrapper against hand-written ONNX
/// Runtime code. Rounds are interleaved so that machine noise hits every variant alike; the
/// median of per-call times over rounds is reported, and managed bytes allocated per call.
/// </summary>
internal static class VadBenchmark
{
    private const int FramesPerRound = 200;

    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
        var samples = Wav.ReadMono16(Path.Combine(AppContext.BaseDirectory, "speech.wav"));
        var frameCount = samples.Length / 512;
        var modelPath = Path.Combine(AppContext.BaseDirectory, SileroVad.ModelFile);
        var options = new SessionOptionsFactory();

        ISileroVariant[] variants =
        [
            new GeneratedWrapper(options),
            new HandWrittenOrtValues(modelPath, options),
            new NamedOnnxValues(modelPath, options),
        ];

        // Same answers first: a benchmark of code that computes different things means nothing.
        // Every variant starts from a fresh state and sees the same frames (silence, then speech).
        var reference = variants.Select(v => Enumerable.Range(0, 80).Select(f => v.Step(samples.AsSpan(f * 512, 512))).ToArray()).ToArray();
        for (var v = 1; v < variants.Length; v++)
            for (var f = 0; f < reference[0].Length; f++)
                if (Math.Abs(reference[0][f] - reference[v][f]) > 1e-4)
                    throw new InvalidOperationException($"{variants[v].Name} gives {reference[v][f]} where the wrapper gives {reference[0][f]} (frame {f}).");

        var frame = 0;
        ReadOnlySpan<float> NextFrame() => samples.AsSpan((frame++ % frameCount) * 512, 512);

        foreach (var variant in variants)
            for (var i = 0; i < 500; i++)
                variant.Step(NextFrame());

        var times = variants.ToDictionary(v => v, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
            foreach (var variant in variants)
            {
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < FramesPerRound; i++)
                    variant.Step(NextFrame());
                times[variant].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / FramesPerRound);
            }

        var allocations = variants.ToDictionary(v => v, v =>
        {
            const int calls = 2000;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < calls; i++)
                v.Step(NextFrame());
            return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
        });

        var baseline = Statistics.Median(times[variants[1]]);
        Console.WriteLine($"Silero VAD v5, 512-sample frames, {rounds} rounds x {FramesPerRound} calls, 1 intra-op thread, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| code | median µs/call | ratio to hand-written | managed bytes/call |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var variant in variants)
        {
            var median = Statistics.Median(times[variant]);
            Console.WriteLine($"| {variant.Name} | {median:0.0} | {median / baseline:0.000} | {allocations[variant]:0} |");
        }
        foreach (var variant in variants)
            variant.Dispose();
        return 0;
    }
}
