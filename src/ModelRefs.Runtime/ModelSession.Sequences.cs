using Microsoft.ML.OnnxRuntime;

namespace ModelRefs.Runtime;

// Outputs that are not tensors (a classifier's ZipMap: seq(map(int64,tensor(float)))). ONNX Runtime
// allocates them on every run (they cannot be bound to a caller's buffer), so the session keeps the
// last run's values and turns one into managed collections when it is read; reading allocates.
public sealed partial class ModelSession
{
    private IDisposableReadOnlyCollection<OrtValue>? _lastOutputValues;

    /// <summary>The output at <paramref name="index"/> of the last run, a sequence of maps (e.g. a classifier's probability per class label, one map per row).</summary>
    /// <typeparam name="TKey">The maps' key type: <see cref="long"/> or <see cref="string"/>.</typeparam>
    /// <typeparam name="TValue">The maps' value type, e.g. <see cref="float"/>.</typeparam>
    /// <param name="index">The output's index in <see cref="ModelInfo.Outputs"/>.</param>
    /// <returns>New collections owned by the caller.</returns>
    /// <exception cref="ArgumentException">The output is not <c>seq(map(TKey,tensor(TValue)))</c>.</exception>
    /// <exception cref="InvalidOperationException">There is no successful run.</exception>
    public IReadOnlyList<IReadOnlyDictionary<TKey, TValue>> GetSequenceOfMaps<TKey, TValue>(int index) where TKey : notnull
    {
        var value = SequenceOutput(index, $"seq(map({OnnxName<TKey>()},tensor({OnnxName<TValue>()})))");
        int count = value.GetValueCount();
        var maps = new IReadOnlyDictionary<TKey, TValue>[count];
        for (int i = 0; i < count; i++)
        {
            using var map = value.GetValue(i, OrtAllocator.DefaultInstance);
            using var keys = map.GetValue(0, OrtAllocator.DefaultInstance);
            using var values = map.GetValue(1, OrtAllocator.DefaultInstance);
            TKey[] k = ReadElements<TKey>(keys);
            TValue[] v = ReadElements<TValue>(values);
            var dictionary = new Dictionary<TKey, TValue>(k.Length);
            for (int j = 0; j < k.Length; j++)
                dictionary[k[j]] = v[j];
            maps[i] = dictionary;
        }
        return maps;
    }

    /// <summary>The output at <paramref name="index"/> of the last run, a sequence of tensors.</summary>
    /// <typeparam name="T">The tensors' element type.</typeparam>
    /// <param name="index">The output's index in <see cref="ModelInfo.Outputs"/>.</param>
    /// <returns>New tensors owned by the caller.</returns>
    /// <exception cref="ArgumentException">The output is not <c>seq(tensor(T))</c>.</exception>
    /// <exception cref="InvalidOperationException">There is no successful run.</exception>
    public IReadOnlyList<TensorData<T>> GetSequence<T>(int index)
    {
        var value = SequenceOutput(index, $"seq(tensor({OnnxName<T>()}))");
        int count = value.GetValueCount();
        var tensors = new TensorData<T>[count];
        for (int i = 0; i < count; i++)
        {
            using var tensor = value.GetValue(i, OrtAllocator.DefaultInstance);
            tensors[i] = new TensorData<T>(ReadElements<T>(tensor), tensor.GetTensorTypeAndShape().Shape);
        }
        return tensors;
    }

    private OrtValue SequenceOutput(int index, string asked)
    {
        ThrowIfDisposed();
        var slot = Output(index);
        if (slot.Signature.ValueType != asked)
            throw new ArgumentException(
                $"Model '{Info.Name}': output '{slot.Signature.Name}' is {slot.Signature.ValueType ?? "a tensor of " + ElementTypes.OnnxName(slot.Signature.ElementType)}, but was read as {asked}.");
        ThrowIfNoOutputs();
        return _lastOutputValues![index];
    }

    /// <summary>After a run: keeps the values of this run when some output is not a tensor (they live until the next run).</summary>
    private void KeepSequenceOutputs()
    {
        if (!_hasSequenceOutputs)
            return;
        _lastOutputValues?.Dispose();
        _lastOutputValues = null;
        _lastOutputValues = _binding.GetOutputValues();
    }

    private static string OnnxName<T>() =>
        ElementKindOf<T>.Value is { } kind ? ElementTypes.OnnxName(kind) : typeof(T).Name;

    private static T[] ReadElements<T>(OrtValue tensor)
    {
        if (typeof(T) == typeof(string))
            return (T[])(object)tensor.GetStringTensorAsArray();
        if (typeof(T) == typeof(long)) return (T[])(object)tensor.GetTensorDataAsSpan<long>().ToArray();
        if (typeof(T) == typeof(float)) return (T[])(object)tensor.GetTensorDataAsSpan<float>().ToArray();
        if (typeof(T) == typeof(double)) return (T[])(object)tensor.GetTensorDataAsSpan<double>().ToArray();
        if (typeof(T) == typeof(int)) return (T[])(object)tensor.GetTensorDataAsSpan<int>().ToArray();
        if (typeof(T) == typeof(bool)) return (T[])(object)tensor.GetTensorDataAsSpan<bool>().ToArray();
        throw new NotSupportedException($"Sequence elements of type {typeof(T).Name} are not supported.");
    }
}
