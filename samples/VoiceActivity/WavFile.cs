namespace VoiceActivity;

/// <summary>Reads 16-bit PCM mono WAV files, the format voice models expect.</summary>
public static class WavFile
{
    public static (float[] Samples, int SampleRate) ReadMono16(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (new string(reader.ReadChars(4)) != "RIFF")
            throw new InvalidDataException($"{path} is not a WAV file (no RIFF header).");
        reader.ReadInt32();
        if (new string(reader.ReadChars(4)) != "WAVE")
            throw new InvalidDataException($"{path} is not a WAV file (no WAVE id).");

        int sampleRate = 0, channels = 0, bits = 0;
        while (reader.BaseStream.Position + 8 <= reader.BaseStream.Length)
        {
            var id = new string(reader.ReadChars(4));
            var size = reader.ReadInt32();
            if (id == "fmt ")
            {
                var format = reader.ReadInt16();
                channels = reader.ReadInt16();
                sampleRate = reader.ReadInt32();
                reader.ReadInt32();
                reader.ReadInt16();
                bits = reader.ReadInt16();
                reader.BaseStream.Seek(size - 16, SeekOrigin.Current);
                if (format != 1)
                    throw new InvalidDataException($"{path}: only PCM WAV is supported (format {format}).");
            }
            else if (id == "data")
            {
                if (channels != 1 || bits != 16)
                    throw new InvalidDataException($"{path}: expected mono 16-bit PCM, found {channels} channel(s) of {bits} bits. Convert with: sox in.wav -r 16000 -c 1 -b 16 out.wav");
                var samples = new float[size / 2];
                for (var i = 0; i < samples.Length; i++)
                    samples[i] = reader.ReadInt16() / 32768f;
                return (samples, sampleRate);
            }
            else
            {
                reader.BaseStream.Seek(size + (size & 1), SeekOrigin.Current);
            }
        }
        throw new InvalidDataException($"{path} has no data chunk.");
    }
}
