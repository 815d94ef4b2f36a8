using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ModelRefs.Runtime;

/// <summary>
/// Runs one model: the engine behind a generated model class. Inputs are copied into native buffers that stay
/// bound to ONNX Runtime (<see cref="OrtIoBinding"/>); outputs are bound to native buffers whose shapes are learned
/// on the first run for a given set of input shapes, so a steady stream of same-shaped
/// <see cref="SetInput{T}(int, ReadOnlySpan{T}, ReadOnlySpan{long})"/> / <see cref="Run"/> /
/// <see cref="GetOutput{T}(int)"/> calls allocates no managed memory. String tensors go through ONNX Runtime's
/// string API and allocate.
/// </summary>
/// <remarks>Not thread-safe: one run at a time per instance. Instances that share a session (see
/// <see cref="ModelOptions.ShareSession"/>) may run on different threads.</remarks>
public sealed unsafe partial class ModelSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionKey? _sharedKey;
    private readonly RunOptions _runOptions;
    private readonly OrtIoBinding _binding;
    private readonly InputSlot[] _inputs;
    private readonly OutputSlot[] _outputs;
    // Inputs bound in CPU memory are copied to a device at bind time, so other providers need a rebind per run.
    private readonly bool _rebindInputsEachRun;
    private readonly bool _hasStringOutputs;
    private readonly bool _hasSequenceOutputs;
    private int _inputShapeVersion;
    private int _learnedShapeVersion = -1;
    private bool _hasOutputs;
    private bool _disposed;

    private sealed class InputSlot(TensorSignature signature)
    {
        public readonly TensorSignature Signature = signature;
        public readonly long[]? Expected = signature.Shape?.ToArray();
        public NativeBuffer? Buffer;
        public long[]? Shape;
        public OrtValue? Value;
    }

    private sealed class OutputSlot(TensorSignature signature)
    {
        public readonly TensorSignature Signature = signature;
        public NativeBuffer? Buffer;
        public long[] Shape = [];
        public int Count;
        public OrtValue? Value;
        public string[]? Strings;
    }

    private ModelSession(ModelInfo info, ModelLocation location, ModelOptions options)
    {
        Info = info;
        _inputs = info.Inputs.Select(s => new InputSlot(s)).ToArray();
        _outputs = info.Outputs.Select(s => new OutputSlot(s)).ToArray();
        _hasStringOutputs = _outputs.Any(o => o.Signature.IsTensor && o.Signature.ElementType == TensorElementKind.String);
        _hasSequenceOutputs = _outputs.Any(o => !o.Signature.IsTensor);
        _rebindInputsEachRun = options.ExecutionProvider != ExecutionProvider.Cpu;

        if (options.ShareSession)
        {
            var key = SessionFactory.KeyOf(location, options);
            _session = SessionFactory.AcquireShared(key, info, location, options);
            _sharedKey = key;
        }
        else
        {
            _session = SessionFactory.Create(info, location, options);
        }

        try
        {
            CheckSignature(location);
            _runOptions = new RunOptions();
            _binding = _session.CreateIoBinding();
            // Bound once in Info order, so GetOutputValues() lists outputs by index from then on.
            foreach (var output in _outputs)
                _binding.BindOutputToDevice(output.Signature.Name, OrtMemoryInfo.DefaultInstance);
        }
        catch
        {
            _binding?.Dispose();
            _runOptions?.Dispose();
            ReleaseSession();
            throw;
        }
    }

    /// <summary>Loads a model and prepares it to run.</summary>
    /// <param name="info">The model's signature and provenance; inputs and outputs are addressed by their index in it.</param>
    /// <param name="location">Where the model's bytes are.</param>
    /// <param name="options">Threads, execution provider, session sharing; <see langword="null"/> for the defaults.</param>
    /// <exception cref="FileNotFoundException">The model file or resource is missing.</exception>
    /// <exception cref="InvalidOperationException">The execution provider is not available, or the model does not match <paramref name="info"/>.</exception>
    public static ModelSession Open(ModelInfo info, ModelLocation location, ModelOptions? options)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(location);
        return new ModelSession(info, location, options ?? new ModelOptions());
    }

    /// <summary>The model's signature and provenance.</summary>
    public ModelInfo Info { get; }

    /// <summary>The ONNX Runtime session (shared between instances when <see cref="ModelOptions.ShareSession"/>).</summary>
    internal InferenceSession InferenceSession => _session;

    /// <summary>Copies a tensor into the input at <paramref name="index"/>.</summary>
    /// <typeparam name="T">The element type; must match the input's (<see cref="float"/> for float, <see cref="Half"/> for float16, …).</typeparam>
    /// <param name="index">The input's index in <see cref="ModelInfo.Inputs"/>.</param>
    /// <param name="data">The elements, row-major; copied, so the caller may reuse the memory.</param>
    /// <param name="shape">The dimensions; empty for a scalar.</param>
    /// <exception cref="ShapeMismatchException">The rank or a fixed dimension differs from the signature, or <paramref name="data"/> does not hold the shape's element count.</exception>
    /// <exception cref="ArgumentException">The element type differs.</exception>
    public void SetInput<T>(int index, ReadOnlySpan<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        ThrowIfDisposed();
        var slot = Input(index);
        var kind = ElementKindOf<T>.Value;
        if (kind != slot.Signature.ElementType)
            throw WrongInputType(slot.Signature, typeof(T));
        CheckShape(slot, shape, data.Length);

        long bytes = (long)data.Length * sizeof(T);
        if (slot.Value is null || !shape.SequenceEqual(slot.Shape))
            Reshape(slot, shape, bytes);
        fixed (T* source = data)
            Buffer.MemoryCopy(source, (void*)slot.Buffer!.Pointer, slot.Buffer.Capacity, bytes);
    }

    /// <summary>Sets a string input. Strings are copied into an ONNX Runtime string tensor, which allocates.</summary>
    /// <param name="index">The input's index in <see cref="ModelInfo.Inputs"/>.</param>
    /// <param name="data">The strings, row-major; none may be <see langword="null"/>.</param>
    /// <param name="shape">The dimensions; empty for a scalar.</param>
    /// <exception cref="ShapeMismatchException">The rank or a fixed dimension differs from the signature, or <paramref name="data"/> does not hold the shape's element count.</exception>
    /// <exception cref="ArgumentException">The input is not a string tensor.</exception>
    public void SetInput(int index, ReadOnlySpan<string> data, ReadOnlySpan<long> shape)
    {
        ThrowIfDisposed();
        var slot = Input(index);
        if (slot.Signature.ElementType != TensorElementKind.String)
            throw WrongInputType(slot.Signature, typeof(string));
        CheckShape(slot, shape, data.Length);

        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape.ToArray());
        try
        {
            for (int i = 0; i < data.Length; i++)
            {
                if (data[i] is null)
                    throw new ArgumentException($"Model '{Info.Name}': string input '{slot.Signature.Name}' has null at element {i}.", nameof(data));
                value.StringTensorSetElementAt(data[i].AsSpan(), i);
            }
            _binding.BindInput(slot.Signature.Name, value);
        }
        catch
        {
            value.Dispose();
            throw;
        }
        if (slot.Shape is null || !shape.SequenceEqual(slot.Shape))
        {
            slot.Shape = shape.ToArray();
            _inputShapeVersion++;
        }
        slot.Value?.Dispose();
        slot.Value = value;
    }

    /// <summary>Runs the model on the inputs set so far; every input must have been set at least once.</summary>
    /// <exception cref="InvalidOperationException">An input was never set.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed to run the model.</exception>
    public void Run()
    {
        ThrowIfDisposed();
        foreach (var input in _inputs)
        {
            if (input.Value is null)
                throw new InvalidOperationException($"Model '{Info.Name}': input '{input.Signature.Name}' was not set before Run().");
            if (_rebindInputsEachRun)
                _binding.BindInput(input.Signature.Name, input.Value);
        }

        _hasOutputs = false;
        if (_learnedShapeVersion != _inputShapeVersion)
        {
            LearnOutputs();
            KeepSequenceOutputs();
        }
        else
        {
            try
            {
                _session.RunWithBinding(_runOptions, _binding);
            }
            catch (OnnxRuntimeException)
            {
                // An output's shape depends on more than the input shapes (ORT rejects the bound buffer): learn again.
                LearnOutputs();
                KeepSequenceOutputs();
                _hasOutputs = true;
                return;
            }
            if (_hasStringOutputs)
                ReadStringOutputs();
            KeepSequenceOutputs();
        }
        _hasOutputs = true;
    }

    /// <summary>The output at <paramref name="index"/> of the last run, as a span over a native buffer.</summary>
    /// <typeparam name="T">The element type; must match the output's.</typeparam>
    /// <param name="index">The output's index in <see cref="ModelInfo.Outputs"/>.</param>
    /// <returns>The elements, row-major; valid until the next <see cref="Run"/> or <see cref="Dispose"/>.</returns>
    public ReadOnlySpan<T> GetOutput<T>(int index) where T : unmanaged
    {
        ThrowIfDisposed();
        var slot = Output(index);
        if (!slot.Signature.IsTensor || ElementKindOf<T>.Value != slot.Signature.ElementType)
            throw WrongOutputType(slot.Signature, typeof(T));
        ThrowIfNoOutputs();
        return new ReadOnlySpan<T>((void*)slot.Buffer!.Pointer, slot.Count);
    }

    /// <summary>The shape of the output at <paramref name="index"/> of the last run.</summary>
    /// <param name="index">The output's index in <see cref="ModelInfo.Outputs"/>.</param>
    /// <returns>The dimensions; valid until the next <see cref="Run"/>.</returns>
    public ReadOnlySpan<long> GetOutputShape(int index)
    {
        ThrowIfDisposed();
        var slot = Output(index);
        if (!slot.Signature.IsTensor)
            throw WrongOutputType(slot.Signature, typeof(long[]));
        ThrowIfNoOutputs();
        return slot.Shape;
    }

    /// <summary>The string output at <paramref name="index"/> of the last run (a new array per run).</summary>
    /// <param name="index">The output's index in <see cref="ModelInfo.Outputs"/>.</param>
    public string[] GetStringOutput(int index)
    {
        ThrowIfDisposed();
        var slot = Output(index);
        if (!slot.Signature.IsTensor || slot.Signature.ElementType != TensorElementKind.String)
            throw WrongOutputType(slot.Signature, typeof(string));
        ThrowIfNoOutputs();
        return slot.Strings!;
    }

    /// <summary>Releases the native buffers, the binding and the session (or this instance's share of it). Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _lastOutputValues?.Dispose();
        _binding.Dispose();
        _runOptions.Dispose();
        foreach (var input in _inputs)
        {
            input.Value?.Dispose();
            input.Buffer?.Dispose();
        }
        foreach (var output in _outputs)
        {
            output.Value?.Dispose();
            output.Buffer?.Dispose();
        }
        ReleaseSession();
    }

    private void ReleaseSession()
    {
        if (_sharedKey is { } key)
            SessionFactory.ReleaseShared(key);
        else
            _session.Dispose();
    }

    private void Reshape(InputSlot slot, ReadOnlySpan<long> shape, long bytes)
    {
        // The old value points into the old buffer: release it before the buffer may go.
        slot.Value?.Dispose();
        slot.Value = null;
        if (slot.Buffer is null || slot.Buffer.Capacity < bytes)
        {
            slot.Buffer?.Dispose();
            slot.Buffer = null;
            slot.Buffer = new NativeBuffer(bytes);
        }
        slot.Shape = shape.ToArray();
        slot.Value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
            ElementTypes.ToOrt(slot.Signature.ElementType), slot.Shape, slot.Buffer.Pointer, bytes);
        // Binding copies the name to UTF-8, so it happens only here, on a new shape.
        _binding.BindInput(slot.Signature.Name, slot.Value);
        _inputShapeVersion++;
    }

    /// <summary>Runs with outputs allocated by ORT, then binds own buffers of the shapes it produced.</summary>
    private void LearnOutputs()
    {
        foreach (var output in _outputs)
            _binding.BindOutputToDevice(output.Signature.Name, OrtMemoryInfo.DefaultInstance);
        _learnedShapeVersion = -1;
        _session.RunWithBinding(_runOptions, _binding);

        using var values = _binding.GetOutputValues();
        for (int i = 0; i < _outputs.Length; i++)
        {
            var slot = _outputs[i];
            // A sequence stays bound to the device: ONNX Runtime allocates it on every run.
            if (!slot.Signature.IsTensor)
                continue;
            var value = values[i];
            var typeAndShape = value.GetTensorTypeAndShape();
            if (ElementTypes.FromOrt(typeAndShape.ElementDataType) != slot.Signature.ElementType)
                throw new InvalidOperationException(
                    $"Model '{Info.Name}': output '{slot.Signature.Name}' is {typeAndShape.ElementDataType} in the model file but " +
                    $"{ElementTypes.OnnxName(slot.Signature.ElementType)} in its ModelInfo; the model file and the generated class disagree (rebuild).");
            slot.Shape = typeAndShape.Shape;
            slot.Count = checked((int)typeAndShape.ElementCount);
            if (slot.Signature.ElementType == TensorElementKind.String)
            {
                // Strings stay bound to ORT's allocator: they cannot live in a caller-owned buffer.
                slot.Strings = value.GetStringTensorAsArray();
                continue;
            }

            var source = value.GetTensorMutableRawData();
            if (slot.Buffer is null || slot.Buffer.Capacity < source.Length)
            {
                slot.Value?.Dispose();
                slot.Value = null;
                slot.Buffer?.Dispose();
                slot.Buffer = null;
                slot.Buffer = new NativeBuffer(source.Length);
            }
            source.CopyTo(new Span<byte>((void*)slot.Buffer.Pointer, source.Length));
            slot.Value?.Dispose();
            slot.Value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
                typeAndShape.ElementDataType, slot.Shape, slot.Buffer.Pointer, source.Length);
            _binding.BindOutput(slot.Signature.Name, slot.Value);
        }
        _learnedShapeVersion = _inputShapeVersion;
    }

    private void ReadStringOutputs()
    {
        using var values = _binding.GetOutputValues();
        for (int i = 0; i < _outputs.Length; i++)
        {
            var slot = _outputs[i];
            if (!slot.Signature.IsTensor || slot.Signature.ElementType != TensorElementKind.String)
                continue;
            var typeAndShape = values[i].GetTensorTypeAndShape();
            slot.Shape = typeAndShape.Shape;
            slot.Count = checked((int)typeAndShape.ElementCount);
            slot.Strings = values[i].GetStringTensorAsArray();
        }
    }

    private void CheckShape(InputSlot slot, ReadOnlySpan<long> shape, int dataLength)
    {
        var expected = slot.Expected;
        if (expected is not null)
        {
            if (shape.Length != expected.Length)
                throw ShapeMismatch(slot, shape, $"rank {expected.Length} expected, got rank {shape.Length}");
            for (int i = 0; i < shape.Length; i++)
            {
                if (expected[i] >= 0 && shape[i] != expected[i])
                    throw ShapeMismatch(slot, shape, $"dimension {i} must be {expected[i]}");
            }
        }
        long count = Shapes.ElementCount(shape);
        if (count < 0)
            throw ShapeMismatch(slot, shape, "dimensions must be non-negative and hold at most int.MaxValue elements");
        // The docs promise ShapeMismatchException for a wrong element count too: data and shape disagree.
        if (count != dataLength)
            throw ShapeMismatch(slot, shape, $"it was given {dataLength} values, but shape {Shapes.Format(shape)} holds {count}");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ShapeMismatchException ShapeMismatch(InputSlot slot, ReadOnlySpan<long> shape, string detail) =>
        new(Info.Name, slot.Signature.Name, slot.Signature.ShapeText, Shapes.Format(shape), detail);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ArgumentException WrongInputType(TensorSignature signature, Type given) =>
        new($"Model '{Info.Name}': input '{signature.Name}' has element type {ElementTypes.OnnxName(signature.ElementType)} " +
            $"(C# {ElementTypes.ClrName(signature.ElementType)}), but was given {given.Name}.", "data");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ArgumentException WrongOutputType(TensorSignature signature, Type asked) =>
        new($"Model '{Info.Name}': output '{signature.Name}' has element type {ElementTypes.OnnxName(signature.ElementType)} " +
            $"(C# {ElementTypes.ClrName(signature.ElementType)}), but was read as {asked.Name}.");

    private InputSlot Input(int index)
    {
        if ((uint)index >= (uint)_inputs.Length)
            ThrowIndex(index, _inputs.Length, "inputs");
        return _inputs[index];
    }

    private OutputSlot Output(int index)
    {
        if ((uint)index >= (uint)_outputs.Length)
            ThrowIndex(index, _outputs.Length, "outputs");
        return _outputs[index];
    }

    private void ThrowIndex(int index, int count, string what) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"Model '{Info.Name}' has {count} {what}.");

    private void ThrowIfNoOutputs()
    {
        if (!_hasOutputs)
            throw new InvalidOperationException($"Model '{Info.Name}' has no outputs yet: call Run() first (outputs of a failed run are not kept).");
    }

    // Named after the model's class, which is what the user disposed, not after this engine.
    private void ThrowIfDisposed()
    {
        if (_disposed)
            ThrowDisposed();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowDisposed() =>
        throw new ObjectDisposedException(Info.Name, $"The model '{Info.Name}' was disposed; create a new instance to run it again.");

    /// <summary>Checks that the model file has the inputs and outputs that the Info (the generated class) names.</summary>
    private void CheckSignature(ModelLocation location)
    {
        string Mismatch(string what) =>
            $"The model file of '{Info.Name}' ({location}) does not match its generated class: {what}. " +
            "The model changed since the class was generated; rebuild the project.";

        foreach (var slot in _inputs)
        {
            if (!_session.InputMetadata.TryGetValue(slot.Signature.Name, out var meta))
                throw new InvalidOperationException(Mismatch($"it has no input '{slot.Signature.Name}'"));
            CheckType(meta, slot.Signature, "input");
        }
        foreach (var name in _session.InputNames)
        {
            if (!_inputs.Any(i => i.Signature.Name == name))
                throw new InvalidOperationException(Mismatch($"its input '{name}' is not in the class"));
        }
        foreach (var slot in _outputs)
        {
            if (!_session.OutputMetadata.TryGetValue(slot.Signature.Name, out var meta))
                throw new InvalidOperationException(Mismatch($"it has no output '{slot.Signature.Name}'"));
            CheckType(meta, slot.Signature, "output");
        }

        void CheckType(NodeMetadata meta, TensorSignature signature, string what)
        {
            if (!signature.IsTensor)
            {
                if (meta.OnnxValueType != OnnxValueType.ONNX_TYPE_SEQUENCE)
                    throw new InvalidOperationException(Mismatch($"its {what} '{signature.Name}' is a {meta.OnnxValueType}, not {signature.ValueType}"));
                return;
            }
            if (!meta.IsTensor)
                throw new InvalidOperationException(Mismatch($"its {what} '{signature.Name}' is a {meta.OnnxValueType}, not a tensor"));
            if (ElementTypes.FromOrt(meta.ElementDataType) != signature.ElementType)
                throw new InvalidOperationException(Mismatch(
                    $"its {what} '{signature.Name}' is {meta.ElementDataType}, not {ElementTypes.OnnxName(signature.ElementType)}"));
        }
    }
}
