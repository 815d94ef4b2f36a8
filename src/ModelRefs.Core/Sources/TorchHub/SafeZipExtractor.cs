using System.IO.Compression;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>Limits against archive bombs. The defaults fit the largest hub repos with room to spare.</summary>
public sealed record ZipExtractionLimits
{
    public int MaxEntries { get; init; } = 50_000;

    /// <summary>Bytes written over all entries (counted as they are written, not as the archive declares them).</summary>
    public long MaxTotalBytes { get; init; } = 2L << 30;

    public long MaxEntryBytes { get; init; } = 1L << 30;

    public static ZipExtractionLimits Default { get; } = new();
}

/// <summary>An archive entry that could land outside the target, is not a plain file or folder, or breaks a limit.</summary>
public sealed class UnsafeArchiveException : Exception
{
    public UnsafeArchiveException(string entryName, string reason, Exception? inner = null)
        : base(entryName.Length == 0 ? reason : $"entry '{Printable(entryName)}': {reason}", inner)
    {
        EntryName = entryName;
        Reason = reason;
    }

    /// <summary>The entry as the archive names it ("" for problems with the whole archive).</summary>
    public string EntryName { get; }

    public string Reason { get; }

    private static string Printable(string name) =>
        new(name.Select(c => char.IsControl(c) ? '?' : c).Take(200).ToArray());
}

/// <summary>
/// Extracts a zip (a GitHub zipball) without trusting it: every entry must be a regular file or a
/// folder whose normalised relative name stays inside the target; absolute names, drive letters,
/// <c>..</c>, symlinks and device files (Unix mode in the external attributes), names that collide
/// (also by case, so the cache works on every file system), too many entries and too many bytes are
/// refused before anything becomes visible. Extraction goes to a temp folder beside the target that
/// is renamed into place in one step.
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
    /// When the destination already exists (another process won the race), it is kept and returned.
    /// </summary>
    /// <returns>The number of files written (0 when the destination already existed).</returns>
    public static int Extract(string zipPath, string destination, bool stripTopFolder = true, ZipExtractionLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        limits ??= ZipExtractionLimits.Default;
        destination = Path.GetFullPath(destination);
        if (Directory.Exists(destination))
            return 0;

        var parent = Path.GetDirectoryName(destination)!;
        var temp = Path.Combine(parent, ".tmp", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            int files;
            using (var archive = OpenArchive(zipPath))
            {
                var plan = Plan(archive, stripTopFolder, limits);
                files = Write(plan, temp, limits, cancellationToken);
            }
            try
            {
                Directory.Move(temp, destination);
            }
            catch (IOException) when (Directory.Exists(destination))
            {
                return 0; // another writer extracted the same archive first
            }
            return files;
        }
        finally
        {
            TryDeleteDirectory(temp);
        }
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

    private sealed record PlannedEntry(ZipArchiveEntry Entry, string RelativePath, bool IsDirectory);

    private static List<PlannedEntry> Plan(ZipArchive archive, bool stripTopFolder, ZipExtractionLimits limits)
    {
        var entries = archive.Entries;
        if (entries.Count > limits.MaxEntries)
            throw new UnsafeArchiveException("", $"the archive has {entries.Count} entries, more than the limit of {limits.MaxEntries} (an archive bomb?)");

        var plan = new List<PlannedEntry>(entries.Count);
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var directories = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? top = null;
        long declared = 0;

        foreach (var entry in entries)
        {
            var name = entry.FullName;
            var segments = Segments(name);
            var isDirectory = name.EndsWith('/') || name.EndsWith('\\');
            CheckType(entry, isDirectory);

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

            var relative = string.Join('/', segments);
            if (!isDirectory)
            {
                if (entry.Length > limits.MaxEntryBytes)
                    throw new UnsafeArchiveException(name, $"it unpacks to {entry.Length} bytes, more than the limit of {limits.MaxEntryBytes} per file");
                declared += entry.Length;
                if (declared > limits.MaxTotalBytes)
                    throw new UnsafeArchiveException("", $"the archive unpacks to more than the limit of {limits.MaxTotalBytes} bytes (an archive bomb?)");
                if (files.TryGetValue(relative, out var other) || directories.Contains(relative))
                    throw new UnsafeArchiveException(name, other is null
                        ? "a folder of the same name (ignoring case) is in the archive too"
                        : $"it collides with '{other}' (same name, ignoring case); one would overwrite the other");
                files[relative] = name;
            }

            // Every parent is a folder; none may be a file.
            for (var i = 1; i <= segments.Length - (isDirectory ? 0 : 1); i++)
            {
                var folder = string.Join('/', segments[..i]);
                if (files.ContainsKey(folder))
                    throw new UnsafeArchiveException(name, $"it needs a folder '{folder}' where the archive has a file of the same name (ignoring case)");
                directories.Add(folder);
            }
            plan.Add(new PlannedEntry(entry, relative, isDirectory));
        }
        return plan;
    }

    /// <summary>The entry's name as safe relative segments; refuses anything that could leave the target.</summary>
    internal static string[] Segments(string name)
    {
        if (name.Length == 0)
            throw new UnsafeArchiveException(name, "the entry has an empty name");
        if (name.Any(c => c == '\0' || char.IsControl(c)))
            throw new UnsafeArchiveException(name, "the name holds control characters");
        var normalised = name.Replace('\\', '/');
        if (normalised.StartsWith('/'))
            throw new UnsafeArchiveException(name, "the name is an absolute path, which would be written outside the target folder (path traversal)");
        if (normalised.Length >= 2 && char.IsAsciiLetter(normalised[0]) && normalised[1] == ':')
            throw new UnsafeArchiveException(name, "the name starts with a drive letter, which would be written outside the target folder (path traversal)");
        var segments = normalised.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Any(s => s == ".."))
            throw new UnsafeArchiveException(name, "the name climbs out with '..', which would be written outside the target folder (zip slip)");
        if (segments.Any(s => s.Contains(':') || s.TrimEnd('.', ' ').Length == 0))
            throw new UnsafeArchiveException(name, "a name segment holds ':' or only dots and spaces, which file systems read as something else");
        return segments;
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

    private static int Write(List<PlannedEntry> plan, string root, ZipExtractionLimits limits, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        var files = 0;
        var rootWithSeparator = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        foreach (var planned in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.GetFullPath(Path.Combine(root, planned.RelativePath.Replace('/', Path.DirectorySeparatorChar)));
            // Belt and braces: the checks above already keep every name inside.
            if (!target.StartsWith(rootWithSeparator, StringComparison.Ordinal))
                throw new UnsafeArchiveException(planned.Entry.FullName, "the name resolves outside the target folder (path traversal)");
            if (planned.IsDirectory)
            {
                Directory.CreateDirectory(target);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            long written = 0;
            try
            {
                using var input = planned.Entry.Open();
                using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    written += read;
                    total += read;
                    if (written > limits.MaxEntryBytes)
                        throw new UnsafeArchiveException(planned.Entry.FullName, $"it unpacks to more than the limit of {limits.MaxEntryBytes} bytes per file (an archive bomb?)");
                    if (total > limits.MaxTotalBytes)
                        throw new UnsafeArchiveException("", $"the archive unpacks to more than the limit of {limits.MaxTotalBytes} bytes (an archive bomb?)");
                    output.Write(buffer, 0, read);
                }
            }
            catch (InvalidDataException e)
            {
                throw new UnsafeArchiveException(planned.Entry.FullName, $"the entry's data is corrupt ({e.Message})", e);
            }
            files++;
        }
        return files;
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
