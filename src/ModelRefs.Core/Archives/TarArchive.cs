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

/// <summary>
/// Reads the entries of a tar or tar.gz one at a time, streaming, without extracting anything:
/// the one tar reader of npm tarballs and TF Hub archives. What to do with each entry (check it,
/// extract it, read one file of it) is the caller's.
/// </summary>
public static class TarArchive
{
    /// <summary>
    /// The archive's entries in order, each with its data stream open until the next one is read.
    /// pax global headers (metadata for the whole archive, not files) are skipped. A corrupt archive
    /// throws <see cref="InvalidDataException"/>, <see cref="FormatException"/> or <see cref="EndOfStreamException"/>
    /// while enumerating.
    /// </summary>
    public static IEnumerable<TarEntry> Entries(string path, TarCompression compression, CancellationToken cancellationToken = default)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var input = compression == TarCompression.Gzip || IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new TarReader(input, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.EntryType is not TarEntryType.GlobalExtendedAttributes)
                yield return entry;
        }
    }

    /// <summary>A plain file, in any of tar's three spellings of one.</summary>
    public static bool IsRegularFile(TarEntry entry) =>
        entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }
}
