using ModelRefs.Core.Caching;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Caching;

/// <summary>
/// A blob's bytes read while they are written: the reader gets them before the commit and ends at
/// the committed length; a restart or a writer disposed without a commit aborts it, and only a
/// reader the writer never restarted on holds the committed content.
/// </summary>
public sealed class BlobFeedTests
{
    private static readonly byte[] Content = Enumerable.Range(0, 700 * 1024).Select(i => (byte)(i * 31 % 251)).ToArray();

    [Fact(Timeout = 30_000)]
    public async Task TheReader_GetsTheBytesBeforeTheCommit_AndEndsWhereTheBlobEnds()
    {
        using var dir = new TempDirectory("modelrefs-feed-");
        var (feed, writer) = Writing(dir);
        await using var _ = writer;
        await writer.WriteAsync(Content.AsMemory(0, 600 * 1024), CancellationToken.None);
        using var reader = feed.OpenReader(CancellationToken.None);

        // Read on a thread of its own, as the npm source does: the reader blocks while it waits.
        var firstPart = await Task.Factory.StartNew(() => ReadExactly(reader, 512 * 1024), TaskCreationOptions.LongRunning);
        Assert.Equal(Content.AsSpan(0, 512 * 1024).ToArray(), firstPart);
        Assert.False(feed.Outcome.IsCompleted);

        var rest = Task.Factory.StartNew(() => ReadToEnd(reader), TaskCreationOptions.LongRunning);
        await writer.WriteAsync(Content.AsMemory(600 * 1024), CancellationToken.None);
        var blob = await writer.CommitAsync(new BlobAddOptions(), CancellationToken.None);

        Assert.Equal(Content.AsSpan(512 * 1024).ToArray(), await rest);
        Assert.Same(blob, await feed.Outcome);
        Assert.True(feed.Holds(reader));
        Assert.Equal(Content, File.ReadAllBytes(blob.Path));
    }

    [Fact(Timeout = 30_000)]
    public async Task AReaderOpenedAfterTheCommit_ReadsTheBlob()
    {
        using var dir = new TempDirectory("modelrefs-feed-");
        var (feed, writer) = Writing(dir);
        await using var _ = writer;
        await writer.WriteAsync(Content, CancellationToken.None);
        var blob = await writer.CommitAsync(new BlobAddOptions(), CancellationToken.None);

        // A short download can be renamed into the cache before the pass's thread opens it.
        using var reader = feed.OpenReader(CancellationToken.None);

        Assert.Equal(Content, ReadToEnd(reader));
        Assert.True(feed.Holds(reader));
        Assert.Same(blob, await feed.Outcome);
    }

    [Fact(Timeout = 30_000)]
    public async Task ARestartedWrite_AbortsTheReader_AndItsBytesAreNotTheBlobs()
    {
        using var dir = new TempDirectory("modelrefs-feed-");
        var (feed, writer) = Writing(dir);
        await using var _ = writer;
        await writer.WriteAsync(Content.AsMemory(0, 300 * 1024), CancellationToken.None);
        using var reader = feed.OpenReader(CancellationToken.None);
        Assert.Equal(Content.AsSpan(0, 256 * 1024).ToArray(), ReadExactly(reader, 256 * 1024));

        writer.Reset();

        Assert.Throws<BlobFeedAbortedException>(() => reader.ReadByte());
        await writer.WriteAsync(Content, CancellationToken.None);
        await writer.CommitAsync(new BlobAddOptions(), CancellationToken.None);
        Assert.NotNull(await feed.Outcome);
        Assert.False(feed.Holds(reader));
    }

    [Fact(Timeout = 30_000)]
    public async Task AReaderThatStoppedEarly_DoesNotHoldTheBlob_WhenTheWriteStartedAgainAfterIt()
    {
        using var dir = new TempDirectory("modelrefs-feed-");
        var (feed, writer) = Writing(dir);
        await using var _ = writer;
        await writer.WriteAsync(Content.AsMemory(0, 300 * 1024), CancellationToken.None);
        var reader = feed.OpenReader(CancellationToken.None);
        ReadExactly(reader, 1024);
        reader.Dispose(); // it found what it wanted

        writer.Reset();
        await writer.WriteAsync(Content, CancellationToken.None);
        await writer.CommitAsync(new BlobAddOptions(), CancellationToken.None);

        Assert.False(feed.Holds(reader));
    }

    [Fact(Timeout = 30_000)]
    public async Task AWriterDisposedWithoutACommit_AbortsTheReader_AndLeavesNoOutcome()
    {
        using var dir = new TempDirectory("modelrefs-feed-");
        var (feed, writer) = Writing(dir);
        await writer.WriteAsync(Content.AsMemory(0, 300 * 1024), CancellationToken.None);
        using var reader = feed.OpenReader(CancellationToken.None);
        var waiting = Task.Factory.StartNew(() => ReadToEnd(reader), TaskCreationOptions.LongRunning);

        await writer.DisposeAsync();

        await Assert.ThrowsAsync<BlobFeedAbortedException>(() => waiting);
        Assert.Null(await feed.Outcome);
        Assert.False(feed.Holds(reader));
        Assert.Empty(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories));
    }

    /// <summary>A writer of a blob in a cache of its own, with a feed.</summary>
    private static (BlobFeed Feed, BlobWriter Writer) Writing(TempDirectory dir)
    {
        var feed = new BlobFeed();
        return (feed, new ModelCache(dir.Path).CreateBlobWriter(feed: feed));
    }

    private static byte[] ReadExactly(Stream stream, int count)
    {
        var buffer = new byte[count];
        stream.ReadExactly(buffer);
        return buffer;
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var all = new MemoryStream();
        stream.CopyTo(all);
        return all.ToArray();
    }
}
