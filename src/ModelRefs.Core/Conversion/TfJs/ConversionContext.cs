using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>
/// The state one conversion shares with the per-op converters: TF tensor → <see cref="TfValue"/>,
/// the ONNX builder, unique names, layout changes (each value is transposed at most once per
/// direction) and constant initializers.
/// </summary>
internal sealed class ConversionContext
{
    public ConversionContext(OnnxModelBuilder builder)
    {
        Builder = builder;
        _names = new HashSet<string>(StringComparer.Ordinal);
        _reserved = new HashSet<string>(StringComparer.Ordinal);
        _opCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        Warnings = [];
    }

    /// <summary>
    /// A loop body's context: nodes go to <paramref name="body"/>, initializers to the main graph
    /// (ONNX subgraphs see outer values), names stay unique across both, and outer TF values are
    /// read through copies so that layout changes made in the body stay in the body.
    /// </summary>
    private ConversionContext(ConversionContext parent, OnnxModelBuilder body)
    {
        _parent = parent;
        Builder = body;
        _names = parent._names;
        _reserved = parent._reserved;
        _opCounts = parent._opCounts;
        Warnings = parent.Warnings;
    }

    public ConversionContext Child(OnnxModelBuilder body) => new(this, body);

    private readonly ConversionContext? _parent;
    private OnnxModelBuilder Root => _parent?.Root ?? Builder;

    /// <summary>NHWC → NCHW: stored axis i is TF axis ToNchw[i].</summary>
    public static readonly int[] ToNchw = [0, 3, 1, 2];
    /// <summary>NCHW → NHWC.</summary>
    public static readonly int[] ToNhwc = [0, 2, 3, 1];

    private readonly Dictionary<string, TfValue> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names;
    private readonly HashSet<string> _reserved;
    private readonly Dictionary<string, int> _opCounts;

    public OnnxModelBuilder Builder { get; }
    public List<string> Warnings { get; }
    public IReadOnlyDictionary<string, int> OpCounts => _opCounts;

    // ---- TF tensors ----

    /// <summary>"node:0" and "node" name the same tensor.</summary>
    public static string TensorKey(string reference)
    {
        var r = reference.StartsWith('^') ? reference[1..] : reference;
        return r.EndsWith(":0", StringComparison.Ordinal) ? r[..^2] : r;
    }

    public static string TensorKey(string nodeName, int index) => index == 0 ? nodeName : $"{nodeName}:{index}";

    public void Set(string key, TfValue value)
    {
        _values[key] = value;
        if (value.OnnxName != null)
            _names.Add(value.OnnxName);
    }

    public void SetOutput(TfNode node, int index, TfValue value) => Set(TensorKey(node.Name, index), value);

    // ---- dead tensors (the untaken side of a Switch whose predicate is a constant) ----

    private readonly HashSet<string> _deadTensors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deadNodes = new(StringComparer.Ordinal);

    /// <summary>One output of a node is dead (the untaken side of a Switch).</summary>
    public void MarkDeadTensor(string nodeName, int index) => _deadTensors.Add(TensorKey(nodeName, index));

    /// <summary>Every output of the node is dead.</summary>
    public void MarkDead(string nodeName) => _deadNodes.Add(nodeName);

    /// <summary>True for the untaken output of a folded Switch, and every output of a node reading a dead tensor.</summary>
    public bool IsDead(string reference)
    {
        var key = TensorKey(reference);
        var colon = key.LastIndexOf(':');
        return _deadTensors.Contains(key) || _deadNodes.Contains(colon > 0 && int.TryParse(key.AsSpan(colon + 1), out _) ? key[..colon] : key);
    }

    public bool TryGet(string reference, out TfValue value)
    {
        var key = TensorKey(reference);
        if (_values.TryGetValue(key, out value!))
            return true;
        if (_parent == null || !_parent.TryGet(key, out var outer))
            return false;
        value = outer.Clone();
        _values[key] = value;
        return true;
    }

    public TfValue Input(TfNode node, int index)
    {
        if (index >= node.Inputs.Count)
            throw TfJsConversionException.ForNode(node, $"expects at least {index + 1} inputs, has {node.Inputs.Count}.");
        if (!TryGet(node.Inputs[index], out var v))
            throw TfJsConversionException.ForNode(node, $"input '{node.Inputs[index]}' is not produced by any node the converter handled.");
        return v;
    }

    public TfConstant ConstInput(TfNode node, int index, string what)
    {
        var v = Input(node, index);
        return v.Constant ?? throw TfJsConversionException.ForNode(node,
            $"its {what} (input {index}, '{node.Inputs[index]}') must be a constant for the ONNX conversion; it is computed at run time.");
    }

    // ---- names and nodes ----

    public string Fresh(string hint)
    {
        if (!_reserved.Contains(hint) && _names.Add(hint))
            return hint;
        for (var i = 1; ; i++)
        {
            var n = $"{hint}_{i}";
            if (!_reserved.Contains(n) && _names.Add(n))
                return n;
        }
    }

    /// <summary>
    /// Keeps <paramref name="name"/> (a signature name the graph's input or output will take) from
    /// <see cref="Fresh"/> until <see cref="Release"/>; false when it is reserved or taken already.
    /// </summary>
    public bool Reserve(string name) => !_names.Contains(name) && _reserved.Add(name);

    /// <summary>Hands a reserved name back, so that the next <see cref="Fresh"/> of it returns it.</summary>
    public void Release(string name) => _reserved.Remove(name);

    /// <summary>Adds a node with one output named <paramref name="output"/> (made unique) and returns that name.</summary>
    public string Emit(string op, IReadOnlyList<string> inputs, string output, params OnnxAttribute[] attributes)
        => EmitMulti(op, inputs, [output], attributes)[0];

