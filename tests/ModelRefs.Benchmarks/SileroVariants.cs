using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelRefs.Benchmarks.Models;

namespace ModelRefs.Benchmarks;

/// <summary>One way of running Silero VAD on a 512-sample frame, carrying the recurrent state.</summary>
internal interface ISileroVariant : IDisposable
{
    string Name { get; }
    float Step(ReadOnlySpan<float> frame);
}

/// <summary>The generated wrapper's allocation-free span overload.</summary>
internal sealed class GeneratedWrapper : ISileroVariant
{
    private static readonly long[] FrameShape = [1, 512];
    private static readonly long[] StateShape = [2, 1, 128];
    private readonly SileroVad _vad;
    private readonly float[] _state = new float[256];

    public GeneratedWrapper(SessionOptionsFactory options) => _vad = new SileroVad(options.ForWrapper());
    public string Name => "generated wrapper (span overload)";

    public float Step(ReadOnlySpan<float> frame)
    {
        var result = _vad.Run(frame, FrameShape, _state, StateShape, 16000);
        result.StateN.CopyTo(_state);
        return result.Output[0];
    }

    public void Dispose() => _vad.Dispose();
}

/// <summary>
/// The leanest hand-written ONNX Runtime code: OrtValues over pre-allocated managed arrays,
/// created once, and the Run overload that writes into pre-allocated outputs.
/// </summary>
internal sealed class HandWrittenOrtValues : ISileroVariant
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input = new float[512];
    private readonly float[] _state = new float[256];
    private readonly float[] _output = new float[1];
    private readonly float[] _stateN = new float[256];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private static readonly string[] InputNames = ["input", "state", "sr"];
    private static readonly string[] OutputNames = ["output", "stateN"];

    public HandWrittenOrtValues(string modelPath, SessionOptionsFactory options)
    {
        _session = new InferenceSession(modelPath, options.Create());
        _inputs =
        [
            OrtValue.CreateTensorValueFromMemory(_input, [1, 512]),
            OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]),
            OrtValue.CreateTensorValueFromMemory(new long[] { 16000 }, []),
        ];
        _outputs =
        [
            OrtValue.CreateTensorValueFromMemory(_output, [1, 1]),
            OrtValue.CreateTensorValueFromMemory(_stateN, [2, 1, 128]),
        ];
    }

    public string Name => "hand-written, pre-allocated OrtValues";

    public float Step(ReadOnlySpan<float> frame)
    {
        frame.CopyTo(_input);
        _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);
        _stateN.CopyTo(_state.AsSpan());
        return _output[0];
    }

    public void Dispose()
    {
        foreach (var value in _inputs) value.Dispose();
        foreach (var value in _outputs) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>The common code from ONNX Runtime's samples: DenseTensor and NamedOnnxValue per call.</summary>
internal sealed class NamedOnnxValues : ISileroVariant
{
    private readonly InferenceSession _session;
    private float[] _state = new float[256];

    public NamedOnnxValues(string modelPath, SessionOptionsFactory options) =>
        _session = new InferenceSession(modelPath, options.Create());

    public string Name => "NamedOnnxValue + DenseTensor";

    public float Step(ReadOnlySpan<float> frame)
    {
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(frame.ToArray(), [1, 512])),
            NamedOnnxValue.CreateFromTensor("state", new DenseTensor<float>(_state, [2, 1, 128])),
            NamedOnnxValue.CreateFromTensor("sr", new DenseTensor<long>(new long[] { 16000 }, [])),
        };
        using var results = _session.Run(inputs);
        var probability = results.First(r => r.Name == "output").AsTensor<float>().GetValue(0);
        _state = results.First(r => r.Name == "stateN").AsTensor<float>().ToArray();
        return probability;
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>The same session settings for every variant: one intra-op thread, so runs are comparable.</summary>
internal sealed class SessionOptionsFactory
{
    public SessionOptions Create() => new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };

    public ModelRefs.Runtime.ModelOptions ForWrapper() => new() { IntraOpThreads = 1, InterOpThreads = 1 };
}
