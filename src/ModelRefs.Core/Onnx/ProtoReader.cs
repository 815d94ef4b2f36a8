using System.Text;

namespace ModelRefs.Core.Onnx;

/// <summary>
/// A forward-only protobuf reader over a seekable stream, with a fixed buffer: payloads the caller
/// does not want are skipped by seeking, so memory does not grow with the file. Every read is
/// checked against the enclosing message's end; any inconsistency is an <see cref="OnnxFormatException"/>.
/// </summary>
internal sealed class ProtoReader
{
    public const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireFixed32 = 5;

    private const int BufferSize = 16 * 1024;
    // Nesting in real models: model → graph → node → attribute → graph … a few levels per subgraph.
    private const int MaxDepth = 100;
    // A guard against pathological files, far above what real models have (fields actually parsed, not skipped).
    private const long MaxFields = 200_000_000;
    // Names and doc strings are small; a longer one is not worth holding in memory.
    public const int MaxStringBytes = 64 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly string _fileName;
    private readonly long _origin;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly string[] _context = new string[MaxDepth + 1];
    private int _pos;
    private int _count;
    private long _bufferStart;
    private long _limit;
    private int _depth;
    private long _fields;

    public ProtoReader(Stream stream, string fileName, string rootMessage)
    {
        _stream = stream;
        _fileName = fileName;
        _origin = stream.Position;
        Length = stream.Length - _origin;
        _limit = Length;
        _context[0] = rootMessage;
    }

    public long Length { get; }

    public long Position => _bufferStart + _pos;

    public OnnxFormatException Error(string problem, long? offset = null)
        => new(_fileName, offset ?? Position, $"{problem} in {_context[_depth]}");

    /// <summary>Reads the next field's tag; false at the end of the current message.</summary>
    public bool ReadTag(out int field, out int wireType)
    {
        if (Position >= _limit)
        {
            field = wireType = 0;
            return false;
        }
        if (++_fields > MaxFields)
            throw Error($"more than {MaxFields} fields");
        var start = Position;
        var tag = ReadVarint();
        if (tag > uint.MaxValue)
            throw Error($"field tag {tag} is out of range", start);
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field == 0)
            throw Error("field number 0", start);
        if (wireType is 3 or 4)
            throw Error($"field {field} uses a protobuf group, which ONNX never does", start);
        if (wireType is not (WireVarint or WireFixed64 or WireLengthDelimited or WireFixed32))
            throw Error($"field {field} has invalid wire type {wireType}", start);
        return true;
    }

    public ulong ReadVarint()
    {
        var start = Position;
        ulong result = 0;
        for (var i = 0; i < 10; i++)
        {
            if (Position >= _limit)
                throw Error(EndProblem("a varint"), start);
            var b = ReadByte();
            if (i == 9 && b > 1)
                throw Error("a varint overflows 64 bits", start);
            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
                return result;
        }
        throw Error("a varint is longer than 10 bytes", start);
    }

    public long ReadInt64() => (long)ReadVarint();

    /// <summary>int32 and enum fields: protobuf sign-extends negatives to 64 bits; keep the low 32 as protobuf does.</summary>
    public int ReadInt32() => unchecked((int)ReadVarint());

    /// <summary>Reads a length prefix and checks that the payload fits in the current message.</summary>
    public long ReadLength()
    {
        var start = Position;
        var length = ReadVarint();
        var left = _limit - Position;
        if (length > (ulong)left)
            throw Error($"a length of {length} bytes runs past the end of {(_limit == Length ? "the file" : "the enclosing message")} ({left} bytes left)", start);
        return (long)length;
    }

    public string ReadString()
    {
        var start = Position;
        var length = ReadLength();
        if (length > MaxStringBytes)
            throw Error($"a string of {length} bytes is longer than the {MaxStringBytes} this reader accepts", start);
        var n = (int)length;
        if (n <= _count - _pos)
        {
            var s = Encoding.UTF8.GetString(_buffer, _pos, n);
            _pos += n;
            return s;
        }
        var bytes = new byte[n];
        var copied = 0;
        while (copied < n)
        {
            if (_pos == _count)
                Fill();
            var chunk = Math.Min(n - copied, _count - _pos);
            Buffer.BlockCopy(_buffer, _pos, bytes, copied, chunk);
            _pos += chunk;
            copied += chunk;
        }
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Skips a field's value; length-delimited payloads are skipped by seeking, never read.</summary>
    public void SkipField(int wireType)
    {
        switch (wireType)
        {
            case WireVarint: ReadVarint(); break;
            case WireFixed64: Skip(8); break;
            case WireFixed32: Skip(4); break;
            default: Skip(ReadLength()); break;
        }
    }

    /// <summary>Enters a length-delimited sub-message; returns the outer limit for <see cref="LeaveMessage"/>.</summary>
    public long EnterMessage(string name)
    {
        var length = ReadLength();
        if (_depth >= MaxDepth)
            throw Error($"messages are nested more than {MaxDepth} deep");
        var outer = _limit;
        _limit = Position + length;
        _context[++_depth] = name;
        return outer;
    }

    public void LeaveMessage(long outerLimit)
    {
        // Callers read to the end of the message; skip anything left so the outer message resumes in step.
        if (Position < _limit)
            Skip(_limit - Position);
        _limit = outerLimit;
        _depth--;
    }

    private void Skip(long n)
    {
        if (n > _limit - Position)
            throw Error(EndProblem($"a {n}-byte value"));
        if (n <= _count - _pos)
        {
            _pos += (int)n;
            return;
        }
        // Drop the buffer; the next fill reads from the target offset.
        _bufferStart = Position + n;
        _pos = _count = 0;
    }

    private byte ReadByte()
    {
        if (_pos == _count)
            Fill();
        return _buffer[_pos++];
    }

    private void Fill()
    {
        _bufferStart += _count;
        _pos = _count = 0;
        var want = (int)Math.Min(BufferSize, Length - _bufferStart);
        if (want <= 0)
            throw Error("unexpected end of file");
        var target = _origin + _bufferStart;
        if (_stream.Position != target)
            _stream.Position = target;
        var read = _stream.Read(_buffer, 0, want);
        if (read <= 0)
            throw Error("the file ended before its recorded length (was it changed while being read?)");
        _count = read;
    }

    private string EndProblem(string what)
        => _limit == Length ? $"the file ends in the middle of {what}" : $"{what} runs past the end of the enclosing message";
}
