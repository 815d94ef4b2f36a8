using System.Formats.Tar;
using System.IO.Compression;

namespace ModelRefs.Core.Archives;

/// <summary>How a tar file is compressed.</summary>
public enum TarCompression
{
    /// <summary>gzip, always (an npm tarball): anything else is unreadable.</summary>
    Gzip,

    /// <summary>gzip or none, told by the file's first two bytes (a TF Hub download).</summary>
    Detect,
}

/// <summary>One entry of a tar archive, with its data checked while it is read (<see cref="ArchiveBudget"/>).</summary>
public sealed class TarArchiveEntry
{
    private readonly TarEntry _entry;

    internal TarArchiveEntry(TarEntry entry, Stream data)
    {
        _entry = entry;
        DataStream = data;
    }

    public string Name => _entry.Name;

    /// <summary>The size the archive declares; <see cref="DataStream"/> holds exactly this many bytes or fails.</summary>
    public long Length => _entry.Length;

    public TarEntryType EntryType => _entry.EntryType;

    public string LinkName => _entry.LinkName;

    /// <summary>The entry's bytes, open until the next entry is read; empty for entries without data.</summary>
    public Stream DataStream { get; }

    /// <summary>A plain file, in any of tar's three spellings of one.</summary>
    public bool IsRegularFile => EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;
}

/// <summary>
/// Reads the entries of a tar or tar.gz one at a time, streaming, without extracting anything:
/// the one tar reader of npm tarballs and TF Hub archives. Every entry counts against the
/// <see cref="ArchiveLimits"/> and its data is checked while it is read (a truncated entry or a
/// bomb fails there); an archive that is not readable tar fails as it is read. Everything fails
/// with <see cref="UnsafeArchiveException"/>. What to do with each entry is the caller's.
/// </summary>
public static class TarArchive
{
    /// <summary>
    /// The archive's entries in order. pax global headers (metadata for the whole archive, not
    /// files) are skipped. Reading to the end also checks the archive ends properly.
    /// </summary>
    public static IEnumerable<TarArchiveEntry> Entries(string path, TarCompression compression, ArchiveLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ReadObserver.Value?.Invoke(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        foreach (var entry in Read(file, compression == TarCompression.Gzip || IsGzip(file), limits, cancellationToken))
            yield return entry;
    }

    /// <summary>
    /// The same from a stream of a tar.gz read front to back (a download as it arrives,
    /// <see cref="Caching.BlobFeed"/>); <paramref name="name"/> is what the read is observed as.
    /// The stream's Position must count the compressed bytes read (the expansion budget uses it).
    /// </summary>
    public static IEnumerable<TarArchiveEntry> GzipEntries(Stream compressed, string name, ArchiveLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(limits);
        ReadObserver.Value?.Invoke(name);
        return Read(compressed, gzip: true, limits, cancellationToken);
    }

    private static IEnumerable<TarArchiveEntry> Read(Stream file, bool gzip, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        using var input = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        using var reader = new TarReader(input, leaveOpen: true);
        var budget = new ArchiveBudget(limits, () => file.Position);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TarEntry? entry;
            try
            {
                entry = reader.GetNextEntry(copyData: false);
            }
            catch (NotSupportedException e)
            {
                // .NET reads no GNU sparse files (and no other exotic types); neither holds a model a plain file would not.
                throw new UnsafeArchiveException("", $"the archive holds an entry of a kind that is not read ({e.Message}); only regular files and folders are", e);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or OverflowException or InvalidOperationException)
            {
                throw new UnsafeArchiveException("", $"the file is not a readable tar archive, or it is cut short ({e.Message})", e);
            }
            if (entry is null)
                yield break;
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                continue;
            budget.CountEntry();
            yield return new TarArchiveEntry(entry, budget.Open(entry.Name, entry.Length, entry.DataStream, ownsData: false));
        }
    }

    private static readonly AsyncLocal<Action<string>?> ReadObserver = new();

    /// <summary>
    /// Calls <paramref name="opened"/> with the path of every archive that this async flow (and the
    /// tasks it starts) begins to read, until disposed: how tests see how many passes a restore makes.
    /// </summary>
    internal static IDisposable ObserveReads(Action<string> opened)
    {
        var outer = ReadObserver.Value;
        ReadObserver.Value = path =>
        {
            outer?.Invoke(path);
            opened(path);
        };
        return new Undo(() => ReadObserver.Value = outer);
    }

    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }
}
