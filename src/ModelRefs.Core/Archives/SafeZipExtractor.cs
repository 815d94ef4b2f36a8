using System.IO.Compression;

namespace ModelRefs.Core.Archives;

/// <summary>
/// Extracts a zip (a GitHub zipball) without trusting it: every entry must be a regular file or a
/// folder (symlinks and device files are recognised by the Unix mode in the external attributes,
/// links by the DOS reparse-point flag); names, collisions and limits are checked by
/// <see cref="ExtractionFolder"/>, which also makes the result appear atomically or not at all.
/// </summary>
public static class SafeZipExtractor
{
    private const int UnixTypeMask = 0xF000;
    private const int UnixRegular = 0x8000;
    private const int UnixDirectory = 0x4000;
    private const int DosReparsePoint = 0x400;

    /// <summary>
    /// Extracts <paramref name="zipPath"/> into <paramref name="destination"/>, which appears
    /// atomically and complete or not at all. When <paramref name="stripTopFolder"/> is set, every
    /// entry must sit under one top folder (a GitHub zipball's <c>owner-repo-sha/</c>), which is removed.
    /// When the destination already exists (another process won the race), it is kept.
    /// </summary>
    /// <returns>The number of files written (0 when the destination already existed).</returns>
    public static int Extract(string zipPath, string destination, bool stripTopFolder = true, ArchiveLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        destination = Path.GetFullPath(destination);
        if (Directory.Exists(destination))
            return 0;
        try
        {
            return Write(zipPath, destination, stripTopFolder, limits ?? ArchiveLimits.Default, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException)
        {
            // Whatever the zip reader finds wrong (an end record whose entry count disagrees with
            // the central directory, a bad offset, an unknown compression method) is the archive's fault.
            throw new UnsafeArchiveException("", $"the file is not a readable zip archive ({e.Message})", e);
        }
    }

    private static int Write(string zipPath, string destination, bool stripTopFolder, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        using var archive = ZipFile.OpenRead(zipPath);
        // The entries' compressed sizes stand for what has been read, for the expansion ratio.
        long compressedRead = 0;
        var budget = new ArchiveBudget(limits, () => compressedRead);
        budget.CheckDeclaredEntries(archive.Entries.Count);
        using var folder = new ExtractionFolder(destination);
        string? top = null;
        foreach (var entry in archive.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            budget.CountEntry();
            var name = entry.FullName;
            var isDirectory = name.EndsWith('/') || name.EndsWith('\\');
            CheckType(entry, isDirectory);
            var segments = ArchiveEntryNames.Segments(name);
            if (stripTopFolder)
            {
                if (segments.Length == 0 || (segments.Length == 1 && !isDirectory))
                    throw new UnsafeArchiveException(name, "the archive is expected to hold one top folder (as GitHub zipballs do), but this entry sits at its root");
                top ??= segments[0];
                if (!string.Equals(top, segments[0], StringComparison.Ordinal))
                    throw new UnsafeArchiveException(name, $"the archive is expected to hold one top folder (as GitHub zipballs do), but it has '{top}' and '{segments[0]}'");
                segments = segments[1..];
            }
            if (segments.Length == 0)
                continue;
            if (isDirectory)
                folder.AddDirectory(name, segments);
            else
            {
                compressedRead += entry.CompressedLength;
                using var data = budget.Open(name, entry.Length, entry.Open(), ownsData: true);
                folder.AddFile(name, segments, data);
            }
        }
        return folder.Commit();
    }

    private static void CheckType(ZipArchiveEntry entry, bool isDirectory)
    {
        var attributes = entry.ExternalAttributes;
        var unixType = (attributes >> 16) & UnixTypeMask;
        if (unixType != 0 && unixType != UnixRegular && unixType != UnixDirectory)
        {
            var kind = unixType switch
            {
                0xA000 => "a symbolic link, which could point outside the target folder",
                0x2000 => "a character device file",
                0x6000 => "a block device file",
                0x1000 => "a named pipe (FIFO)",
                0xC000 => "a socket",
                _ => $"not a regular file or folder (Unix mode {unixType:x4})",
            };
            throw new UnsafeArchiveException(entry.FullName, "the entry is " + kind + "; only regular files and folders are extracted");
        }
        if ((attributes & DosReparsePoint) != 0)
            throw new UnsafeArchiveException(entry.FullName, "the entry is a reparse point (a link); only regular files and folders are extracted");
        if (unixType == UnixDirectory && !isDirectory && entry.Length > 0)
            throw new UnsafeArchiveException(entry.FullName, "the entry claims to be a folder but carries data");
    }
}
