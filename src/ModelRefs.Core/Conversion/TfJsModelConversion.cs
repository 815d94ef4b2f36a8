using ModelRefs.Core.Conversion.TfJs;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Conversion;

/// <summary>Runs the TF.js converter for a model of any source, mapping its failures to MR0033 with the model, the operator and the node.</summary>
public static class TfJsModelConversion
{
    /// <summary>Converts <paramref name="modelJson"/> (its shards beside it) to <paramref name="output"/>; returns the converter identity.</summary>
    public static string Run(ModelHandle handle, string modelJson, string output, FetchContext context)
    {
        context.Log($"{handle.Text}: converting the TF.js graph model to ONNX ({TfJsToOnnxConverter.Identity})");
        try
        {
            var result = TfJsToOnnxConverter.Convert(modelJson, new TfJsConversionOptions { OutputPath = output });
            foreach (var warning in result.Warnings)
                context.Log($"{handle.Text}: conversion warning: {warning}");
            context.Log($"{handle.Text}: converted {result.TfOpCounts.Values.Sum()} TF nodes to {result.NodeCount} ONNX nodes in {result.Elapsed.TotalSeconds:0.0} s");
            return result.Converter;
        }
        catch (TfJsConversionException e)
        {
            var what = e.IsUnsupportedOperator
                ? $"{(e.UnsupportedSummary is { Length: > 0 } ops ? ops : $"the TF.js operator '{e.Op}' (node '{e.NodeName}')")} "
                    + $"{(e.UnsupportedOperators.Count > 1 ? "are" : "is")} not supported by the ONNX converter ({TfJsToOnnxConverter.Identity})"
                : e.NodeName is not null ? $"node '{e.NodeName}' ({e.Op}) cannot be converted: {e.Message}" : e.Message;
            throw new ModelRefsException(RestoreDiagnostics.ConversionFailed,
                $"Model '{handle.Text}': converting the TF.js graph model to ONNX failed: {what}. Nothing was cached. " +
                "Use a model without that operator, convert the SavedModel (Format=\"saved_model\", needs tf2onnx), or ask for the operator to be added.", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException
            or KeyNotFoundException or IndexOutOfRangeException or System.Text.Json.JsonException && e is not ArgumentNullException)
        {
            // Most often a model.json of the right format whose fields are not what TF.js writes (a
            // number where a string belongs, a negative or huge shape, an input that is not a node
            // name); the message leaves room for a bug of the converter's, and says what to do then.
            throw new ModelRefsException(RestoreDiagnostics.ConversionFailed,
                $"Model '{handle.Text}': the TF.js graph model {Path.GetFileName(modelJson)} could not be read by the ONNX converter ({e.GetType().Name}: {e.Message}). " +
                "Nothing was cached. Check that the file is a model.json written by the TF.js converter (tensorflowjs_converter), with its weight shards beside it; " +
                "if it is, this is a bug of ModelRefs' converter: please report it with this message.", e);
        }
    }
}
