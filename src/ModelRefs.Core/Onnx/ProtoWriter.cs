using System.Buffers.Binary;
using System.Text;

namespace ModelRefs.Core.Onnx;

/// <summary>
/// A protobuf message under construction. Payloads are referenced, not copied, and sizes are
/// computed before writing, so a model with large initializers streams to disk without a second copy.
/// </summary>
internal sealed class ProtoMessage
{
    private enum Kind : byte { Varint, Fixed32, Bytes, Message }

    private readonly record struct Field(int Number, Kind Kind, ulong Scalar, ReadOnlyMemory<byte> Bytes, ProtoMessage? Message);

    private readonly List<Field> _fields = [];
    private long _size = -1;

    /// <summary>int32, int64 and enum fields: negative values take ten bytes, as protobuf encodes them.</summary>
    public ProtoMessage Varint(int number, long value) => Add(new Field(number, Kind.Varint, (ulong)value, default, null));

    public ProtoMessage Float(int number, float value)
        => Add(new Field(number, Kind.Fixed32, BitConverter.SingleToUInt32Bits(value), default, null));

    public ProtoMessage Bytes(int number, ReadOnlyMemory<byte> bytes) => Add(new Field(number, Kind.Bytes, 0, bytes, null));

    public ProtoMessage String(int number, string value) => Bytes(number, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes the string only when it is not empty (optional proto2 fields left unset).</summary>
    public ProtoMessage StringIfAny(int number, string? value) => string.IsNullOrEmpty(value) ? this : String(number, value);

    public ProtoMessage Message(int number, ProtoMessage message) => Add(new Field(number, Kind.Message, 0, default, message));

    private ProtoMessage Add(Field field)
    {
        _fields.Add(field);
        _size = -1;
        return this;
    }

    /// <summary>Encoded size in bytes, without this message's own tag and length.</summary>
    public long Size
    {
        get
        {
            if (_size >= 0)
                return _size;
            long size = 0;
            foreach (var f in _fields)
            {
                size += VarintSize((ulong)f.Number << 3);
                size += f.Kind switch
                {
                    Kind.Varint => VarintSize(f.Scalar),
                    Kind.Fixed32 => 4,
                    Kind.Bytes => VarintSize((ulong)f.Bytes.Length) + f.Bytes.Length,
                    _ => VarintSize((ulong)f.Message!.Size) + f.Message.Size,
                };
            }
            return _size = size;
        }
    }

    public void WriteTo(Stream stream)
    {
        var output = new ProtoOutput(stream);
        Write(output);
        output.Flush();
    }

    private void Write(ProtoOutput output)
    {
        foreach (var f in _fields)
        {
            switch (f.Kind)
            {
                case Kind.Varint:
                    output.Varint((ulong)f.Number << 3);
                    output.Varint(f.Scalar);
                    break;
                case Kind.Fixed32:
                    output.Varint(((ulong)f.Number << 3) | 5);
                    output.Fixed32((uint)f.Scalar);
                    break;
                case Kind.Bytes:
                    output.Varint(((ulong)f.Number << 3) | 2);
                    output.Varint((ulong)f.Bytes.Length);
                    output.Raw(f.Bytes.Span);
                    break;
                default:
                    output.Varint(((ulong)f.Number << 3) | 2);
                    output.Varint((ulong)f.Message!.Size);
                    f.Message.Write(output);
                    break;
            }
        }
    }

    internal static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    private sealed class ProtoOutput(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _count;

        public void Varint(ulong value)
        {
            if (_count > _buffer.Length - 10)
                Flush();
            while (value >= 0x80)
            {
                _buffer[_count++] = (byte)(value | 0x80);
                value >>= 7;
            }
            _buffer[_count++] = (byte)value;
        }

        public void Fixed32(uint value)
        {
            if (_count > _buffer.Length - 4)
                Flush();
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_count), value);
            _count += 4;
        }

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length <= _buffer.Length - _count)
            {
                bytes.CopyTo(_buffer.AsSpan(_count));
                _count += bytes.Length;
                return;
            }
            Flush();
            stream.Write(bytes);
        }

        public void Flush()
        {
            stream.Write(_buffer, 0, _count);
            _count = 0;
        }
    }
}
