using System.Runtime.InteropServices;
using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Tests.Onnx;

/// <summary>
/// A model whose weights live in external data files, and the files: y = x·W + b with x float[1,4],
/// W float[4,2] and b float[2]. Its output for <see cref="Input"/> proves which bytes ONNX Runtime
/// loaded. Shared with the end-to-end tests (linked there).
/// </summary>
public sealed record ExternalDataModel(byte[] Model, IReadOnlyDictionary<string, byte[]> Files, float[] Expected)
{
    public static readonly float[] Input = [1, 2, 3, 4];

    /// <summary>
    /// W and b each in its own file (<paramref name="weights"/>, <paramref name="bias"/>), or both in
    /// <paramref name="singleFile"/> (W at offset 0, b after it). <paramref name="scale"/> makes other content.
    /// </summary>
    public static ExternalDataModel MatMulAdd(float scale = 1, string? singleFile = null, string weights = "weights.bin", string bias = "bias.bin")
    {
        var w = Enumerable.Range(1, 8).Select(i => i * scale).ToArray();
        float[] b = [0.5f * scale, -0.25f * scale];
        var wBytes = MemoryMarshal.AsBytes(w.AsSpan()).ToArray();
        var bBytes = MemoryMarshal.AsBytes(b.AsSpan()).ToArray();
        var builder = new OnnxModelBuilder()
            .Producer("modelrefs-tests", "external-data")
            .Opset(17)
            .Input("x", OnnxElementType.Float, 1, 4)
            .Output("y", OnnxElementType.Float, 1, 2)
            .Node("MatMul", ["x", "W"], ["xw"])
            .Node("Add", ["xw", "b"], ["y"]);
        Dictionary<string, byte[]> files;
        if (singleFile is null)
        {
            builder.Initializer(OnnxTensor.External("W", OnnxElementType.Float, [4, 2], weights, 0, wBytes.Length))
                .Initializer(OnnxTensor.External("b", OnnxElementType.Float, [2], bias, 0, bBytes.Length));
            files = new() { [weights] = wBytes, [bias] = bBytes };
        }
        else
        {
            builder.Initializer(OnnxTensor.External("W", OnnxElementType.Float, [4, 2], singleFile, 0, wBytes.Length))
                .Initializer(OnnxTensor.External("b", OnnxElementType.Float, [2], singleFile, wBytes.Length, bBytes.Length));
            files = new() { [singleFile] = [.. wBytes, .. bBytes] };
        }
        var expected = new float[2];
        for (var j = 0; j < 2; j++)
            expected[j] = Enumerable.Range(0, 4).Sum(i => Input[i] * w[i * 2 + j]) + b[j];
        return new ExternalDataModel(builder.ToBytes(), files, expected);
    }

    /// <summary>Writes the model as <paramref name="modelFileName"/> in <paramref name="folder"/> and its files beside it; returns the model's path.</summary>
    public string WriteTo(string folder, string modelFileName, params string[] leaveOut)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, modelFileName);
        File.WriteAllBytes(path, Model);
        foreach (var (location, content) in Files)
        {
            if (leaveOut.Contains(location))
                continue;
            var file = Path.Combine(folder, location);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, content);
        }
        return path;
    }
}
