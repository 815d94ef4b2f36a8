namespace ModelRefs.Runtime;

/// <summary>A dense, row-major tensor held in a managed array: the convenient, allocating form of a model's input or output.</summary>
/// <typeparam name="T">The element type (<see cref="float"/>, <see cref="long"/>, <see cref="string"/>, …).</typeparam>
public sealed class TensorData<T>
{
    /// <summary>Wraps an array as a tensor of the given shape (no copy).</summary>
    /// <param name="data">The elements, row-major.</param>
    /// <param name="shape">The dimensions; empty for a scalar.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or the shape's element count is not <c>data.Length</c>.</exception>
    public TensorData(T[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException($"Shape {Shapes.Format(shape)} has a negative dimension.", nameof(shape));
            count *= dim;
        }
        if (count != data.Length)
            throw new ArgumentException($"Shape {Shapes.Format(shape)} holds {count} elements, but the data has {data.Length}.", nameof(data));
        Data = data;
        Shape = shape;
    }

    /// <summary>The elements, row-major.</summary>
    public T[] Data { get; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public long[] Shape { get; }

    /// <summary>The elements as a span.</summary>
    public Span<T> Span => Data;

    /// <summary>A rank-0 tensor (shape <c>[]</c>) holding one value.</summary>
    /// <param name="value">The value.</param>
    public static TensorData<T> Scalar(T value) => new([value]);

    /// <summary>Shape and element count, e.g. <c>TensorData&lt;Single&gt; [1, 512]</c>.</summary>
    public override string ToString() => $"TensorData<{typeof(T).Name}> {Shapes.Format(Shape)}";
}
