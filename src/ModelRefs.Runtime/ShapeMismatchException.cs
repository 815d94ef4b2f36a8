namespace ModelRefs.Runtime;

/// <summary>A tensor given to a model does not have the shape the model's signature requires.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception; the message names the model, the input and both shapes.</summary>
    /// <param name="modelName">The model's name (the generated class).</param>
    /// <param name="inputName">The ONNX name of the input.</param>
    /// <param name="expected">The expected shape, with symbolic names, e.g. <c>[batch, 512]</c>.</param>
    /// <param name="given">The shape that was given, e.g. <c>[1, 256]</c>.</param>
    public ShapeMismatchException(string modelName, string inputName, string expected, string given)
        : this(modelName, inputName, expected, given, null)
    {
    }

    internal ShapeMismatchException(string modelName, string inputName, string expected, string given, string? detail)
        : base($"Model '{modelName}': input '{inputName}' expects shape {expected}, but was given {given}"
               + (detail is null ? "." : $" ({detail})."))
    {
        ModelName = modelName;
        InputName = inputName;
        Expected = expected;
        Given = given;
    }

    /// <summary>The model's name.</summary>
    public string ModelName { get; }

    /// <summary>The ONNX name of the input.</summary>
    public string InputName { get; }

    /// <summary>The expected shape, with symbolic names, e.g. <c>[batch, 512]</c>.</summary>
    public string Expected { get; }

    /// <summary>The given shape, e.g. <c>[1, 256]</c>.</summary>
    public string Given { get; }
}
