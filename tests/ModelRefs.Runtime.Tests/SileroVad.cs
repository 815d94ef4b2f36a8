using Microsoft.ML.OnnxRuntime;
using ModelRefs.TestSupport;

namespace ModelRefs.Runtime.Tests;

/// <summary>The real Silero VAD v5 model from npm, its signature as the generator would state it, and a plain ORT reference run.</summary>
internal static class SileroVad
{
    public const int Input = 0, State = 1, Sr = 2;
    public const int Output = 0, StateN = 1;
    public const int ChunkSamples = 512;
    public const long SampleRate = 16000;

    public static string ModelPath => NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path);

    public static ModelInfo Info { get; } = new(
        "SileroVad",
        "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx",
        "https://registry.npmjs.org/@ricky0123/vad-web/-/vad-web-0.0.31.tgz",
        NpmPackages.SileroVadV5Sha256,
        NpmPackages.SileroVadV5Sha256,
        "MIT",
        "Silero VAD v5",
        "pytorch",
        [
            new TensorSignature("input", TensorElementKind.Float, [-1, -1], [null, null], null),
            new TensorSignature("state", TensorElementKind.Float, [2, -1, 128], [null, null, null], null),
            new TensorSignature("sr", TensorElementKind.Int64, [], [], null),
        ],
        [
            new TensorSignature("output", TensorElementKind.Float, [-1, 1], [null, null], null),
            new TensorSignature("stateN", TensorElementKind.Float, null, null, null),
        ]);

    public static ModelSession Open(ModelOptions? options = null) =>
        ModelSession.Open(Info, ModelLocation.File(ModelPath), options);

    public static float[] Sine(double frequency, int chunk, int samples = ChunkSamples, double amplitude = 0.5)
    {
        var data = new float[samples];
        for (int i = 0; i < samples; i++)
            data[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * (chunk * samples + i) / SampleRate));
        return data;
    }

    public static float[] Noise(int seed, int samples = ChunkSamples)
    {
        var random = new Random(seed);
        var data = new float[samples];
        for (int i = 0; i < samples; i++)
            data[i] = (float)(random.NextDouble() * 2 - 1) * 0.3f;
        return data;
    }

    /// <summary>One step with a plain InferenceSession and NamedOnnxValue: the reference the bound session must equal.</summary>
    public static (float[] Output, long[] OutputShape, float[] StateN, long[] StateNShape) Reference(
        InferenceSession session, float[] input, int[] inputShape, float[] state, int[] stateShape)
    {
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(input, inputShape)),
            NamedOnnxValue.CreateFromTensor("state", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(state, stateShape)),
            NamedOnnxValue.CreateFromTensor("sr", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>(new[] { SampleRate }, Array.Empty<int>())),
        };
        using var results = session.Run(inputs);
        var output = results.Single(r => r.Name == "output").AsTensor<float>();
        var stateN = results.Single(r => r.Name == "stateN").AsTensor<float>();
        return (output.ToArray(), output.Dimensions.ToArray().Select(d => (long)d).ToArray(),
                stateN.ToArray(), stateN.Dimensions.ToArray().Select(d => (long)d).ToArray());
    }
}
