using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Conversion;

/// <summary>The format an item's <c>Format</c> metadata asks for (contract.md: onnx, tfjs, saved_model, tflite).</summary>
public enum RequestedFormat
{
    Onnx,
    TfJs,
    SavedModel,
    TfLite,
}

/// <summary>Reads <c>Format</c> metadata, the same way for every source.</summary>
public static class FormatMetadata
{
    /// <summary>The requested format, null when Format is not set; MR0009 for a value that is none of the four.</summary>
    public static RequestedFormat? Parse(ModelHandle handle, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        return text.Trim().ToLowerInvariant() switch
        {
            "onnx" => RequestedFormat.Onnx,
            "tfjs" => RequestedFormat.TfJs,
            "saved_model" or "savedmodel" => RequestedFormat.SavedModel,
            "tflite" => RequestedFormat.TfLite,
            _ => throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': Format=\"{text}\" is not a format ModelRefs knows. Write Format=\"onnx\", \"tfjs\" (a TF.js graph model.json), " +
                "\"saved_model\" or \"tflite\", or remove Format: restore tells the format from the file's content."),
        };
    }

    /// <summary>The metadata value, as the user writes it.</summary>
    public static string Name(RequestedFormat format) => format switch
    {
        RequestedFormat.TfJs => "tfjs",
        RequestedFormat.SavedModel => "saved_model",
        RequestedFormat.TfLite => "tflite",
        _ => "onnx",
    };

    /// <summary>Whether a file of <paramref name="kind"/> is what <paramref name="format"/> names.</summary>
    public static bool Matches(RequestedFormat format, ModelFileKind kind) => format switch
    {
        RequestedFormat.Onnx => kind == ModelFileKind.Onnx,
        RequestedFormat.TfJs => kind == ModelFileKind.TfJsGraphModel,
        RequestedFormat.SavedModel => kind == ModelFileKind.SavedModel,
        _ => kind == ModelFileKind.TfLite,
    };
}
