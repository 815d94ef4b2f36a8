namespace ModelRefs.Core.Onnx;

/// <summary>The file is not a valid ONNX model; the message names the file, the byte offset and the problem.</summary>
public sealed class OnnxFormatException : FormatException
{
    public OnnxFormatException(string fileName, long offset, string problem)
        : base($"'{fileName}' is not a valid ONNX model: {problem} (at byte offset {offset}).")
    {
        FileName = fileName;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The path or display name of the model.</summary>
    public string FileName { get; }

    /// <summary>Byte offset in the file where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>What was wrong, without the file name and offset.</summary>
    public string Problem { get; }
}
