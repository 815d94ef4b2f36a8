using System.Buffers.Binary;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// Deterministic pseudo-random content of any length, computed from the position (SplitMix64 of
/// each 8-byte word's index), so a test can serve gigabytes from no memory and seek anywhere
/// (<see cref="LoopbackResponse.Ranged(LoopbackRequest, long, Func{long, Stream}, string?, DateTimeOffset?)"/>).
/// </summary>
public sealed class GeneratedContentStream : Stream
{
    private readonly ulong _seed;
    private long _position;

    public GeneratedContentStream(long length, ulong seed = 1, long position = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _seed = seed;
        _position = position;
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
        Span<byte> word = stackalloc byte[8];
        var written = 0;
        while (written < count)
        {
            var index = (ulong)(_position / 8);
            var within = (int)(_position % 8);
            BinaryPrimitives.WriteUInt64LittleEndian(word, Mix(index ^ _seed));
            var take = Math.Min(8 - within, count - written);
            word.Slice(within, take).CopyTo(buffer[written..]);
            written += take;
            _position += take;
        }
        return written;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => Length + offset };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
