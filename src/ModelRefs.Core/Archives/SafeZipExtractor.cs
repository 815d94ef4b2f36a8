using System.IO.Compression;

namespace ModelRefs.Core.Archives;

/// <summary>Limits for <see cref="SafeZipExtractor"/>: the largest hub repos with room to spare.</summary>
public sealed record ZipExtractionLimits : ArchiveLimits
{
    public static ZipExtractionLimits Default { get; } = new();
}

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
    public static int Extract(string zipPath, string destination, bool stripTopFolder = true, ZipExtractionLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        limits ??= ZipExtractionLimits.Default;
        destination = Path.GetFullPath(destination);
        if (Directory.Exists(destination))
            return 0;

        using var archive = OpenArchive(zipPath);
        if (archive.Entries.Count > limits.MaxEntries)
            throw new UnsafeArchiveException("", $"the archive has {archive.Entries.Count} entries, more than the limit of {limits.MaxEntries} (an archive bomb?)");

        using var folder = new ExtractionFolder(destination, limits);
        string? top = null;
        foreach (var entry in archive.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            folder.CountEntry();
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
                folder.AddFile(name, segments, entry.Length, entry.Open);
        }
        return folder.Commit();
    }

    private static ZipArchive OpenArchive(string zipPath)
    {
        try
        {
            return ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException e)
        {
            throw new UnsafeArchiveException("", $"the file is not a readable zip archive ({e.Message})", e);
        }
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
