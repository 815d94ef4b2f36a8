using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.TorchHub;

namespace ModelRefs.Core.Sources.TorchHub.Export;

/// <summary>
/// What an export needs besides the repo: the item's <c>Args</c>, <c>InputShape</c>,
/// <c>DynamicAxes</c> and <c>Opset</c> metadata, validated and in a canonical spelling (so equal
/// settings give equal cache keys however they were written).
/// </summary>
public sealed record TorchExportOptions
{
    public const int DefaultOpset = 17;
    public const int MinOpset = 7;
    public const int MaxOpset = 21;

    /// <summary>The entrypoint's keyword arguments as canonical JSON: an object, keys sorted, no whitespace.</summary>
    public string ArgsJson { get; init; } = "{}";

    /// <summary>One shape per input.</summary>
    public IReadOnlyList<IReadOnlyList<int>> InputShapes { get; init; } = [];

    /// <summary>Per input, the axes left symbolic (axis 0 is named <c>batch</c>).</summary>
    public IReadOnlyList<IReadOnlyList<int>> DynamicAxes { get; init; } = [];

    public int Opset { get; init; } = DefaultOpset;

    /// <summary>Seed of the example inputs (export and verification).</summary>
    public int Seed { get; init; }

    /// <summary><c>1,3,224,224;1,10</c>.</summary>
    public string InputShapeText => string.Join(';', InputShapes.Select(s => string.Join(',', s)));

    /// <summary><c>0;0,1</c>.</summary>
    public string DynamicAxesText => string.Join(';', DynamicAxes.Select(s => string.Join(',', s)));

    /// <summary>
    /// Parses the item's metadata. Throws MR0009 naming the model and the metadata when a value is
    /// not valid; <paramref name="inputShape"/> is required.
    /// </summary>
    /// <param name="dynamicAxes">Axes such as <c>0</c> or <c>0,2</c> (the same for every input), or one list per
    /// input separated by ';'; null: <c>0</c>; <c>none</c> or an empty value: no dynamic axes.</param>
    public static TorchExportOptions Parse(TorchHubModelHandle handle, string? args, string? inputShape, string? dynamicAxes, string? opset)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var shapes = ParseShapes(handle, inputShape);
        return new TorchExportOptions
        {
            ArgsJson = CanonicalArgs(handle, args),
            InputShapes = shapes,
            DynamicAxes = ParseAxes(handle, dynamicAxes, shapes),
            Opset = ParseOpset(handle, opset),
        };
    }

    private static string CanonicalArgs(ModelHandle handle, string? args)
    {
        if (string.IsNullOrWhiteSpace(args))
            return "{}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(args);
        }
        catch (JsonException e)
        {
            throw Invalid(handle, $"Args is not valid JSON ({e.Message}). Write the entrypoint's keyword arguments as a JSON object, " +
                "e.g. Args='{\"weights\": \"DEFAULT\"}' (in MSBuild, quote the attribute with single quotes).");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid(handle, "Args must be a JSON object of keyword arguments, e.g. Args='{\"pretrained\": true}'.");
            var builder = new StringBuilder();
            try
            {
                WriteCanonical(document.RootElement, builder);
            }
            catch (FormatException e)
            {
                throw Invalid(handle, $"Args {e.Message} Write numbers Python can take (1e308 at most), e.g. Args='{{\"eps\": 1e-5}}'.");
            }
            return builder.ToString();
        }
    }

    private static void WriteCanonical(JsonElement element, StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!first)
                        builder.Append(',');
                    first = false;
                    builder.Append(JsonSerializer.Serialize(property.Name)).Append(':');
                    WriteCanonical(property.Value, builder);
                }
                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (i++ > 0)
                        builder.Append(',');
                    WriteCanonical(item, builder);
                }
                builder.Append(']');
                break;
            case JsonValueKind.String:
                builder.Append(JsonSerializer.Serialize(element.GetString()));
                break;
            case JsonValueKind.Number:
                // Integers stay integers; other numbers in the shortest round-trip form.
                if (element.TryGetInt64(out var integer))
                    builder.Append(integer.ToString(CultureInfo.InvariantCulture));
                else if (element.TryGetDouble(out var real) && double.IsFinite(real))
                    builder.Append(real.ToString("R", CultureInfo.InvariantCulture));
                else
                    throw new FormatException($"holds the number {element.GetRawText()}, which is beyond what a double holds.");
                break;
            default:
                builder.Append(element.GetRawText()); // true, false, null
                break;
        }
    }

    private static IReadOnlyList<IReadOnlyList<int>> ParseShapes(ModelHandle handle, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Invalid(handle, "InputShape is required for torchhub models: the export runs the model once on an example input. " +
                "Write its shape, e.g. InputShape=\"1,3,224,224\" (';' between the shapes of several inputs).");
        var shapes = new List<IReadOnlyList<int>>();
        foreach (var part in text.Split(';'))
        {
            var dims = part.Split(',', StringSplitOptions.TrimEntries);
            var shape = new List<int>();
            foreach (var dim in dims)
            {
                if (!int.TryParse(dim, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > 1 << 20)
                    throw Invalid(handle, $"InputShape=\"{text}\": '{dim}' is not a positive size. Write sizes separated by ',' and inputs by ';', e.g. InputShape=\"1,3,224,224\".");
                shape.Add(value);
            }
            if (shape.Aggregate(1L, (product, d) => product * d) > 1L << 28)
                throw Invalid(handle, $"InputShape=\"{text}\": the example input is too large (more than 2^28 elements). Use a small example; DynamicAxes keeps the sizes open.");
            shapes.Add(shape);
        }
        return shapes;
    }

    private static IReadOnlyList<IReadOnlyList<int>> ParseAxes(ModelHandle handle, string? text, IReadOnlyList<IReadOnlyList<int>> shapes)
    {
        if (text is null)
            return shapes.Select(_ => (IReadOnlyList<int>)[0]).ToArray();
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Equals("none", StringComparison.OrdinalIgnoreCase))
            return shapes.Select(_ => (IReadOnlyList<int>)[]).ToArray();
        var parts = trimmed.Split(';');
        if (parts.Length != 1 && parts.Length != shapes.Count)
            throw Invalid(handle, $"DynamicAxes=\"{text}\" has {parts.Length} ';'-separated lists but InputShape has {shapes.Count} inputs. " +
                "Write one list for all inputs (e.g. \"0\") or one per input.");
        var result = new List<IReadOnlyList<int>>();
        for (var input = 0; input < shapes.Count; input++)
        {
            var part = parts.Length == 1 ? parts[0] : parts[input];
            var axes = new SortedSet<int>();
            foreach (var axisText in part.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(axisText, NumberStyles.None, CultureInfo.InvariantCulture, out var axis) || axis >= shapes[input].Count)
                    throw Invalid(handle, $"DynamicAxes=\"{text}\": '{axisText}' is not an axis of input {input} (shape {string.Join(',', shapes[input])}). " +
                        "Write axis numbers from 0, e.g. DynamicAxes=\"0\" for a variable batch size.");
                axes.Add(axis);
            }
            result.Add(axes.ToArray());
        }
        return result;
    }

    private static int ParseOpset(ModelHandle handle, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return DefaultOpset;
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var opset) || opset < MinOpset || opset > MaxOpset)
            throw Invalid(handle, $"Opset=\"{text}\" is not an ONNX opset between {MinOpset} and {MaxOpset}. Leave it out for {DefaultOpset}.");
        return opset;
    }

    private static ModelRefsException Invalid(ModelHandle handle, string what) =>
        new(RestoreDiagnostics.InvalidMetadata, $"Model '{handle.Text}': {what}");
}
