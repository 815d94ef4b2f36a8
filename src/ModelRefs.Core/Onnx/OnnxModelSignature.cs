using System.Globalization;
using ModelRefs.Shared.Manifest;

namespace ModelRefs.Core.Onnx;

/// <summary>What an ONNX model declares about itself, read without its weights (see <see cref="OnnxSignatureReader"/>).</summary>
public sealed record OnnxModelSignature
{
    public long IrVersion { get; init; }
    public string ProducerName { get; init; } = "";
    public string ProducerVersion { get; init; } = "";
    public string Domain { get; init; } = "";
    public long ModelVersion { get; init; }
    public string DocString { get; init; } = "";
    public string GraphName { get; init; } = "";
    /// <summary>Opset imports in file order; the default ONNX domain is <c>""</c>.</summary>
    public IReadOnlyList<OnnxOpsetImport> Opsets { get; init; } = [];
    /// <summary>The model's <c>metadata_props</c>, in file order.</summary>
    public IReadOnlyList<OnnxMetadataProperty> Metadata { get; init; } = [];
    /// <summary>Graph inputs a caller feeds: inputs that name an initializer (IR &lt; 4 style) are left out.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; init; } = [];
    public IReadOnlyList<OnnxValueInfo> Outputs { get; init; } = [];
    /// <summary>Initializers of the main graph (dense and sparse).</summary>
    public int InitializerCount { get; init; }
    /// <summary>
    /// Distinct <c>location</c>s of tensors stored outside the .onnx file (initializers, constant
    /// attributes, subgraphs), relative to the model's folder, in first-seen order, as written
    /// (restore checks them with <see cref="ExternalDataLocation"/>, fetches them and deploys them beside the model).
    /// </summary>
    public IReadOnlyList<string> ExternalDataFiles { get; init; } = [];
}

/// <summary>One <c>opset_import</c>: an operator-set domain (<c>""</c> is the default ONNX domain) and its version.</summary>
public sealed record OnnxOpsetImport(string Domain, long Version);

/// <summary>One <c>metadata_props</c> entry.</summary>
public sealed record OnnxMetadataProperty(string Key, string Value);

/// <summary>The kind of a value's <c>TypeProto</c>.</summary>
public enum OnnxValueKind
{
    /// <summary>No type, or a kind this library does not know (e.g. opaque).</summary>
    Unknown = 0,
    Tensor,
    Sequence,
    Map,
    Optional,
    SparseTensor,
}

/// <summary>Manifest spellings of <see cref="OnnxValueKind"/>.</summary>
public static class OnnxValueKinds
{
    /// <summary><c>tensor</c>, <c>sequence</c>, <c>map</c>, <c>optional</c>, <c>sparse_tensor</c> or <c>unknown</c> (docs/design/manifest.md).</summary>
    public static string ToManifestName(this OnnxValueKind kind) => kind switch
    {
        OnnxValueKind.Tensor => ManifestKeys.ValueKinds.Tensor,
        OnnxValueKind.Sequence => ManifestKeys.ValueKinds.Sequence,
        OnnxValueKind.Map => ManifestKeys.ValueKinds.Map,
        OnnxValueKind.Optional => ManifestKeys.ValueKinds.Optional,
        OnnxValueKind.SparseTensor => ManifestKeys.ValueKinds.SparseTensor,
        _ => ManifestKeys.ValueKinds.Unknown,
    };
}

/// <summary>
/// A graph input or output. For <see cref="OnnxValueKind.Sequence"/> and <see cref="OnnxValueKind.Optional"/>,
/// <see cref="ElementType"/> and <see cref="Shape"/> describe the innermost tensor (<c>seq(tensor(float))</c>
/// has <see cref="OnnxElementType.Float"/>); for <see cref="OnnxValueKind.Map"/>, its value's.
/// </summary>
/// <param name="Shape">One entry per dimension; <c>null</c> when the model declares no shape (rank unknown); empty for a scalar.</param>
public sealed record OnnxValueInfo(
    string Name,
    OnnxValueKind Kind,
    OnnxElementType ElementType,
    IReadOnlyList<OnnxDimension>? Shape,
    string DocString = "")
{
    /// <summary>A tensor value; no dimensions is a scalar.</summary>
    public static OnnxValueInfo Tensor(string name, OnnxElementType elementType, params OnnxDimension[] shape)
        => new(name, OnnxValueKind.Tensor, elementType, shape);

    /// <summary>A tensor value whose shape (and so rank) is not declared.</summary>
    public static OnnxValueInfo TensorWithoutShape(string name, OnnxElementType elementType)
        => new(name, OnnxValueKind.Tensor, elementType, null);

    /// <summary>
    /// The whole type in ONNX's notation when the signature was read from a model, e.g.
    /// <c>tensor(float)</c> or <c>seq(map(int64,tensor(float)))</c> (what <see cref="Kind"/> and
    /// <see cref="ElementType"/> flatten); <see langword="null"/> when built in code. Not part of equality.
    /// </summary>
    public string? Type { get; init; }

    /// <summary>Shape as text, e.g. <c>[batch,3,?,?]</c>, or <c>(no shape)</c>.</summary>
    public string ShapeText => Shape == null ? "(no shape)" : "[" + string.Join(",", Shape) + "]";

    // Records compare lists by reference; compare shapes by content so that round-trips are testable.
    public bool Equals(OnnxValueInfo? other)
        => other is not null && Name == other.Name && Kind == other.Kind && ElementType == other.ElementType
           && DocString == other.DocString
           && (Shape == null ? other.Shape == null : other.Shape != null && Shape.SequenceEqual(other.Shape));

    public override int GetHashCode() => HashCode.Combine(Name, Kind, ElementType, Shape?.Count ?? -1, DocString);

    public override string ToString() => $"{Name}: {Kind.ToManifestName()}({ElementType.ToManifestName()}) {ShapeText}";
}

/// <summary>One dimension: fixed (<see cref="Value"/>), symbolic (<see cref="Param"/>), or unknown (both null).</summary>
public readonly record struct OnnxDimension(long? Value, string? Param)
{
    public static OnnxDimension Unknown => default;
    public static OnnxDimension Fixed(long value) => new(value, null);
    public static OnnxDimension Symbolic(string param) => new(null, param);

    public bool IsFixed => Value.HasValue;
    public bool IsSymbolic => Param != null;
    public bool IsUnknown => !Value.HasValue && Param == null;

    public static implicit operator OnnxDimension(long value) => Fixed(value);
    public static implicit operator OnnxDimension(string? param) => param == null ? Unknown : Symbolic(param);

    public override string ToString() => Value?.ToString(CultureInfo.InvariantCulture) ?? Param ?? "?";
}