    public string[] EmitMulti(string op, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        var outs = outputs.Select(Fresh).ToArray();
        Builder.Node(new OnnxNode(op, inputs.ToArray(), outs) { Name = Fresh("n:" + outs[0]), Attributes = attributes });
        _opCounts[op] = _opCounts.TryGetValue(op, out var c) ? c + 1 : 1;
        return outs;
    }

    /// <summary>Float16 weights below this size stay float32: the Cast would cost more than it saves.</summary>
    private const long HalfInitializerMinElements = 16;

    public string Initializer(TfConstant constant, string hint)
    {
        if (constant.HalfExact && constant.ElementCount >= HalfInitializerMinElements)
        {
            // Kept as the model's float16 bytes; ONNX Runtime folds the exact Cast to float32 at load.
            var half = Fresh(hint + "/f16");
            Root.Initializer(constant.ToOnnxHalf(half));
            return Emit("Cast", [half], hint, OnnxAttribute.Int("to", (long)OnnxElementType.Float));
        }
        var name = Fresh(hint);
        Root.Initializer(constant.ToOnnx(name));
        return name;
    }

    public string Int64s(string hint, params long[] values) => Initializer(TfConstant.FromLongs([values.Length], values), hint);
    public string Int64Scalar(string hint, long value) => Initializer(TfConstant.FromLongs([], [value]), hint);

    /// <summary>A scalar of <paramref name="type"/> (for Clip bounds, offsets…).</summary>
    public string Scalar(string hint, TfDataType type, double value) => type switch
    {
        TfDataType.Float32 => Initializer(TfConstant.FromFloats([], [(float)value]), hint),
        TfDataType.Int32 => Initializer(TfConstant.FromInts([], [(int)value]), hint),
        TfDataType.Int64 => Initializer(TfConstant.FromLongs([], [(long)value]), hint),
        _ => throw new TfJsConversionException($"No scalar constant of type {type}."),
    };

    // ---- layouts ----

    /// <summary>The ONNX name of <paramref name="v"/> in TF (NHWC) layout, transposing once if it is stored NCHW.</summary>
    public string Native(TfValue v, string? hint = null)
    {
        if (v.Constant != null)
            return v.NativeCache ??= Initializer(v.Constant, hint ?? "const");
        if (!v.Nchw)
            return v.OnnxName!;
        return v.NativeCache ??= Emit("Transpose", [v.OnnxName!], v.OnnxName + "/nhwc", OnnxAttribute.Ints("perm", ToNhwc.Select(p => (long)p).ToArray()));
    }

    /// <summary>The ONNX name of a rank-4 <paramref name="v"/> in NCHW layout (constants are permuted at conversion time).</summary>
    public string Nchw(TfValue v, string? hint = null)
    {
        if (v.Rank != 4)
            throw new InvalidOperationException("NCHW needs rank 4");
        if (v.Nchw)
            return v.OnnxName!;
        if (v.Constant != null)
            return v.NchwCache ??= Initializer(v.Constant.Transpose(ToNchw), (hint ?? "const") + "/nchw");
        return v.NchwCache ??= Emit("Transpose", [v.OnnxName!], v.OnnxName + "/nchw", OnnxAttribute.Ints("perm", ToNchw.Select(p => (long)p).ToArray()));
    }

    /// <summary>
    /// An operand of an element-wise op whose result is stored NCHW: rank-4 values are made NCHW,
    /// lower-rank constants are padded to rank 4 (broadcast rules) and permuted, scalars pass.
    /// Returns null when the operand cannot take part without a run-time reshape.
    /// </summary>
    public string? BroadcastNchw(TfValue v, string hint)
    {
        if (v.Nchw || v.Rank == 4)
            return Nchw(v, hint);
        if (v.Rank == 0)
            return Native(v, hint);
        if (v.Constant != null && v.Rank is > 0 and < 4)
        {
            if (v.NchwCache != null)
                return v.NchwCache;
            var padded = Enumerable.Repeat(1L, 4 - v.Rank).Concat(v.Shape!).ToArray();
            var c = v.Constant.Reshape(padded).Transpose(ToNchw);
            if (c.Shape[0] == 1 && c.Shape[2] == 1 && c.Shape[3] == 1 && v.Rank == 1)
                c = c.Reshape([c.Shape[1], 1, 1]); // [C] → [C,1,1]
            return v.NchwCache = Initializer(c, hint + "/nchw");
        }
        return null;
    }

    /// <summary>The stored (ONNX) axis of TF axis <paramref name="axis"/> of <paramref name="v"/> (already normalised).</summary>
    public static int StoredAxis(TfValue v, int axis) => v.Nchw ? Array.IndexOf(ToNchw, axis) : axis;

    public static int NormalizeAxis(TfNode node, long axis, int rank)
    {
        if (rank < 0)
            throw TfJsConversionException.ForNode(node, "the rank of its input is unknown; the converter needs it to resolve axes.");
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw TfJsConversionException.ForNode(node, $"axis {axis} is out of range for rank {rank}.");
        return (int)a;
    }

    public static long[]? Broadcast(IEnumerable<long[]?> shapes)
    {
        long[] result = [];
        foreach (var s in shapes)
        {
            if (s == null)
                return null;
            var rank = Math.Max(result.Length, s.Length);
            var r = new long[rank];
            for (var i = 0; i < rank; i++)
            {
                var a = i - (rank - result.Length) >= 0 ? result[i - (rank - result.Length)] : 1;
                var b = i - (rank - s.Length) >= 0 ? s[i - (rank - s.Length)] : 1;
                r[i] = a == 1 ? b : b == 1 ? a : a == -1 ? b : a;
            }
            result = r;
        }
        return result;
    }
}
