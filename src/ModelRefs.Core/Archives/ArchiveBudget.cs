namespace ModelRefs.Core.Archives;

/// <summary>
/// What one archive has spent of its <see cref="ArchiveLimits"/> while it is read: entries seen,
/// bytes unpacked per entry and in all, and unpacked bytes per compressed byte. Every entry's data
/// is read through <see cref="Open"/>, which also checks that an entry holds exactly the bytes it
/// declares: an archive cut short (a gzip stream that ends early, a cut tar inside a whole gzip)
/// fails on the entry it cut, so a short file never passes for a complete one.
/// </summary>
internal sealed class ArchiveBudget
{
    private readonly ArchiveLimits _limits;
    private readonly Func<long> _compressedBytesRead;
    private int _entries;
    private long _totalBytes;

    /// <param name="compressedBytesRead">How many bytes of the archive file have been read so far, for the expansion ratio.</param>
    public ArchiveBudget(ArchiveLimits limits, Func<long> compressedBytesRead)
    {
        _limits = limits;
        _compressedBytesRead = compressedBytesRead;
    }

    /// <summary>An archive that lists its entries up front (a zip's central directory) is refused before anything is written.</summary>
    public void CheckDeclaredEntries(int count)
    {
        if (count > _limits.MaxEntries)
            throw Limit("", $"the archive has {count} entries, more than the limit of {_limits.MaxEntries} entries (an archive bomb?)", ArchiveSettings.MaxEntries);
    }

    public void CountEntry()
    {
        if (++_entries > _limits.MaxEntries)
            throw Limit("", $"the archive has more than the limit of {_limits.MaxEntries} entries (an archive bomb?)", ArchiveSettings.MaxEntries);
    }

    /// <summary>
    /// The entry's data, checked while it is read; an empty stream for an entry without data.
    /// <paramref name="ownsData"/>: disposing the result disposes <paramref name="data"/> (a zip
    /// entry's stream; a tar entry's belongs to its reader).
    /// </summary>
    public Stream Open(string entryName, long declaredLength, Stream? data, bool ownsData)
    {
        if (declaredLength > _limits.MaxEntryBytes)
            throw PerFile(entryName, declaredLength);
        return new CheckedEntryStream(this, entryName, declaredLength, data ?? Stream.Null, ownsData);
    }

    private void Count(string entryName, long entryBytes, int read)
    {
        _totalBytes += read;
        if (entryBytes > _limits.MaxEntryBytes)
            throw PerFile(entryName, entryBytes);
        if (_totalBytes > _limits.MaxTotalBytes)
            throw Limit("", $"the archive unpacks to more than the limit of {_limits.MaxTotalBytes} bytes (an archive bomb?)", ArchiveSettings.MaxTotalBytes);
        if (_totalBytes > _limits.RatioGraceBytes && _totalBytes / Math.Max(1, _compressedBytesRead()) > _limits.MaxExpansionRatio)
            throw Limit(entryName, $"it unpacks to more than the limit of {_limits.MaxExpansionRatio} bytes per compressed byte (an archive bomb?)", ArchiveSettings.MaxExpansionRatio);
    }

    private UnsafeArchiveException PerFile(string entryName, long bytes) =>
        Limit(entryName, $"it unpacks to {bytes} bytes or more, more than the limit of {_limits.MaxEntryBytes} bytes per file (an archive bomb?)", ArchiveSettings.MaxFileBytes);

    private static UnsafeArchiveException Limit(string entryName, string what, Configuration.Setting setting) =>
        new(entryName, $"{what}. If the model really is this large, raise {setting.Property} in the project");

    /// <summary>An entry's data: counted against the budget, and exactly as long as declared.</summary>
    private sealed class CheckedEntryStream(ArchiveBudget budget, string entryName, long declaredLength, Stream inner, bool ownsInner) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = inner.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new UnsafeArchiveException(entryName, $"the entry's data is corrupt ({e.Message})", e);
            }
            if (read == 0 && buffer.Length > 0 && _read < declaredLength)
                throw new UnsafeArchiveException(entryName, $"the archive is truncated: the entry ends after {_read} of its {declaredLength} bytes");
            _read += read;
            if (_read > declaredLength)
                throw new UnsafeArchiveException(entryName, $"the entry holds more than the {declaredLength} bytes it declares");
            budget.Count(entryName, _read, read);
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span)); // archives are read from local files
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => declaredLength;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsInner)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
