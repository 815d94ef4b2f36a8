namespace ModelRefs.EndToEnd.Tests;

/// <summary>The consumer app the end-to-end tests build: Silero VAD over a WAV file, through the generated class.</summary>
internal static class SileroProgram
{
    public const string Source = """
        using System.Text;
        using Consumer.Models;

        var bytes = File.ReadAllBytes(args[0]);
        int pos = 12, dataStart = -1, dataLength = 0;
        while (pos + 8 <= bytes.Length)
        {
            var id = Encoding.ASCII.GetString(bytes, pos, 4);
            var size = BitConverter.ToInt32(bytes, pos + 4);
            if (id == "data") { dataStart = pos + 8; dataLength = size; break; }
            pos += 8 + size + (size & 1);
        }
        var samples = new float[dataLength / 2];
        for (var i = 0; i < samples.Length; i++)
            samples[i] = BitConverter.ToInt16(bytes, dataStart + 2 * i) / 32768f;

        using var vad = new SileroVad();
        var state = new float[2 * 1 * 128];
        long[] frameShape = [1, 512];
        long[] stateShape = [2, 1, 128];
        double speechSum = 0; int speechFrames = 0; float silenceMax = 0;
        for (var offset = 0; offset + 512 <= samples.Length; offset += 512)
        {
            var result = vad.Run(samples.AsSpan(offset, 512), frameShape, state, stateShape, 16000);
            var probability = result.Output[0];
            result.StateN.CopyTo(state);
            var seconds = offset / 16000.0;
            if (seconds >= 1.2 && seconds < 4.8) { speechSum += probability; speechFrames++; }
            if (seconds < 0.9) silenceMax = Math.Max(silenceMax, probability);
        }
        Console.WriteLine($"speech-mean={speechSum / speechFrames:F3}");
        Console.WriteLine($"silence-max={silenceMax:F3}");
        Console.WriteLine($"sha256={SileroVad.Info.Sha256}");
        Console.WriteLine($"license={SileroVad.Info.License}");
        """;

    /// <summary>Reads a "key=value" line of the program's output.</summary>
    public static string Value(string output, string key) =>
        output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..]
        ?? throw new Xunit.Sdk.XunitException($"'{key}=' not in the program's output:\n{output}");

    public static double Number(string output, string key) =>
        double.Parse(Value(output, key), System.Globalization.CultureInfo.InvariantCulture);
}
