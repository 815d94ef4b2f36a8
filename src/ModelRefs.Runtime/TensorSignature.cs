using System.Text;

namespace ModelRefs.Runtime;

/// <summary>One input or output of a model: name, element type and shape.</summary>
public sealed class TensorSignature
{
    /// <summary>Describes one input or output.</summary>
    /// <param name="name">The ONNX name, exactly.</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="shape">The dimensions, -1 for a symbolic or unknown one; <see langword="null"/> when the rank is unknown.</param>
    /// <param name="dimensionNames">Symbolic names of the dimensions (same length as <paramref name="shape"/>), <see langword="null"/> entries where unnamed.</param>
    /// <param name="description">The model's own description of the tensor.</param>
    public TensorSignature(string name, TensorElementKind elementType, long[]? shape, string?[]? dimensionNames, string? description)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        if (shape is not null && dimensionNames is not null && dimensionNames.Length != shape.Length)
            throw new ArgumentException($"'{name}': {dimensionNames.Length} dimension names for a shape of rank {shape.Length}.", nameof(dimensionNames));
        if (shape is null && dimensionNames is not null)
            throw new ArgumentException($"'{name}': dimension names without a shape.", nameof(dimensionNames));
        ElementType = elementType;
        // Copies: the signature is shared (a static Info) and must not change under the session.
        Shape = shape is null ? null : Array.AsReadOnly((long[])shape.Clone());
        DimensionNames = dimensionNames is null ? null : Array.AsReadOnly((string?[])dimensionNames.Clone());
        Description = description;
    }

    /// <summary>The ONNX name, exactly.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public TensorElementKind ElementType { get; }

    /// <summary>The dimensions, -1 for a symbolic or unknown one; <see langword="null"/> when the rank is unknown.</summary>
    public IReadOnlyList<long>? Shape { get; }

    /// <summary>Symbolic names of the dimensions, <see langword="null"/> entries where unnamed.</summary>
    public IReadOnlyList<string?>? DimensionNames { get; }

    /// <summary>The model's own description of the tensor.</summary>
    public string? Description { get; }

    /// <summary>The shape as the model states it, e.g. <c>[batch, 512]</c>; <c>?</c> for an unnamed dynamic dimension.</summary>
    public string ShapeText
    {
        get
        {
            if (Shape is null)
                return "[rank unknown]";
            var text = new StringBuilder("[");
            for (int i = 0; i < Shape.Count; i++)
            {
                if (i > 0)
                    text.Append(", ");
                if (Shape[i] >= 0)
                    text.Append(Shape[i]);
                else
                    text.Append(DimensionNames?[i] is { Length: > 0 } dimName ? dimName : "?");
            }
            return text.Append(']').ToString();
        }
    }

    /// <summary>Name, element type and shape, e.g. <c>input: float [batch, 512]</c>.</summary>
    public override string ToString() => $"{Name}: {ElementTypes.OnnxName(ElementType)} {ShapeText}";
}
