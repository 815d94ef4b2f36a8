using System.Buffers.Binary;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// Deterministic content of any length computed from the position, so a test can serve gigabytes
/// from no memory and seek anywhere (<see cref="LoopbackResponse.Ranged(LoopbackRequest, long, Func{long, Stream}, string?, DateTimeOffset?)"/>).
/// Every 64 KiB block is one seeded random block whose first 8 bytes are XORed with the block's
/// index: no two blocks are equal, and reading is as fast as copying memory.
/// </summary>
public sealed class GeneratedContentStream : Stream
{
    public const int BlockSize = 1 << 16;

    private readonly byte[] _block;
    private readonly ulong _head;
    private long _position;

    public GeneratedContentStream(long length, int seed = 1, long position = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _block = new byte[BlockSize];
        new Random(seed).NextBytes(_block);
        _head = BinaryPrimitives.ReadUInt64LittleEndian(_block);
        Position = position;
    }

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => _position = Math.Clamp(value, 0, Length);
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, Length - _position);
        Span<byte> head = stackalloc byte[8];
        var written = 0;
        while (written < count)
        {
            var index = _position / BlockSize;
            var within = (int)(_position % BlockSize);
            var take = Math.Min(BlockSize - within, count - written);
            _block.AsSpan(within, take).CopyTo(buffer[written..]);
            if (within < 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(head, _head ^ (ulong)index);
                head[within..Math.Min(8, within + take)].CopyTo(buffer[written..]);
            }
            written += take;
            _position += take;
        }
        return written;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin) =>
        Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => Length + offset };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
