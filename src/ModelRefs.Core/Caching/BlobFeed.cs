namespace ModelRefs.Core.Caching;

/// <summary>
/// The bytes of a blob while a <see cref="BlobWriter"/> writes them (a download), for one reader
/// that works on them as they arrive: an npm package tarball is decompressed during its download
/// instead of after it. The reader sees only bytes the writer has handed to the file system, waits
/// for more, and fails with <see cref="BlobFeedAbortedException"/> when the download starts again
/// from byte 0 or fails. Nothing it reads is verified until <see cref="Outcome"/> gives the
/// committed blob: whatever the reader makes of the bytes must not become visible before that.
/// </summary>
public sealed class BlobFeed
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource<CachedBlob?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _path;
    private long _available;
    private int _generation;
    private bool _completed;
    private bool _failed;

    /// <summary>The blob once the writer committed it (its content verified), or null when it never will be (the download failed).</summary>
    public Task<CachedBlob?> Outcome => _outcome.Task;

    internal void Attach(string tempPath)
    {
        lock (_gate)
        {
            _path = tempPath;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The writer has handed the first <paramref name="length"/> bytes to the file system.</summary>
    internal void Advance(long length)
    {
        lock (_gate)
        {
            _available = length;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The writer forgot what it wrote (a download restarted from byte 0): the reader's bytes are not the content's.</summary>
    internal void Restart()
    {
        lock (_gate)
        {
            _generation++;
            _available = 0;
            Monitor.PulseAll(_gate);
        }
    }

    internal void Complete(CachedBlob blob)
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
        _outcome.TrySetResult(blob);
    }

    /// <summary>The writer was disposed without a commit; harmless after <see cref="Complete"/>.</summary>
    internal void Fail()
    {
        lock (_gate)
        {
            if (_completed)
                return;
            _failed = true;
            Monitor.PulseAll(_gate);
        }
        _outcome.TrySetResult(null);
    }

    /// <summary>
    /// True while the writer has not started again from byte 0 since <paramref name="reader"/> was
    /// opened: only then are the bytes it read those the committed blob holds (a reader that stopped
    /// early does not see a later restart itself).
    /// </summary>
    public bool Holds(Stream reader)
    {
        lock (_gate)
            return reader is Reader { Feed: var feed, Generation: var generation } && feed == this && generation == _generation && !_failed;
    }

    /// <summary>
    /// A read-only stream of the bytes as they come, blocking while it waits: read it on a thread
    /// of its own (never a thread-pool thread the writer may need). It ends where the committed blob ends.
    /// </summary>
    public Stream OpenReader(CancellationToken cancellationToken)
    {
        string path;
        int generation;
        lock (_gate)
        {
            while (_path is null)
            {
                ThrowIfAborted(0);
                Wait(cancellationToken);
            }
            path = _path;
            generation = _generation;
        }
        FileStream file;
        try
        {
            // Delete shared: the writer renames the file into the cache while it may still be read.
            file = Open(path);
        }
        catch (FileNotFoundException)
        {
            // Renamed into the cache already (a short download): read the blob, once the commit is known.
            file = Open(WaitForCommittedPath(cancellationToken));
        }
        return new Reader(this, file, generation, cancellationToken);
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);

    private string WaitForCommittedPath(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            while (!_completed)
            {
                if (_failed)
                    throw new BlobFeedAbortedException("the download failed");
                Wait(cancellationToken);
            }
        }
        return _outcome.Task.Result!.Path;
    }

    /// <summary>How many bytes are readable from <paramref name="position"/> on: waits while none are and more may come; 0 at the end.</summary>
    private long WaitForBytes(long position, int generation, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            while (true)
            {
                ThrowIfAborted(generation);
                if (_available > position)
                    return _available - position;
                if (_completed)
                    return 0;
                Wait(cancellationToken);
            }
        }
    }

    private void ThrowIfAborted(int generation)
    {
        if (_failed)
            throw new BlobFeedAbortedException("the download failed");
        if (_generation != generation)
            throw new BlobFeedAbortedException("the download started again from its first byte");
    }

    // Called with the gate held; wakes up now and then to see the cancellation.
    private void Wait(CancellationToken cancellationToken)
    {
        Monitor.Wait(_gate, TimeSpan.FromMilliseconds(100));
        cancellationToken.ThrowIfCancellationRequested();
    }

    private sealed class Reader(BlobFeed feed, FileStream file, int generation, CancellationToken cancellationToken) : Stream
    {
        private long _position;

        public BlobFeed Feed => feed;

        public int Generation => generation;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        /// <summary>Bytes read so far (an archive's budget measures the compressed bytes by it).</summary>
        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0)
                return 0;
            var readable = feed.WaitForBytes(_position, generation, cancellationToken);
            if (readable == 0)
                return 0;
            var read = file.Read(buffer[..(int)Math.Min(buffer.Length, readable)]);
            if (read == 0)
                throw new BlobFeedAbortedException("the file ended before the bytes the download had written");
            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                file.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>The bytes a <see cref="BlobFeed"/> reader had are not (or no longer) the download's.</summary>
public sealed class BlobFeedAbortedException(string message) : IOException(message);
