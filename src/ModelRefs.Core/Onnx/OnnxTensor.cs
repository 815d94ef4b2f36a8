using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace ModelRefs.Core.Onnx;

/// <summary>
/// A tensor for <see cref="OnnxModelBuilder"/>: an initializer or a tensor attribute. Its data is
/// <c>raw_data</c> (little-endian), <c>string_data</c>, or a reference to an external file.
/// </summary>
public sealed class OnnxTensor
{
    private OnnxTensor(string name, OnnxElementType elementType, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var d in dims)
            if (d < 0)
                throw new ArgumentException($"Tensor '{name}' has a negative dimension ({d}).", nameof(dims));
        Name = name;
        ElementType = elementType;
        Dims = dims;
    }

    public string Name { get; }
    public OnnxElementType ElementType { get; }
    public IReadOnlyList<long> Dims { get; }
    public string DocString { get; init; } = "";

    /// <summary>The data in <c>raw_data</c>; empty for string and external tensors.</summary>
    public ReadOnlyMemory<byte> RawData { get; private init; }

    /// <summary>The elements of a <see cref="OnnxElementType.String"/> tensor, UTF-8 encoded.</summary>
    public IReadOnlyList<byte[]>? StringData { get; private init; }

    /// <summary>File of the data relative to the model's folder, for external data; otherwise null.</summary>
    public string? ExternalLocation { get; private init; }
    public long? ExternalOffset { get; private init; }
    public long? ExternalLength { get; private init; }

    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in Dims)
                count = checked(count * d);
            return count;
        }
    }

    /// <summary>A tensor whose little-endian bytes are given as they go into <c>raw_data</c> (not copied).</summary>
    public static OnnxTensor FromRawData(string name, OnnxElementType elementType, long[] dims, ReadOnlyMemory<byte> rawData)
    {
        var tensor = new OnnxTensor(name, elementType, dims) { RawData = rawData };
        var expected = elementType.GetRawDataLength(tensor.ElementCount);
        if (rawData.Length != expected)
            throw new ArgumentException(
                $"Tensor '{name}' of {elementType.ToManifestName()} [{string.Join(",", dims)}] needs {expected} bytes of raw data, got {rawData.Length}.",
                nameof(rawData));
        return tensor;
    }

    /// <summary>A tensor from .NET values; the element type follows <typeparamref name="T"/> (float, double, Half, the integer types, bool, Complex).</summary>
    public static OnnxTensor Create<T>(string name, long[] dims, ReadOnlySpan<T> values) where T : unmanaged
    {
        var type = ElementTypeOf<T>();
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("raw_data is little-endian; big-endian hosts are not supported.");
        return FromRawData(name, type, dims, bytes);
    }

    /// <summary>A tensor from .NET values (see <see cref="Create{T}(string, long[], ReadOnlySpan{T})"/>).</summary>
    public static OnnxTensor Create<T>(string name, long[] dims, params T[] values) where T : unmanaged
        => Create(name, dims, (ReadOnlySpan<T>)values);

    /// <summary>A rank-0 tensor holding one value.</summary>
    public static OnnxTensor Scalar<T>(string name, T value) where T : unmanaged => Create(name, [], [value]);

    /// <summary>A <see cref="OnnxElementType.String"/> tensor (strings are stored in <c>string_data</c>, never raw).</summary>
    public static OnnxTensor FromStrings(string name, long[] dims, params string[] values)
    {
        var tensor = new OnnxTensor(name, OnnxElementType.String, dims)
        {
            StringData = values.Select(v => Encoding.UTF8.GetBytes(v)).ToArray(),
        };
        if (values.Length != tensor.ElementCount)
            throw new ArgumentException($"Tensor '{name}' [{string.Join(",", dims)}] needs {tensor.ElementCount} strings, got {values.Length}.", nameof(values));
        return tensor;
    }

    /// <summary>
    /// A tensor whose data lives in another file (<c>data_location = EXTERNAL</c>), at <paramref name="offset"/>
    /// for <paramref name="length"/> bytes (the rest of the file when null). The builder does not write that file.
    /// </summary>
    public static OnnxTensor External(string name, OnnxElementType elementType, long[] dims, string location, long? offset = null, long? length = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (offset < 0 || length < 0)
            throw new ArgumentOutOfRangeException(offset < 0 ? nameof(offset) : nameof(length), "External data offset and length cannot be negative.");
        return new OnnxTensor(name, elementType, dims) { ExternalLocation = location, ExternalOffset = offset, ExternalLength = length };
    }

    /// <summary>The element type ONNX uses for a .NET type.</summary>
    public static OnnxElementType ElementTypeOf<T>() where T : unmanaged
        => typeof(T) switch
        {
            var t when t == typeof(float) => OnnxElementType.Float,
            var t when t == typeof(double) => OnnxElementType.Double,
            var t when t == typeof(Half) => OnnxElementType.Float16,
            var t when t == typeof(byte) => OnnxElementType.UInt8,
            var t when t == typeof(sbyte) => OnnxElementType.Int8,
            var t when t == typeof(ushort) => OnnxElementType.UInt16,
            var t when t == typeof(short) => OnnxElementType.Int16,
            var t when t == typeof(uint) => OnnxElementType.UInt32,
            var t when t == typeof(int) => OnnxElementType.Int32,
            var t when t == typeof(ulong) => OnnxElementType.UInt64,
            var t when t == typeof(long) => OnnxElementType.Int64,
            var t when t == typeof(bool) => OnnxElementType.Bool,
            var t when t == typeof(Complex) => OnnxElementType.Complex128,
            _ => throw new ArgumentException($"{typeof(T).Name} has no ONNX element type; use FromRawData with an explicit type."),
        };

    internal ProtoMessage ToProto()
    {
        var m = new ProtoMessage();
        foreach (var d in Dims)
            m.Varint(OnnxFields.Tensor.Dims, d);
        m.Varint(OnnxFields.Tensor.DataType, (int)ElementType);
        if (StringData != null)
            foreach (var s in StringData)
                m.Bytes(OnnxFields.Tensor.StringData, s);
        m.StringIfAny(OnnxFields.Tensor.Name, Name);
        if (ExternalLocation == null && StringData == null)
            m.Bytes(OnnxFields.Tensor.RawData, RawData);
        m.StringIfAny(OnnxFields.Tensor.DocString, DocString);
        if (ExternalLocation != null)
        {
            m.Message(OnnxFields.Tensor.ExternalData, Entry("location", ExternalLocation));
            if (ExternalOffset.HasValue)
                m.Message(OnnxFields.Tensor.ExternalData, Entry("offset", ExternalOffset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (ExternalLength.HasValue)
                m.Message(OnnxFields.Tensor.ExternalData, Entry("length", ExternalLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            m.Varint(OnnxFields.Tensor.DataLocation, OnnxFields.Tensor.DataLocationExternal);
        }
        return m;
    }

    internal static ProtoMessage Entry(string key, string value)
        => new ProtoMessage().String(OnnxFields.StringStringEntry.Key, key).String(OnnxFields.StringStringEntry.Value, value);
}
