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

    /// <summary>Describes an output that is not a tensor: a sequence (of maps or tensors).</summary>
    /// <param name="name">The ONNX name, exactly.</param>
    /// <param name="valueType">The ONNX type, e.g. <c>seq(map(int64,tensor(float)))</c> or <c>seq(tensor(float))</c>.</param>
    /// <param name="elementType">The element type of the innermost tensor (a map's values).</param>
    /// <param name="description">The model's own description of the value.</param>
    public TensorSignature(string name, string valueType, TensorElementKind elementType, string? description)
        : this(name, elementType, null, null, description)
    {
        ValueType = valueType ?? throw new ArgumentNullException(nameof(valueType));
    }

    /// <summary>The ONNX type of a value that is not a tensor (<c>seq(map(int64,tensor(float)))</c>); <see langword="null"/> for a tensor.</summary>
    public string? ValueType { get; }

    /// <summary>True for a dense tensor; false for a sequence (see <see cref="ValueType"/>).</summary>
    public bool IsTensor => ValueType is null;

    /// <summary>
    /// Signatures from columns, one entry per tensor (the form generated code uses for a model with
    /// many tensors: constant arrays compile in time linear in their length, unlike one constructor
    /// call per tensor in one initializer).
    /// </summary>
    /// <param name="names">The ONNX names.</param>
    /// <param name="elementTypes">The element types as ONNX ids (the values of <see cref="TensorElementKind"/>).</param>
    /// <param name="ranks">Each tensor's rank; -1 when unknown (no shape).</param>
    /// <param name="dimensions">Every dimension of every shape, in tensor order (-1 for a symbolic or unknown one).</param>
    /// <param name="dimensionNames">The symbolic name of each entry of <paramref name="dimensions"/>, or <see langword="null"/> when none has one.</param>
    /// <param name="descriptions">Each tensor's description, or <see langword="null"/> when none has one.</param>
    /// <exception cref="ArgumentException">The columns' lengths disagree, or an element type is no <see cref="TensorElementKind"/>.</exception>
    public static TensorSignature[] FromColumns(string[] names, int[] elementTypes, int[] ranks, long[] dimensions,
                                                string?[]? dimensionNames, string?[]? descriptions)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(elementTypes);
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (elementTypes.Length != names.Length || ranks.Length != names.Length || (descriptions is not null && descriptions.Length != names.Length))
            throw new ArgumentException($"The columns of {names.Length} tensors have other lengths.");
        if (dimensionNames is not null && dimensionNames.Length != dimensions.Length)
            throw new ArgumentException($"{dimensionNames.Length} dimension names for {dimensions.Length} dimensions.", nameof(dimensionNames));

        var result = new TensorSignature[names.Length];
        int next = 0;
        for (int i = 0; i < names.Length; i++)
        {
            long[]? shape = null;
            string?[]? shapeNames = null;
            if (ranks[i] >= 0)
            {
                if (next + ranks[i] > dimensions.Length)
                    throw new ArgumentException($"The ranks need more than the {dimensions.Length} dimensions given.", nameof(dimensions));
                shape = dimensions.AsSpan(next, ranks[i]).ToArray();
                shapeNames = dimensionNames is null ? new string?[ranks[i]] : dimensionNames.AsSpan(next, ranks[i]).ToArray();
                next += ranks[i];
            }
            var kind = (TensorElementKind)elementTypes[i];
            if (!Enum.IsDefined(kind))
                throw new ArgumentException($"'{names[i]}': element type {elementTypes[i]} is not supported.", nameof(elementTypes));
            result[i] = new TensorSignature(names[i], kind, shape, shapeNames, descriptions?[i]);
        }
        if (next != dimensions.Length)
            throw new ArgumentException($"The ranks use {next} of the {dimensions.Length} dimensions given.", nameof(dimensions));
        return result;
    }

    /// <summary>
    /// The signatures of a generated model's Info (every model without sequence outputs, and every
    /// indexed one): the same columns as <see cref="FromColumns"/>, packed into a few string
    /// constants, because compiling one constructor call or array element per tensor is what a
    /// build spends its time on (a 20,000-input model's, and even three small models' in a small app).
    /// </summary>
    /// <param name="names">The ONNX names, packed: each is its length in UTF-16 code units, <c>:</c>, then the name (<c>3:x.0</c>).</param>
    /// <param name="numbers">Per tensor, comma-terminated decimals: its ONNX element type id, its rank (-1: unknown), then its dimensions (-1: dynamic).</param>
    /// <param name="dimensionNames">Per dimension in tensor order, packed like <paramref name="names"/>, <c>-</c> where unnamed; <see langword="null"/> when all are unnamed.</param>
    /// <param name="descriptions">Per tensor, packed like <paramref name="dimensionNames"/>; <see langword="null"/> when none has one.</param>
    /// <returns>One signature per name.</returns>
    /// <exception cref="ArgumentException">The columns are malformed or disagree.</exception>
    public static TensorSignature[] FromTable(string names, string numbers, string? dimensionNames, string? descriptions)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(numbers);
        string?[] nameList = Unpack(names, nameof(names));
        var elementTypes = new int[nameList.Length];
        var ranks = new int[nameList.Length];
        var dimensions = new List<long>();
        int at = 0;
        for (int i = 0; i < nameList.Length; i++)
        {
            elementTypes[i] = checked((int)NextNumber(numbers, ref at));
            ranks[i] = checked((int)NextNumber(numbers, ref at));
            for (int d = 0; d < ranks[i]; d++)
                dimensions.Add(NextNumber(numbers, ref at));
        }
        if (at != numbers.Length)
            throw new ArgumentException($"The numbers go on after the {nameList.Length} tensors named.", nameof(numbers));
        return FromColumns(
            nameList.Select((n, i) => n ?? throw new ArgumentException($"Tensor {i} has no name.", nameof(names))).ToArray(),
            elementTypes, ranks, dimensions.ToArray(),
            dimensionNames is null ? null : Unpack(dimensionNames, nameof(dimensionNames)),
            descriptions is null ? null : Unpack(descriptions, nameof(descriptions)));
    }

    private static long NextNumber(string numbers, ref int at)
    {
        int comma = numbers.IndexOf(',', at);
        if (comma < 0 || !long.TryParse(numbers.AsSpan(at, comma - at), System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out long value))
            throw new ArgumentException($"Expected a comma-terminated number at offset {at}.", nameof(numbers));
        at = comma + 1;
        return value;
    }

    private static string?[] Unpack(string packed, string parameter)
    {
        var result = new List<string?>();
        int at = 0;
        while (at < packed.Length)
        {
            if (packed[at] == '-')
            {
                result.Add(null);
                at++;
                continue;
            }
            int colon = packed.IndexOf(':', at);
            if (colon < 0 || !int.TryParse(packed.AsSpan(at, colon - at), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out int length) || length > packed.Length - colon - 1)
                throw new ArgumentException($"Expected a length and ':' at offset {at}.", parameter);
            result.Add(packed.Substring(colon + 1, length));
            at = colon + 1 + length;
        }
        return result.ToArray();
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
            if (ValueType is not null)
                return ValueType;
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
