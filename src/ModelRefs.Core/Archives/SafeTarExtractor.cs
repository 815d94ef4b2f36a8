using System.Formats.Tar;

namespace ModelRefs.Core.Archives;

/// <summary>
/// Extracts a tar or tar.gz (a TF Hub compressed download) without trusting it, with the rules of
/// the stock TF Hub client and then some: only regular files and folders (symbolic and hard links,
/// character and block devices, FIFOs and anything else are refused); names and limits are checked
/// by <see cref="ExtractionFolder"/>, which also makes the result appear atomically or not at all.
/// </summary>
public static class SafeTarExtractor
{
    /// <summary>
    /// Extracts <paramref name="archivePath"/> (gzip-compressed or not: sniffed by its magic bytes)
    /// into <paramref name="destination"/>, which appears atomically and complete or not at all.
    /// When the destination already exists (another process won the race) it is kept.
    /// Throws <see cref="UnsafeArchiveException"/> for a refused or unreadable archive.
    /// </summary>
    /// <returns>The number of files written (0 when the destination already existed).</returns>
    public static int Extract(string archivePath, string destination, ArchiveLimits? limits = null, CancellationToken cancellationToken = default)
    {
        destination = Path.GetFullPath(destination);
        if (Directory.Exists(destination))
            return 0;

        using var folder = new ExtractionFolder(destination);
        foreach (var entry in TarArchive.Entries(archivePath, TarCompression.Detect, limits ?? ArchiveLimits.Default, cancellationToken))
        {
            var isDirectory = entry.EntryType is TarEntryType.Directory;
            CheckType(entry, isDirectory);
            var segments = ArchiveEntryNames.Segments(entry.Name);
            if (segments.Length == 0)
                continue; // "./"
            if (isDirectory)
                folder.AddDirectory(entry.Name, segments);
            else
                folder.AddFile(entry.Name, segments, entry.DataStream);
        }
        return folder.Commit();
    }

    private static void CheckType(TarArchiveEntry entry, bool isDirectory)
    {
        if (isDirectory || entry.IsRegularFile)
            return;
        var kind = entry.EntryType switch
        {
            TarEntryType.SymbolicLink => $"a symbolic link (to '{entry.LinkName}'), which could point outside the target folder",
            TarEntryType.HardLink => $"a hard link (to '{entry.LinkName}'), which could point outside the target folder",
            TarEntryType.CharacterDevice => "a character device file",
            TarEntryType.BlockDevice => "a block device file",
            TarEntryType.Fifo => "a named pipe (FIFO)",
            _ => $"of tar type '{entry.EntryType}', not a regular file or folder",
        };
        throw new UnsafeArchiveException(entry.Name, "the entry is " + kind + "; only regular files and folders are extracted");
    }
}
