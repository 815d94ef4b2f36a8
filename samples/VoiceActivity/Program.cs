using VoiceActivity;
using VoiceActivity.Models;

// Usage: dotnet run --project samples/VoiceActivity [-- path/to/16kHz-mono.wav]
var path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "speech.wav");
var (samples, sampleRate) = WavFile.ReadMono16(path);
if (sampleRate != SpeechDetector.SampleRate)
{
    Console.Error.WriteLine($"{path}: Silero VAD wants {SpeechDetector.SampleRate} Hz audio, this file is {sampleRate} Hz. Convert with: sox in.wav -r 16000 -c 1 -b 16 out.wav");
    return 1;
}

Console.WriteLine($"Model: {SileroVad.Info.Handle}");
Console.WriteLine($"       licence {SileroVad.Info.License ?? "unknown"}, sha256 {SileroVad.Info.Sha256[..12]}…");
Console.WriteLine($"Audio: {Path.GetFileName(path)}, {samples.Length / (double)sampleRate:0.00} s");

using var detector = new SpeechDetector();
var segments = detector.Detect(samples);
foreach (var segment in segments)
    Console.WriteLine($"speech {segment.Start:mm\\:ss\\.ff} - {segment.End:mm\\:ss\\.ff}  ({(segment.End - segment.Start).TotalSeconds:0.00} s)");
Console.WriteLine($"{segments.Count} speech segment(s)");
return 0;
