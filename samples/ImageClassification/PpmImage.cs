using System.Text;

namespace ImageClassification;

/// <summary>A binary PPM (P6, 8-bit RGB) image: the simplest format to read without a library.</summary>
internal sealed class PpmImage(int width, int height, byte[] rgb)
{
    public int Width { get; } = width;
    public int Height { get; } = height;

    public static PpmImage Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var position = 0;
        string Token()
        {
            while (position < bytes.Length && (char.IsWhiteSpace((char)bytes[position]) || bytes[position] == '#'))
            {
                if (bytes[position] == '#')
                    while (position < bytes.Length && bytes[position] != '\n')
                        position++;
                position++;
            }
            var start = position;
            while (position < bytes.Length && !char.IsWhiteSpace((char)bytes[position]))
                position++;
            return Encoding.ASCII.GetString(bytes, start, position - start);
        }
        if (Token() != "P6")
            throw new InvalidDataException($"{path} is not a binary PPM (P6) image.");
        var width = int.Parse(Token());
        var height = int.Parse(Token());
        if (Token() != "255")
            throw new InvalidDataException($"{path}: only 8-bit PPM images are supported.");
        position++; // the single whitespace after the header
        if (bytes.Length - position < width * height * 3)
            throw new InvalidDataException($"{path} is truncated.");
        return new PpmImage(width, height, bytes.AsSpan(position, width * height * 3).ToArray());
    }

    /// <summary>
    /// torchvision's ImageNet preprocessing: resized (bilinear) to size×size, scaled to [0, 1],
    /// normalised with the ImageNet mean and standard deviation, laid out as 1×3×size×size (NCHW).
    /// </summary>
    public float[] ToImageNetTensor(int size)
    {
        ReadOnlySpan<float> mean = [0.485f, 0.456f, 0.406f];
        ReadOnlySpan<float> std = [0.229f, 0.224f, 0.225f];
        var tensor = new float[3 * size * size];
        for (var y = 0; y < size; y++)
        {
            var sy = Math.Clamp((y + 0.5f) * Height / size - 0.5f, 0, Height - 1);
            int y0 = (int)sy, y1 = Math.Min(y0 + 1, Height - 1);
            var fy = sy - y0;
            for (var x = 0; x < size; x++)
            {
                var sx = Math.Clamp((x + 0.5f) * Width / size - 0.5f, 0, Width - 1);
                int x0 = (int)sx, x1 = Math.Min(x0 + 1, Width - 1);
                var fx = sx - x0;
                for (var c = 0; c < 3; c++)
                {
                    var top = rgb[(y0 * Width + x0) * 3 + c] * (1 - fx) + rgb[(y0 * Width + x1) * 3 + c] * fx;
                    var bottom = rgb[(y1 * Width + x0) * 3 + c] * (1 - fx) + rgb[(y1 * Width + x1) * 3 + c] * fx;
                    var value = (top * (1 - fy) + bottom * fy) / 255f;
                    tensor[(c * size + y) * size + x] = (value - mean[c]) / std[c];
                }
            }
        }
        return tensor;
    }
}
