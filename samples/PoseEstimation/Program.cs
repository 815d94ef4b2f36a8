using System.Globalization;
using PoseEstimation.Models;

// MoveNet SinglePose Lightning: a 192×192 RGB image (int32 0–255, NHWC) → 17 keypoints (y, x, score),
// y and x in 0–1 of the image. Usage: dotnet run --project samples/PoseEstimation [image.ppm] [out.ppm]
var input = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "figure.ppm");
var output = args.Length > 1 ? args[1] : "keypoints.ppm";
string[] names =
[
    "nose", "left eye", "right eye", "left ear", "right ear", "left shoulder", "right shoulder", "left elbow", "right elbow",
    "left wrist", "right wrist", "left hip", "right hip", "left knee", "right knee", "left ankle", "right ankle",
];

var image = Ppm.Read(input);
const int Size = 192;
var pixels = new int[Size * Size * 3];
for (var y = 0; y < Size; y++)
    for (var x = 0; x < Size; x++)
    {
        // Nearest-neighbour resize to the model's 192×192.
        var source = (y * image.Height / Size * image.Width + x * image.Width / Size) * 3;
        for (var c = 0; c < 3; c++)
            pixels[(y * Size + x) * 3 + c] = image.Rgb[source + c];
    }

using var movenet = new MoveNet();
var keypoints = movenet.Run((ReadOnlySpan<int>)pixels).Identity; // [1,1,17,3]

Console.WriteLine($"MoveNet ({MoveNet.Info.License}) on {Path.GetFileName(input)} ({image.Width}×{image.Height}):");
for (var k = 0; k < names.Length; k++)
{
    float ky = keypoints[k * 3], kx = keypoints[k * 3 + 1], score = keypoints[k * 3 + 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {names[k],-15} x={kx * image.Width,6:F1} y={ky * image.Height,6:F1} score={score:F2}"));
    Ppm.Dot(image, (int)(kx * image.Width), (int)(ky * image.Height), score >= 0.3 ? ((byte)255, (byte)0, (byte)0) : ((byte)255, (byte)200, (byte)0));
}
Ppm.Write(output, image);
Console.WriteLine($"Keypoints drawn into {Path.GetFullPath(output)} (red: score ≥ 0.3, yellow: below).");

/// <summary>Binary PPM (P6, 8-bit RGB): a format simple enough to read and write in a few lines.</summary>
internal sealed record Ppm(int Width, int Height, byte[] Rgb)
{
    public static Ppm Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var position = 0;
        string Token()
        {
            while (true)
            {
                while (char.IsWhiteSpace((char)bytes[position])) position++;
                if (bytes[position] != '#') break;
                while (bytes[position] != '\n') position++;
            }
            var start = position;
            while (!char.IsWhiteSpace((char)bytes[position])) position++;
            return System.Text.Encoding.ASCII.GetString(bytes, start, position - start);
        }
        if (Token() != "P6")
            throw new InvalidDataException($"{path} is not a binary PPM (P6) image.");
        int width = int.Parse(Token(), CultureInfo.InvariantCulture), height = int.Parse(Token(), CultureInfo.InvariantCulture);
        if (Token() != "255")
            throw new InvalidDataException($"{path}: only 8-bit PPM images are read.");
        position++; // one whitespace byte after the header
        return new Ppm(width, height, bytes.AsSpan(position, width * height * 3).ToArray());
    }

    public static void Dot(Ppm image, int cx, int cy, (byte R, byte G, byte B) colour)
    {
        for (var y = cy - 2; y <= cy + 2; y++)
            for (var x = cx - 2; x <= cx + 2; x++)
                if (x >= 0 && y >= 0 && x < image.Width && y < image.Height)
                {
                    var i = (y * image.Width + x) * 3;
                    (image.Rgb[i], image.Rgb[i + 1], image.Rgb[i + 2]) = colour;
                }
    }

    public static void Write(string path, Ppm image)
    {
        using var file = File.Create(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"P6\n{image.Width} {image.Height}\n255\n"));
        file.Write(image.Rgb);
    }
}
