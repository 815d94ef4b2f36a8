namespace ModelRefs.Benchmarks;

internal static class Wav
{
    /// <summary>The samples of a 16-bit PCM mono WAV file, as floats in [-1, 1).</summary>
    public static float[] ReadMono16(string path)
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
}
