namespace ModelRefs.Runtime;

// The allocating run of a model with many tensors: its generated Input and Output classes keep their
// tensors in a TensorList, and these loops stand in for a generated statement per tensor.
public sealed partial class ModelSession
{
    /// <summary>Copies every tensor of <paramref name="inputs"/> into the input of the same index.</summary>
    /// <param name="inputs">One tensor per input of <see cref="Info"/>, each of the input's element type.</param>
    /// <exception cref="ArgumentException">The list's length differs from the inputs', a tensor is not set, or its element type differs.</exception>
    /// <exception cref="ShapeMismatchException">A tensor's rank or a fixed dimension differs from the signature.</exception>
    public void SetInputs(TensorList inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != _inputs.Length)
            throw new ArgumentException($"Model '{Info.Name}' has {_inputs.Length} inputs, but the list holds {inputs.Count}.", nameof(inputs));
        for (int i = 0; i < _inputs.Length; i++)
        {
            object tensor = inputs[i] ?? throw new ArgumentException($"The input '{_inputs[i].Signature.Name}' of {Info.Name} is not set.", "input");
            SetInput(i, tensor);
        }
    }

    /// <summary>Copies every output of the last run into a new tensor of the list (the allocating form of <see cref="GetOutput{T}(int)"/>).</summary>
    /// <returns>One <see cref="TensorData{T}"/> per output of <see cref="Info"/>, owned by the caller.</returns>
    /// <exception cref="InvalidOperationException">There is no successful run.</exception>
    public TensorList GetOutputs()
    {
        ThrowIfDisposed();
        ThrowIfNoOutputs();
        var outputs = new TensorList(_outputs.Length);
        for (int i = 0; i < _outputs.Length; i++)
            CopyOutput(outputs, i);
        return outputs;
    }

    private void SetInput(int index, object tensor)
    {
        switch (tensor)
        {
            case TensorData<float> t: SetInput<float>(index, t.Data, t.Shape); break;
            case TensorData<double> t: SetInput<double>(index, t.Data, t.Shape); break;
            case TensorData<Half> t: SetInput<Half>(index, t.Data, t.Shape); break;
            case TensorData<Microsoft.ML.OnnxRuntime.BFloat16> t: SetInput<Microsoft.ML.OnnxRuntime.BFloat16>(index, t.Data, t.Shape); break;
            case TensorData<sbyte> t: SetInput<sbyte>(index, t.Data, t.Shape); break;
            case TensorData<short> t: SetInput<short>(index, t.Data, t.Shape); break;
            case TensorData<int> t: SetInput<int>(index, t.Data, t.Shape); break;
            case TensorData<long> t: SetInput<long>(index, t.Data, t.Shape); break;
            case TensorData<byte> t: SetInput<byte>(index, t.Data, t.Shape); break;
            case TensorData<ushort> t: SetInput<ushort>(index, t.Data, t.Shape); break;
            case TensorData<uint> t: SetInput<uint>(index, t.Data, t.Shape); break;
            case TensorData<ulong> t: SetInput<ulong>(index, t.Data, t.Shape); break;
            case TensorData<bool> t: SetInput<bool>(index, t.Data, t.Shape); break;
            case TensorData<string> t: SetInput(index, (ReadOnlySpan<string>)t.Data, t.Shape); break;
            default:
                throw WrongInputType(Input(index).Signature, tensor.GetType());
        }
    }

    private void CopyOutput(TensorList outputs, int index)
    {
        long[] shape = GetOutputShape(index).ToArray();
        switch (Output(index).Signature.ElementType)
        {
            case TensorElementKind.Float: outputs.Set(index, new TensorData<float>(GetOutput<float>(index).ToArray(), shape)); break;
            case TensorElementKind.Double: outputs.Set(index, new TensorData<double>(GetOutput<double>(index).ToArray(), shape)); break;
            case TensorElementKind.Float16: outputs.Set(index, new TensorData<Half>(GetOutput<Half>(index).ToArray(), shape)); break;
            case TensorElementKind.BFloat16: outputs.Set(index, new TensorData<Microsoft.ML.OnnxRuntime.BFloat16>(GetOutput<Microsoft.ML.OnnxRuntime.BFloat16>(index).ToArray(), shape)); break;
            case TensorElementKind.Int8: outputs.Set(index, new TensorData<sbyte>(GetOutput<sbyte>(index).ToArray(), shape)); break;
            case TensorElementKind.Int16: outputs.Set(index, new TensorData<short>(GetOutput<short>(index).ToArray(), shape)); break;
            case TensorElementKind.Int32: outputs.Set(index, new TensorData<int>(GetOutput<int>(index).ToArray(), shape)); break;
            case TensorElementKind.Int64: outputs.Set(index, new TensorData<long>(GetOutput<long>(index).ToArray(), shape)); break;
            case TensorElementKind.UInt8: outputs.Set(index, new TensorData<byte>(GetOutput<byte>(index).ToArray(), shape)); break;
            case TensorElementKind.UInt16: outputs.Set(index, new TensorData<ushort>(GetOutput<ushort>(index).ToArray(), shape)); break;
            case TensorElementKind.UInt32: outputs.Set(index, new TensorData<uint>(GetOutput<uint>(index).ToArray(), shape)); break;
            case TensorElementKind.UInt64: outputs.Set(index, new TensorData<ulong>(GetOutput<ulong>(index).ToArray(), shape)); break;
            case TensorElementKind.Bool: outputs.Set(index, new TensorData<bool>(GetOutput<bool>(index).ToArray(), shape)); break;
            case TensorElementKind.String: outputs.Set(index, new TensorData<string>(GetStringOutput(index), shape)); break;
            default:
                throw new InvalidOperationException($"Model '{Info.Name}': output '{Output(index).Signature.Name}' has an element type this runtime cannot copy.");
        }
    }
}
