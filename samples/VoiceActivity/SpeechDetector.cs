using VoiceActivity.Models;

namespace VoiceActivity;

public readonly record struct SpeechSegment(TimeSpan Start, TimeSpan End);

/// <summary>
/// Streams audio through Silero VAD in 512-sample frames (32 ms at 16 kHz), carrying the model's
/// recurrent state, and turns per-frame speech probabilities into segments with hysteresis.
/// </summary>
public sealed class SpeechDetector : IDisposable
{
    public const int SampleRate = 16000;
    public const int FrameSize = 512;
    private static readonly long[] FrameShape = [1, FrameSize];
    private static readonly long[] StateShape = [2, 1, 128];

    private readonly SileroVad _vad = new();
    private readonly float[] _state = new float[2 * 1 * 128];

    public float StartThreshold { get; init; } = 0.5f;
    public float EndThreshold { get; init; } = 0.35f;
    public TimeSpan MinSilence { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MinSpeech { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Speech probability of every whole frame, in order.</summary>
    public float[] FrameProbabilities(ReadOnlySpan<float> samples)
    {
        Array.Clear(_state);
        var probabilities = new float[samples.Length / FrameSize];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var result = _vad.Run(samples.Slice(i * FrameSize, FrameSize), FrameShape, _state, StateShape, SampleRate);
            probabilities[i] = result.Output[0];
            result.StateN.CopyTo(_state);
        }
        return probabilities;
    }

    public List<SpeechSegment> Detect(ReadOnlySpan<float> samples)
    {
        var probabilities = FrameProbabilities(samples);
        var frame = TimeSpan.FromSeconds((double)FrameSize / SampleRate);
        var segments = new List<SpeechSegment>();
        int? start = null;
        int? silenceSince = null;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            if (start == null)
            {
                if (p >= StartThreshold)
                    start = i;
                continue;
            }
            if (p < EndThreshold)
            {
                silenceSince ??= i;
                if ((i - silenceSince.Value + 1) * frame >= MinSilence)
                {
                    Add(start.Value, silenceSince.Value);
                    start = null;
                    silenceSince = null;
                }
            }
            else
            {
                silenceSince = null;
            }
        }
        if (start != null)
            Add(start.Value, silenceSince ?? probabilities.Length);
        return segments;

        void Add(int first, int endExclusive)
        {
            var segment = new SpeechSegment(first * frame, endExclusive * frame);
            if (segment.End - segment.Start >= MinSpeech)
                segments.Add(segment);
        }
    }

    public void Dispose() => _vad.Dispose();
}
