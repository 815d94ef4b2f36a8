using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Conversion.TfJs;

/// <summary>
/// A constant tensor of a TF.js model (a dequantised weight or an inline Const), in TensorFlow's
/// row-major layout. Exactly one of the typed arrays is set, by <see cref="DataType"/>.
/// </summary>
public sealed class TfConstant
{
    private TfConstant(TfDataType dataType, long[] shape)
    {
        DataType = dataType;
        Shape = shape;
    }

    public TfDataType DataType { get; }
    public long[] Shape { get; }
    public float[]? Floats { get; private init; }
    public int[]? Ints { get; private init; }
    public long[]? Longs { get; private init; }
    /// <summary>Bool (0/1) values.</summary>
    public byte[]? Bools { get; private init; }

    /// <summary>
    /// Float32 values that are all exact halves (a float16-quantised weight, possibly reshaped or
    /// transposed): written as a float16 initializer plus a Cast, losslessly and at half the size.
    /// </summary>
    public bool HalfExact { get; private init; }

    /// <summary>The same constant, marked as holding exact float16 values.</summary>
    internal TfConstant AsHalfExact() => DataType == TfDataType.Float32 ? new TfConstant(DataType, Shape) { Floats = Floats, HalfExact = true } : this;

    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    public static TfConstant FromFloats(long[] shape, float[] values) => Check(new TfConstant(TfDataType.Float32, shape) { Floats = values }, values.Length);
    public static TfConstant FromInts(long[] shape, int[] values) => Check(new TfConstant(TfDataType.Int32, shape) { Ints = values }, values.Length);
    public static TfConstant FromLongs(long[] shape, long[] values) => Check(new TfConstant(TfDataType.Int64, shape) { Longs = values }, values.Length);
    public static TfConstant FromBools(long[] shape, byte[] values) => Check(new TfConstant(TfDataType.Bool, shape) { Bools = values }, values.Length);

    private static TfConstant Check(TfConstant c, int length)
    {
        if (c.ElementCount != length)
            throw new TfJsConversionException($"A constant of shape [{string.Join(",", c.Shape)}] needs {c.ElementCount} values, got {length}.");
        return c;
    }

    /// <summary>The values as 64-bit integers (for shapes, axes, paddings…); floats are truncated.</summary>
    public long[] ToInt64()
        => Ints?.Select(i => (long)i).ToArray() ?? Longs?.ToArray() ?? Bools?.Select(b => (long)b).ToArray()
            ?? Floats!.Select(f => (long)f).ToArray();

    public float[] ToFloats()
        => Floats?.ToArray() ?? Ints?.Select(i => (float)i).ToArray() ?? Longs?.Select(i => (float)i).ToArray() ?? Bools!.Select(b => (float)b).ToArray();

    /// <summary>The same values with another shape of the same size.</summary>
    public TfConstant Reshape(long[] shape) => DataType switch
    {
        TfDataType.Float32 => FromFloats(shape, Floats!) is var f && HalfExact ? f.AsHalfExact() : f,
        TfDataType.Int32 => FromInts(shape, Ints!),
        TfDataType.Int64 => FromLongs(shape, Longs!),
        _ => FromBools(shape, Bools!),
    };

    /// <summary>Transposes: output axis <c>i</c> is input axis <c>perm[i]</c>.</summary>
    public TfConstant Transpose(IReadOnlyList<int> perm)
    {
        var rank = Shape.Length;
        if (perm.Count != rank)
            throw new ArgumentException("perm length differs from rank");
        var outShape = perm.Select(p => Shape[p]).ToArray();
        var count = (int)ElementCount;
        var inStrides = Strides(Shape);
        var index = new int[count];
        var coord = new long[rank];
        for (var o = 0; o < count; o++)
        {
            long src = 0;
            for (var i = 0; i < rank; i++)
                src += coord[i] * inStrides[perm[i]];
            index[o] = (int)src;
            for (var i = rank - 1; i >= 0; i--)
            {
                if (++coord[i] < outShape[i])
                    break;
                coord[i] = 0;
            }
        }
        return DataType switch
        {
            TfDataType.Float32 => FromFloats(outShape, index.Select(i => Floats![i]).ToArray()) is var f && HalfExact ? f.AsHalfExact() : f,
            TfDataType.Int32 => FromInts(outShape, index.Select(i => Ints![i]).ToArray()),
            TfDataType.Int64 => FromLongs(outShape, index.Select(i => Longs![i]).ToArray()),
            _ => FromBools(outShape, index.Select(i => Bools![i]).ToArray()),
        };
    }

    internal static long[] Strides(long[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /// <summary>The values as IEEE halves (only meaningful when <see cref="HalfExact"/>).</summary>
    internal OnnxTensor ToOnnxHalf(string name)
    {
        var bytes = new byte[Floats!.Length * 2];
        for (var i = 0; i < Floats.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)Floats[i]));
        return OnnxTensor.FromRawData(name, OnnxElementType.Float16, Shape, bytes);
    }

    /// <summary>An ONNX initializer holding these values (int64 constants stay int64, bools are ONNX bools).</summary>
    public OnnxTensor ToOnnx(string name) => DataType switch
    {
        TfDataType.Float32 => OnnxTensor.Create<float>(name, Shape, Floats!),
        TfDataType.Int32 => OnnxTensor.Create<int>(name, Shape, Ints!),
        TfDataType.Int64 => OnnxTensor.Create<long>(name, Shape, Longs!),
        _ => OnnxTensor.FromRawData(name, OnnxElementType.Bool, Shape, Bools!.ToArray()),
    };

    /// <summary>Reads values from little-endian bytes (<c>float32</c>, <c>int32</c>, <c>bool</c>, <c>int64</c>).</summary>
    internal static TfConstant FromBytes(TfDataType type, long[] shape, ReadOnlySpan<byte> bytes) => type switch
    {
        TfDataType.Float32 => FromFloats(shape, MemoryMarshal.Cast<byte, float>(bytes).ToArray()),
        TfDataType.Int32 => FromInts(shape, MemoryMarshal.Cast<byte, int>(bytes).ToArray()),
        TfDataType.Int64 => FromLongs(shape, MemoryMarshal.Cast<byte, long>(bytes).ToArray()),
        TfDataType.Bool => FromBools(shape, bytes.ToArray().Select(b => b != 0 ? (byte)1 : (byte)0).ToArray()),
        _ => throw new TfJsConversionException($"Constants of type {type} are not supported."),
    };
}
