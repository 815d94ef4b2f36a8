namespace ModelRefs.Runtime;

/// <summary>
/// Tensors addressed by their index in <see cref="ModelInfo.Inputs"/> or <see cref="ModelInfo.Outputs"/>:
/// where the generated input and output classes of a model with many tensors keep their
/// properties, so that running it is one loop here instead of one generated statement per tensor.
/// </summary>
public sealed class TensorList
{
    private readonly object?[] _items;

    /// <summary>A list of <paramref name="count"/> tensors, none set.</summary>
    /// <param name="count">The number of tensors.</param>
    public TensorList(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _items = new object?[count];
    }

    /// <summary>The number of tensors (set or not).</summary>
    public int Count => _items.Length;

    /// <summary>The tensor at <paramref name="index"/>, or <see langword="null"/> when it was never set.</summary>
    /// <param name="index">Its index.</param>
    public object? this[int index] => _items[index];

    /// <summary>The tensor at <paramref name="index"/>; <see langword="null"/> (despite the type) when it was never set.</summary>
    /// <typeparam name="T">Its element type.</typeparam>
    /// <param name="index">Its index.</param>
    /// <exception cref="InvalidCastException">The tensor there has another element type.</exception>
    public TensorData<T> Get<T>(int index) => (TensorData<T>)_items[index]!;

    /// <summary>Sets the tensor at <paramref name="index"/>.</summary>
    /// <typeparam name="T">Its element type.</typeparam>
    /// <param name="index">Its index.</param>
    /// <param name="value">The tensor; <see langword="null"/> unsets it.</param>
    public void Set<T>(int index, TensorData<T>? value) => _items[index] = value;
}
